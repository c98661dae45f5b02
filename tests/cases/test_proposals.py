"""Limit proposals on the INEGI frame: stored, what changes hands, statuses, ratification."""

import datetime as dt
import json

import geopandas as gpd
import pytest
import shapely
from limites_testing import demo_zone
from limites_testing_proposals import put_inegi_in_force
from sqlalchemy import select

from boundaries.annex import construction_table
from boundaries.annex_files import annex_dxf
from boundaries.crs import STORAGE_CRS, SURVEY_CRS
from boundaries.topology import analyze_topology
from cases.errors import ConflictError, InvalidInputError
from cases.frames.derived import add_finding
from cases.frames.in_force import frame_in_force
from cases.frames.stored_layers import official_frame
from cases.proposals.exchange import exchange_of
from cases.proposals.proposals import claim_line, create_proposal, line_from_file, set_status
from cases.proposals.ratification import ratify
from cases.records.editing import status_history
from cases.storage.db import unit_of_work
from cases.storage.models import (
    FindingCategory,
    Frame,
    Inspection,
    LimitProposal,
    Municipality,
    ProposalOrigin,
    ProposalStatus,
    Site,
    ZoneStatus,
)
from tests.boundaries.proposals import COUNTER_PROPOSAL, PROPOSAL

DAY = dt.date(2026, 11, 20)


@pytest.fixture
def inegi(demo):
    """The demo with the INEGI frame around Oaxaca de Juárez in force; (session, a, b, zone)."""
    with unit_of_work(demo):
        oaxaca, san_jacinto = put_inegi_in_force(demo)
    return demo, oaxaca, san_jacinto, demo_zone(demo)


def propose(session, a, b, zone, line=PROPOSAL, title="Propuesta de la Unidad"):
    with unit_of_work(session):
        return create_proposal(session, None, title=title, municipality_a=a,
                               municipality_b=b, line=line, proposed_on=DAY, zone=zone)


def survey_area(geometry) -> float:
    return float(gpd.GeoSeries([geometry], crs=STORAGE_CRS).to_crs(SURVEY_CRS).area.iloc[0])


def test_a_proposal_across_colonia_ejidal_reports_exchanged_areas_that_add_up(inegi):
    session, oaxaca, san_jacinto, zone = inegi
    proposal = propose(session, oaxaca, san_jacinto, zone)
    assert proposal.status is ProposalStatus.PROPOSED
    assert [c.to_status for c in status_history(session, proposal)] == ["propuesta"]
    # The stored line has its ends moved onto the common limit.
    assert proposal.geometry.coords[0] != PROPOSAL.coords[0]
    exchange = exchange_of(session, proposal)
    change = exchange.change
    directions = sorted((p.giver.cvegeo, p.taker.cvegeo) for p in exchange.pieces)
    assert directions == [("20067", "20157"), ("20067", "20157"), ("20157", "20067")]
    gained = change.new_area_a_m2 - change.area_a_m2
    assert gained == pytest.approx(exchange.moved_m2(san_jacinto) - exchange.moved_m2(oaxaca),
                                   abs=0.01)
    assert change.new_area_b_m2 - change.area_b_m2 == pytest.approx(-gained, abs=0.01)
    for piece in exchange.pieces:
        assert piece.area_ha == pytest.approx(piece.area_m2 / 10_000)
    # The demo's Colonia Ejidal lies in what changes hands.
    assert zone in {z for p in exchange.pieces for z, _ in p.zones}


def test_what_lies_in_a_piece_findings_sites_and_routes(inegi):
    session, oaxaca, san_jacinto, zone = inegi
    proposal = propose(session, oaxaca, san_jacinto, zone)
    piece = exchange_of(session, proposal).pieces[0]
    inside = piece.geometry.representative_point()
    with unit_of_work(session):
        inspection = Inspection(title="Recorrido por la franja", started_on=DAY)
        session.add(inspection)
        session.flush()
        finding = add_finding(session, inspection, FindingCategory.OTHER, inside, "Bordo")
        session.add(Site(name="Pozo de la franja", geometry=inside))
    found = exchange_of(session, proposal).pieces[0]
    assert finding in found.findings
    assert "Pozo de la franja" in {s.name for s in found.sites}


def test_two_proposals_side_by_side(inegi):
    session, oaxaca, san_jacinto, zone = inegi
    first = propose(session, oaxaca, san_jacinto, zone)
    second = propose(session, oaxaca, san_jacinto, zone, COUNTER_PROPOSAL, "Contrapropuesta")
    between = exchange_of(session, first, against=second)
    assert {(p.giver.cvegeo, p.taker.cvegeo) for p in between.pieces} == {
        ("20067", "20157"), ("20157", "20067")}
    change = between.change
    assert change.new_area_a_m2 - change.area_a_m2 == pytest.approx(
        between.moved_m2(san_jacinto) - between.moved_m2(oaxaca), abs=0.01)


def test_statuses_keep_their_history_and_the_zone_follows(inegi):
    session, oaxaca, san_jacinto, zone = inegi
    proposal = propose(session, oaxaca, san_jacinto, zone)
    with unit_of_work(session):
        set_status(session, None, proposal, ProposalStatus.IN_REVIEW, note="Se revisa",
                   on=dt.date(2026, 11, 25))
        set_status(session, None, proposal, ProposalStatus.ACCEPTED, on=dt.date(2026, 11, 30))
    history = status_history(session, proposal)
    assert [c.to_status for c in history] == ["propuesta", "en_revision", "aceptada"]
    assert history[1].note == "Se revisa" and history[2].effective_on == dt.date(2026, 11, 30)
    assert zone.status is ZoneStatus.AGREED
    with pytest.raises(InvalidInputError, match="convenio o el decreto"), unit_of_work(session):
        set_status(session, None, proposal, ProposalStatus.RATIFIED)


def test_ratification_re_cuts_both_municipalities_into_a_clean_frame(inegi):
    session, oaxaca, san_jacinto, zone = inegi
    proposal = propose(session, oaxaca, san_jacinto, zone)
    exchange = exchange_of(session, proposal)
    piece = exchange.pieces[0]
    with unit_of_work(session):
        inspection = Inspection(title="Recorrido", started_on=DAY)
        session.add(inspection)
        session.flush()
        finding = add_finding(session, inspection, FindingCategory.OTHER,
                              piece.geometry.representative_point(), "En la pieza")
    assert finding.official_municipality == piece.giver
    before = official_frame(session)
    area = {row.code: survey_area(row.geometry) for row in before.itertuples()}
    with pytest.raises(ConflictError, match="aceptada por ambas partes"), unit_of_work(session):
        ratify(session, None, proposal, ratified_on=DAY, reference="Decreto 1",
               frame_name="Límites convenidos")
    with unit_of_work(session):
        set_status(session, None, proposal, ProposalStatus.ACCEPTED, on=dt.date(2026, 11, 25))
        frame = ratify(session, None, proposal, ratified_on=dt.date(2026, 11, 30),
                       reference="Decreto 1234 del Congreso del Estado",
                       frame_name="Límites convenidos 20/11/2026", activate=True)
    assert frame_in_force(session) == frame
    after = official_frame(session)
    assert sorted(after.code) == sorted(before.code)
    topology = analyze_topology(after, code_col="code", min_area_m2=0)
    assert topology.overlaps.empty and topology.gaps.empty
    new_area = {row.code: survey_area(row.geometry) for row in after.itertuples()}
    gained = exchange.moved_m2(san_jacinto) - exchange.moved_m2(oaxaca)
    assert new_area["20067"] - area["20067"] == pytest.approx(gained, abs=0.01)
    assert new_area["20157"] - area["20157"] == pytest.approx(-gained, abs=0.01)
    assert all(new_area[c] == pytest.approx(area[c]) for c in area if c not in {"20067",
                                                                                "20157"})
    session.refresh(finding)
    assert finding.official_municipality == piece.taker
    assert proposal.status is ProposalStatus.RATIFIED and proposal.frame == frame
    assert proposal.ratification_reference.startswith("Decreto 1234")
    assert zone.status is ZoneStatus.RESOLVED
    assert status_history(session, zone)[-1].to_status == "resuelta"


def test_a_decree_dated_before_the_acceptance_is_refused(inegi):
    session, oaxaca, san_jacinto, zone = inegi
    proposal = propose(session, oaxaca, san_jacinto, zone)
    with unit_of_work(session):
        set_status(session, None, proposal, ProposalStatus.ACCEPTED, on=dt.date(2026, 11, 25))
    with pytest.raises(InvalidInputError, match="anterior"), unit_of_work(session):
        ratify(session, None, proposal, ratified_on=dt.date(2026, 11, 24), reference="D",
               frame_name="Límites convenidos")


def test_a_line_comes_from_a_file_in_any_format(inegi, tmp_path):
    session, oaxaca, san_jacinto, zone = inegi
    geojson = json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {}, "geometry": PROPOSAL.__geo_interface__}]})
    assert line_from_file(geojson.encode(), "linea.geojson").equals(PROPOSAL)
    annex = construction_table(propose(session, oaxaca, san_jacinto, zone).geometry)
    from_dxf = line_from_file(annex_dxf(annex), "anexo.dxf")
    assert shapely.hausdorff_distance(from_dxf, annex.line) < 1e-7
    with pytest.raises(InvalidInputError, match="Formato no admitido"):
        line_from_file(b"x", "linea.docx")
    with pytest.raises(InvalidInputError, match="punto.geojson: una ruta debe ser de líneas"):
        line_from_file(json.dumps({"type": "Point", "coordinates": [-96.7, 17.0]}).encode(),
                       "punto.geojson")


def test_a_line_leaving_the_two_municipalities_is_refused_and_nothing_stored(inegi):
    session, oaxaca, san_jacinto, zone = inegi
    far = shapely.LineString([(-96.9, 17.2), (-96.8, 17.3)])
    with pytest.raises(InvalidInputError), unit_of_work(session):
        create_proposal(session, None, title="Mal", municipality_a=oaxaca,
                        municipality_b=san_jacinto, line=far, proposed_on=DAY,
                        origin=ProposalOrigin.DRAWN)
    assert session.scalars(select(LimitProposal)).all() == []


@pytest.mark.parametrize(("claimant", "giver"), [("20067", "20157"), ("20157", "20067")])
def test_a_party_s_claim_becomes_a_proposal(demo, claimant, giver):
    parties = {m.cvegeo: m for m in demo.scalars(select(Municipality))}
    oaxaca, san_jacinto, zone = parties["20067"], parties["20157"], demo_zone(demo)
    line = claim_line(demo, oaxaca, san_jacinto, parties[claimant], zone)
    with unit_of_work(demo):
        proposal = create_proposal(demo, None, title=f"Reclamo de {claimant}",
                                   municipality_a=oaxaca, municipality_b=san_jacinto,
                                   line=line, proposed_on=DAY, zone=zone,
                                   origin=ProposalOrigin.CLAIM)
    pieces = exchange_of(demo, proposal).pieces
    # What a party claims passes to it, and nothing the other way.
    assert pieces and {p.giver.cvegeo for p in pieces} == {giver}


def test_a_re_cut_that_would_overlap_a_neighbour_is_refused_and_nothing_stored(inegi,
                                                                                monkeypatch):
    import cases.proposals.ratification as ratification

    session, oaxaca, san_jacinto, zone = inegi
    proposal = propose(session, oaxaca, san_jacinto, zone)
    with unit_of_work(session):
        set_status(session, None, proposal, ProposalStatus.ACCEPTED, on=dt.date(2026, 11, 25))

    def only_b(frame, change):  # San Jacinto re-cut, Oaxaca left as it was: they overlap
        result = frame.copy()
        result.loc[result.code == change.b, "geometry"] = change.new_b
        return result

    monkeypatch.setattr(ratification, "recut_frame", only_b)
    with pytest.raises(ConflictError, match="traslapes o huecos"), unit_of_work(session):
        ratify(session, None, proposal, ratified_on=dt.date(2026, 11, 30), reference="D",
               frame_name="Límites convenidos")
    assert session.scalar(select(Frame).where(Frame.name == "Límites convenidos")) is None
