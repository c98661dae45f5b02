"""Acuerdos: every agreement filtered by state on a day, responsible, zone and due window."""

import datetime as dt
import re

import pytest
from limites_testing import demo_editor
from sqlalchemy import select

from cases.records import editing
from cases.storage.db import unit_of_work
from cases.storage.models import (
    Agreement,
    AgreementStatus,
    DisputeZone,
    Inspection,
    Institution,
    Meeting,
    MeetingKind,
)
from geo_app.db import get_session

D = dt.date


@pytest.fixture
def agreements(app):
    """Four agreements of two meetings and an inspection, one fulfilled after June."""
    with app.app_context():
        session = get_session()
        editor = demo_editor(session)
        zone_a, zone_b = session.scalars(select(DisputeZone).order_by(DisputeZone.id).limit(2))
        first, second = session.scalars(select(Institution).order_by(Institution.id).limit(2))
        with unit_of_work(session):
            def activity(model, day, title, zone):
                values = ({"date": day, "kind": MeetingKind.WORKING} if model is Meeting
                          else {"started_on": day})
                return editing.create_record(session, editor, model,
                                             {**values, "title": title, "zones": [zone]})

            spring = activity(Meeting, D(2025, 5, 10), "Mesa de mayo", zone_a)
            walk = activity(Inspection, D(2025, 6, 20), "Recorrido de junio", zone_b)
            summer = activity(Meeting, D(2025, 8, 1), "Mesa de agosto", zone_a)
            editing.save_agreements(session, editor, spring, [
                editing.AgreementRow(text="Entregar el plano", responsible=second,
                                     due_date=D(2025, 6, 1)),
                editing.AgreementRow(text="Convocar a la comisión", responsible=first,
                                     due_date=D(2025, 9, 30))])
            editing.save_agreements(session, editor, walk, [
                editing.AgreementRow(text="Retirar la barda", responsible=second,
                                     due_date=D(2025, 6, 25))])
            editing.save_agreements(session, editor, summer, [
                editing.AgreementRow(text="Publicar el aviso", responsible=second,
                                     due_date=D(2025, 8, 15))])
        with unit_of_work(session):
            plan = session.scalar(select(Agreement).where(Agreement.text == "Entregar el plano"))
            editing.update_record(session, editor, plan, {
                "status": AgreementStatus.DONE, "status_on": D(2025, 7, 15)}, plan.version)
        return {"first": first.id, "second": second.id, "zone_a": zone_a.id,
                "zone_b": zone_b.id, "walk": walk.id, "spring": spring.id}


def _texts(client, query: str = "") -> list[str]:
    page = client.get(f"/acuerdos/{query}")
    assert page.status_code == 200, page.text
    return re.findall(r'<td class="cell-text">(.*?)</td>', page.text)


def test_overdue_as_of_a_day_reads_the_dated_history(client, agreements):
    # On 30 June the plan was still open and overdue; the August meeting had not happened.
    assert _texts(client, "?estado=vencido&al=30/06/2025") == [
        "Entregar el plano", "Retirar la barda"]
    # Today the plan is fulfilled (since 15 July) and August's agreement is overdue too.
    assert _texts(client, "?estado=vencido") == [
        "Retirar la barda", "Publicar el aviso", "Convocar a la comisión"]
    assert _texts(client, "?estado=cumplido") == ["Entregar el plano"]
    assert _texts(client, "?estado=abierto&al=30/06/2025") == [
        "Entregar el plano", "Retirar la barda", "Convocar a la comisión"]
    assert _texts(client, "?estado=en_plazo&al=30/06/2025") == ["Convocar a la comisión"]


@pytest.mark.parametrize(("query", "expected"), [
    ("", ["Entregar el plano", "Retirar la barda", "Publicar el aviso",
          "Convocar a la comisión"]),
    ("?responsable={first}", ["Convocar a la comisión"]),
    ("?zona={zone_b}", ["Retirar la barda"]),
    ("?zona={zone_a}&responsable={second}", ["Entregar el plano", "Publicar el aviso"]),
    ("?desde=01/08/2025&hasta=30/09/2025", ["Publicar el aviso", "Convocar a la comisión"]),
    ("?hasta=2025-06-25", ["Entregar el plano", "Retirar la barda"]),
])
def test_filters_by_responsible_zone_and_due_window(client, agreements, query, expected):
    assert _texts(client, query.format(**agreements)) == expected


def test_each_agreement_links_to_its_meeting_or_inspection(client, agreements):
    page = client.get("/acuerdos/?zona={zone_b}".format(**agreements)).text
    assert re.search(rf'href="/recorridos/{agreements["walk"]}#acuerdo-\d+"', page)
    assert "Recorrido de junio" in page and "Vencido" in page


def test_a_date_that_is_not_one_is_said_in_spanish(client, agreements):
    page = client.get("/acuerdos/?al=31/02/2025&desde=mañana")
    assert page.status_code == 200
    assert page.text.count("Escriba la fecha como dd/mm/aaaa") == 2
    assert len(re.findall(r'<td class="cell-text">', page.text)) == 4  # filters left out


def test_the_list_is_paginated(app, client, agreements):
    with app.app_context():
        session = get_session()
        meeting = session.get(Meeting, agreements["spring"])
        meeting.agreements.extend(Agreement(text=f"Acuerdo {n:02}", status=AgreementStatus.PENDING,
                                            due_date=D(2026, 1, 1)) for n in range(60))
        session.commit()
    first = client.get("/acuerdos/").text
    assert "Página 1 de 2 · 64 registros" in first
    second = client.get("/acuerdos/?pagina=2").text
    assert len(re.findall(r'<td class="cell-text">', second)) == 14


def test_the_menu_and_the_tablero_lead_there(client, agreements):
    board = client.get("/").text
    assert 'href="/acuerdos/"' in board
    assert re.search(r'href="/acuerdos/\?estado=vencido"><strong>3</strong> vencidos', board)
    assert 'href="/acuerdos/?estado=cumplido"><strong>1</strong> cumplidos' in board
    menu = re.search(r'Registro.*?</ul>', board, re.S).group(0)
    assert 'href="/acuerdos/">Acuerdos' in menu
