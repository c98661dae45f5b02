import pytest
from limites_testing import demo_app, signed_in_client
from limites_testing_field import PDF, photo
from sqlalchemy import select

from cases.fieldwork.attachments import attach_file, attach_link
from cases.storage.db import unit_of_work
from cases.storage.models import Finding, Meeting
from geo_app.files import attachment_store


def get(app, path):
    """GET ``path``, reading and closing the streamed file."""
    response = signed_in_client(app).get(path)
    response.get_data()
    response.close()
    return response


@pytest.fixture
def served(tmp_path):
    """The demo app with a photo on a finding, minutes and a link on a meeting."""
    app = demo_app(tmp_path, ATTACHMENTS_DIR=str(tmp_path / "adjuntos"))
    store = attachment_store(app)
    with app.extensions["limites_sessions"]() as session, unit_of_work(session):
        finding = session.scalars(select(Finding).order_by(Finding.id)).first()
        meeting = session.scalars(select(Meeting).order_by(Meeting.id)).first()
        ids = {
            "photo": attach_file(session, store, finding, photo(), "IMG_0001.JPG"),
            "pdf": attach_file(session, store, meeting, PDF, "acta.pdf"),
            "link": attach_link(session, meeting, "https://oaxaca.gob.mx/acta"),
        }
        session.flush()
        ids = {key: value.id for key, value in ids.items()}
    yield app, ids
    app.extensions["limites_engine"].dispose()


def test_photo_is_served_inline_with_nosniff(served):
    app, ids = served
    response = get(app, f"/adjuntos/{ids['photo']}")
    assert response.status_code == 200
    assert response.mimetype == "image/jpeg"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert response.headers["Content-Disposition"].startswith("inline")
    assert "IMG_0001.JPG" in response.headers["Content-Disposition"]
    assert response.data.startswith(b"\xff\xd8\xff") and b"Exif" not in response.data


def test_minutes_are_downloaded(served):
    app, ids = served
    response = get(app, f"/adjuntos/{ids['pdf']}")
    assert response.status_code == 200 and response.data == PDF
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("size", ["pagina", "popup"])
def test_thumbnails(served, size):
    app, ids = served
    response = get(app, f"/adjuntos/{ids['photo']}/miniatura/{size}")
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "path",
    ["/adjuntos/999999", "/adjuntos/{link}", "/adjuntos/{pdf}/miniatura/pagina",
     "/adjuntos/{photo}/miniatura/gigante", "/adjuntos/{photo}/miniatura/..%2f..%2fx"],
)
def test_missing_files_are_404_pages(served, path):
    app, ids = served
    response = get(app, path.format(**ids))
    assert response.status_code == 404
    assert "text/html" in response.content_type


def test_hook_refuses_users_who_may_not_see_the_record(served, monkeypatch):
    import cases.fieldwork.attachments

    app, ids = served
    monkeypatch.setattr(cases.fieldwork.attachments, "can_see", lambda user, record: False)
    response = get(app, f"/adjuntos/{ids['photo']}")
    assert response.status_code == 403
    assert "no tiene permiso" in response.get_data(as_text=True)


def test_stored_files_live_in_the_instance_folder_by_default(served, tmp_path):
    from flask import Flask

    app, _ = served
    assert attachment_store(app).root == tmp_path / "adjuntos"
    bare = Flask("geo_app", instance_path=str(tmp_path / "instance"))
    root = attachment_store(bare).root
    assert root == tmp_path / "instance" / "attachments"
    assert not root.is_relative_to(app.static_folder)


def test_record_pages_show_thumbnails_minutes_and_links(served):
    app, ids = served
    client = signed_in_client(app)
    with app.extensions["limites_sessions"]() as session:
        finding = session.scalars(select(Finding).order_by(Finding.id)).first()
        meeting = session.scalars(select(Meeting).order_by(Meeting.id)).first()
        inspection_id, meeting_id = finding.inspection_id, meeting.id
    page = client.get(f"/recorridos/{inspection_id}").get_data(as_text=True)
    assert f'src="/adjuntos/{ids["photo"]}/miniatura/pagina"' in page
    assert f'href="/adjuntos/{ids["photo"]}"' in page and "con GPS" in page
    page = client.get(f"/reuniones/{meeting_id}").get_data(as_text=True)
    assert f'href="/adjuntos/{ids["pdf"]}"' in page
    assert 'href="https://oaxaca.gob.mx/acta"' in page


def test_finding_popups_show_the_photo_thumbnail(served):
    app, ids = served
    with app.extensions["limites_sessions"]() as session:
        inspection_id = session.scalars(select(Finding).order_by(Finding.id)).first().inspection_id
    page = signed_in_client(app).get(f"/recorridos/{inspection_id}").get_data(as_text=True)
    # Each finding's row in the map script carries the URL of its popup thumbnail.
    assert f'"/adjuntos/{ids["photo"]}/miniatura/popup"' in page
