import json

import pytest
from limites_testing_field import IN_OAXACA, PDF, ROUTE, field_counts, gpx, photo
from sqlalchemy import select

from cases.storage.models import (
    Attachment,
    Case,
    DisputeZone,
    Finding,
    FindingCategory,
    Inspection,
    Institution,
)


@pytest.fixture
def cli(field_app):
    runner = field_app.test_cli_runner()

    def invoke(*args):
        return runner.invoke(args=[str(a) for a in args])

    return invoke


def first(app, column):
    with app.extensions["limites_sessions"]() as session:
        return session.scalars(select(column).order_by(column)).first()


def blobs(app, tmp_path) -> list:
    return sorted((tmp_path / "adjuntos").rglob("*.*")) + sorted(
        (tmp_path / "adjuntos").glob("??/*")
    )


@pytest.fixture
def route_gpx(tmp_path):
    path = tmp_path / "recorrido.gpx"
    path.write_text(gpx(ROUTE))
    return path


def test_inspection_add_prints_id_and_lengths(field_app, cli, route_gpx):
    institution = first(field_app, Institution.short_name)
    zone = first(field_app, DisputeZone.name)
    case = first(field_app, Case.number)
    result = cli("inspection", "add", "--title", "Recorrido del Atoyac", "--date",
                 "2025-05-15", "--route", route_gpx, "--participant", "Ana Pérez",
                 "--participant", "Luis Gómez", "--institution", institution, "--zone", zone,
                 "--case", case, "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    municipal = [p for p in doc["tramos"] if p["tipo"] != "dispute"]
    assert sum(p["longitud_m"] for p in municipal) == pytest.approx(doc["longitud_m"], abs=0.05)
    assert {"Oaxaca de Juárez", "San Jacinto Amilpas"} <= {p["nombres"][0] for p in municipal}
    with field_app.extensions["limites_sessions"]() as session:
        stored = session.get(Inspection, doc["id"])
        assert stored.participants == ["Ana Pérez", "Luis Gómez"]
        assert [i.short_name for i in stored.institutions] == [institution]
        assert [z.name for z in stored.zones] == [zone]
        assert [c.number for c in stored.cases] == [case]
        assert stored.route_length_m == pytest.approx(doc["longitud_m"], abs=0.01)
        assert stored.route_points_read == stored.route_points_kept == 2


def test_inspection_add_text_output(cli, route_gpx):
    result = cli("inspection", "add", "--title", "T", "--date", "2025-05-15", "--route",
                 route_gpx)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Recorrido ") and "Oaxaca de Juárez" in result.stdout


def _outside_mexico(tmp_path):
    path = tmp_path / "madrid.gpx"
    path.write_text(gpx([(-3.70, 40.41), (-3.69, 40.42)]))  # Madrid
    return path


def _empty_gpx(tmp_path):
    path = tmp_path / "vacia.gpx"
    path.write_text('<gpx version="1.1"><trk><trkseg/></trk></gpx>')
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"--route": _empty_gpx}, "vacia.gpx: el archivo GPX no tiene puntos"),
        ({"--route": _outside_mexico}, "la ruta está fuera de México"),
        ({"--route": lambda p: p / "no_hay.gpx"}, "no existe el archivo no_hay.gpx"),
        ({"--date": "15/05/2025"}, "escríbala como AAAA-MM-DD"),
        ({"--institution": "Ayuntamiento de Nadie"}, "institución desconocida"),
        ({"--zone": "Zona inventada"}, "no existe la zona en disputa «Zona inventada»"),
        ({"--case": "X/999"}, "no existe el expediente «X/999»"),
        ({"--title": "   "}, "falta el título"),
        ({"--participant": "Ana\x00"}, "caracteres de control"),
    ],
    ids=["gpx-no-points", "outside-mexico", "missing-file", "date", "institution", "zone",
         "case", "title", "participant"],
)
def test_inspection_add_bad_input_writes_nothing(field_app, cli, route_gpx, tmp_path, change,
                                                 message):
    options = {"--title": "Recorrido", "--date": "2025-05-15", "--route": route_gpx}
    for key, value in change.items():
        options[key] = value(tmp_path) if callable(value) else value
    before = field_counts(field_app)
    result = cli("inspection", "add", *[x for pair in options.items() for x in pair])
    assert result.exit_code == 1, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert field_counts(field_app) == before


def test_same_title_and_date_is_a_conflict(field_app, cli, route_gpx):
    args = ("inspection", "add", "--title", "Dos veces", "--date", "2025-05-15", "--route",
            route_gpx)
    assert cli(*args).exit_code == 0
    before = field_counts(field_app)
    result = cli(*args)
    assert result.exit_code == 1
    assert "ya existe el recorrido «Dos veces» del 15/05/2025" in result.output
    assert field_counts(field_app) == before


@pytest.fixture
def inspection_id(field_app):
    return first(field_app, Inspection.id)


def test_finding_add_at_coordinates(field_app, cli, inspection_id):
    lon, lat = IN_OAXACA
    result = cli("finding", "add", inspection_id, "--category", "residuos_solidos", "--lon",
                 lon, "--lat", lat, "--note", "Bolsas de basura", "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["municipio"] == "Oaxaca de Juárez" and doc["km_rio"] is not None
    with field_app.extensions["limites_sessions"]() as session:
        finding = session.get(Finding, doc["id"])
        assert finding.category is FindingCategory.SOLID_WASTE
        assert finding.description == "Bolsas de basura"
        assert finding.official_municipality.cvegeo == "20067"


def test_finding_add_placed_by_its_photo(field_app, cli, inspection_id, tmp_path):
    path = tmp_path / "IMG_2041.JPG"
    path.write_bytes(photo("JPEG", place=IN_OAXACA))
    result = cli("finding", "add", inspection_id, "--category", "Relleno con escombro",
                 "--photo", path, "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert (doc["lon"], doc["lat"]) == pytest.approx(IN_OAXACA, abs=1e-6)
    assert len(doc["fotos"]) == 1
    with field_app.extensions["limites_sessions"]() as session:
        attachment = session.get(Attachment, doc["fotos"][0])
        assert attachment.finding_id == doc["id"] and attachment.media_type == "image/jpeg"
    assert (tmp_path / "adjuntos" / attachment.sha256[:2] / attachment.sha256).exists()


def _write(name, data):
    def make(tmp_path):
        path = tmp_path / name
        path.write_bytes(data)
        return path
    return make


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--category", "grafiti", "--lon", "-96.72", "--lat", "17.06"], "categoría desconocida"),
        (["--category", "otro", "--lon", "2.35", "--lat", "48.85"], "fuera de México"),
        (["--category", "otro", "--lon", "17.06", "--lat", "-96.72"], "entre -90 y 90"),
        (["--category", "otro", "--lon", "-96.72", "--lat", "nan"], "la latitud «nan»"),
        (["--category", "otro", "--lon", "-96.72"], "la longitud y la latitud juntas"),
        (["--category", "otro"], "necesita su lugar"),
        (["--category", "otro", "--photo", _write("sin_gps.jpg", photo(place=None))],
         "sin_gps.jpg: la foto no tiene posición GPS"),
        (["--category", "otro", "--photo", _write("acta.jpg", PDF)], "acta.jpg: no es una foto"),
        (["--category", "otro", "--photo", _write("x.jpg", b"<html>")],
         "tipo de archivo no admitido"),
        (["--category", "otro", "--photo", lambda p: p / "falta.jpg"],
         "no existe el archivo falta.jpg"),
    ],
    ids=["category", "outside-mexico", "swapped", "nan", "lon-only", "no-place",
         "photo-without-gps", "pdf-as-photo", "html", "missing-photo"],
)
def test_finding_add_bad_input_writes_nothing(field_app, cli, inspection_id, tmp_path, args,
                                              message):
    args = [a(tmp_path) if callable(a) else a for a in args]
    before = field_counts(field_app)
    result = cli("finding", "add", inspection_id, *args)
    assert result.exit_code == 1, result.output
    assert message in result.output
    assert field_counts(field_app) == before
    assert not (tmp_path / "adjuntos").exists()


def test_finding_on_a_missing_inspection(field_app, cli):
    result = cli("finding", "add", 999999, "--category", "otro", "--lon", "-96.72",
                 "--lat", "17.06")
    assert result.exit_code == 1 and "no existe el recorrido 999999" in result.output


def test_attach_minutes_photo_and_link(field_app, cli, tmp_path):
    from cases.storage.models import AttachmentKind, Meeting

    meeting_id = first(field_app, Meeting.id)
    acta = tmp_path / "acta.pdf"
    acta.write_bytes(PDF)
    foto = tmp_path / "foto.png"
    foto.write_bytes(photo("PNG"))
    results = [
        cli("attach", "reunion", meeting_id, acta, "--label", "Acta firmada", "--json"),
        cli("attach", "reunion", meeting_id, foto, "--json"),
        cli("attach", "reunion", meeting_id, "--url", "https://oaxaca.gob.mx/x", "--json"),
    ]
    assert [r.exit_code for r in results] == [0, 0, 0], [r.output for r in results]
    kinds = [json.loads(r.stdout)["tipo"] for r in results]
    assert kinds == [AttachmentKind.PDF, AttachmentKind.PHOTO, AttachmentKind.LINK]
    with field_app.extensions["limites_sessions"]() as session:
        labels = [a.label for a in session.get(Meeting, meeting_id).attachments]
    assert labels == ["Acta firmada", "foto.png", "oaxaca.gob.mx"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["reunion", 999999, "--url", "https://x.mx"], "no existe la reunion 999999"),
        (["recorrido", 1], "indique un archivo o un enlace"),
        (["recorrido", 1, "--url", "javascript:alert(1)"], "http:// o https://"),
        (["hallazgo", 1, "PAGINA"], "tipo de archivo no admitido"),
    ],
    ids=["missing-record", "nothing", "bad-link", "html-file"],
)
def test_attach_bad_input_writes_nothing(field_app, cli, tmp_path, args, message):
    page = tmp_path / "pagina.pdf"
    page.write_text("<html><script>alert(1)</script></html>")
    args = [page if a == "PAGINA" else a for a in args]
    before = field_counts(field_app)
    result = cli("attach", *args)
    assert result.exit_code == 1 and message in result.output, result.output
    assert field_counts(field_app) == before
