"""``limites backup`` carries the attachments; ``restore`` brings them back, all or nothing."""

import hashlib
import io
import tarfile
import threading
from pathlib import Path

import pytest
from limites_testing import demo_app, signed_in_client
from limites_testing_field import PDF, photo
from sqlalchemy import func, select

from cases.fieldwork.attachments import AttachmentStore, attach_file
from cases.storage.db import unit_of_work
from cases.storage.models import Attachment, Meeting
from geo_app.files import attachment_store


@pytest.fixture
def live(database_url, tmp_path):
    """An installation with the demo and two files of its own: a photo and minutes."""
    app = demo_app(tmp_path / "vivo", database_url=database_url,
                   ATTACHMENTS_DIR=str(tmp_path / "vivo" / "adjuntos"))
    with app.app_context(), app.extensions["limites_sessions"]() as session, \
            unit_of_work(session):
        meeting = session.scalar(select(Meeting).order_by(Meeting.id))
        for data, name in ((photo("JPEG", size=(320, 200)), "orilla.jpg"),
                           (PDF, "acta de la mesa.pdf")):
            attach_file(session, attachment_store(), meeting, data, name)
    yield app
    app.extensions["limites_engine"].dispose()


@pytest.fixture
def other_url(database_url, tmp_path, request):
    """Another installation's database on the same engine."""
    if database_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'otra.sqlite'}"
    return request.getfixturevalue("empty_pg_url")


@pytest.fixture
def other(other_url, tmp_path):
    app = demo_app(tmp_path / "otra", database_url=other_url, demo=False,
                   ATTACHMENTS_DIR=str(tmp_path / "otra" / "adjuntos"))
    yield app
    app.extensions["limites_engine"].dispose()


def _served(app) -> dict[int, bytes]:
    """What /adjuntos/N answers for every attachment with a file."""
    with app.extensions["limites_sessions"]() as session:
        ids = session.scalars(select(Attachment.id).where(Attachment.sha256.is_not(None)))
        ids = list(ids)
    client = signed_in_client(app)
    served = {}
    for n in ids:
        with client.get(f"/adjuntos/{n}") as answer:
            assert answer.status_code == 200, (n, answer.status_code)
            served[n] = answer.get_data()
    return served


def test_a_restored_installation_serves_the_same_files(live, other, tmp_path):
    before = _served(live)
    assert len(before) >= 2
    archive = tmp_path / "copia.limites"
    made = live.test_cli_runner().invoke(args=["backup", str(archive)])
    assert made.exit_code == 0, made.output
    assert "adjunto(s)" in made.output

    restored = other.test_cli_runner().invoke(args=["restore", str(archive), "--yes"])
    assert restored.exit_code == 0, restored.output
    assert "Base restaurada" in restored.output
    assert _served(other) == before
    assert signed_in_client(other).get("/mapa/").status_code == 200


def _tampered(archive, tmp_path, change) -> object:
    """A copy of ``archive`` with its members passed through ``change``."""
    bad = tmp_path / "alterada.limites"
    with tarfile.open(archive) as source, tarfile.open(bad, "w") as target:
        for member in source:
            data = source.extractfile(member).read()
            member, data = change(member, data)
            if member is not None:
                member.size = len(data)
                target.addfile(member, io.BytesIO(data))
    return bad


def _swap_a_photo(member, data):
    if member.name.startswith("adjuntos/") and "miniaturas" not in member.name:
        return member, data + b"otro"
    return member, data


def _drop_the_database(member, data):
    return (None, data) if member.name.startswith("base.") else (member, data)


def _add_a_stranger(member, data):
    if member.name.startswith("base."):
        member.name = "../../etc/cron.d/limites"
    return member, data


@pytest.mark.parametrize(("change", "message"), [
    (_swap_a_photo, "no coincide con su huella SHA-256"),
    (_drop_the_database, "está incompleta"),
    (_add_a_stranger, "no es una copia de Límites"),
    (None, "está dañada o no es una copia"),
], ids=["altered-file", "no-database", "path-outside", "truncated"])
def test_a_bad_archive_is_refused_and_nothing_changes(live, tmp_path, change, message):
    archive = tmp_path / "copia.limites"
    assert live.test_cli_runner().invoke(args=["backup", str(archive)]).exit_code == 0
    if change is None:
        bad = tmp_path / "cortada.limites"
        bad.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    else:
        bad = _tampered(archive, tmp_path, change)
    store = live.config["ATTACHMENTS_DIR"]
    files_before = sorted(p for p in Path(store).rglob("*"))
    with live.extensions["limites_sessions"]() as session:
        rows = session.scalar(select(func.count()).select_from(Attachment))
    answer = live.test_cli_runner().invoke(args=["restore", str(bad), "--yes"])
    assert answer.exit_code == 1, answer.output
    assert message in answer.output and "No se modificó la base de datos" in answer.output
    assert sorted(Path(store).rglob("*")) == files_before
    with live.extensions["limites_sessions"]() as session:
        assert session.scalar(select(func.count()).select_from(Attachment)) == rows
    assert _served(live)


def test_the_archive_holds_each_file_under_its_hash(live, tmp_path):
    archive = tmp_path / "copia.limites"
    live.test_cli_runner().invoke(args=["backup", str(archive)])
    with tarfile.open(archive) as tar:
        originals = {m.name.rsplit("/", 1)[1]: tar.extractfile(m).read() for m in tar
                     if m.name.startswith("adjuntos/") and "miniaturas" not in m.name}
    assert originals and all(hashlib.sha256(data).hexdigest() == sha
                             for sha, data in originals.items())


def test_a_backup_taken_while_files_are_attached_restores_every_file(live, other, tmp_path):
    store = AttachmentStore(live.config["ATTACHMENTS_DIR"])
    stop, done = threading.Event(), []

    def attach_minutes():
        sessions = live.extensions["limites_sessions"]
        while not stop.is_set() and len(done) < 200:
            with sessions() as session, unit_of_work(session):
                meeting = session.scalar(select(Meeting).order_by(Meeting.id))
                attach_file(session, store, meeting, PDF + f"%{len(done)}\n".encode(),
                            f"acta {len(done)}.pdf")
            done.append(1)

    writer = threading.Thread(target=attach_minutes)
    writer.start()
    try:
        while len(done) < 3:
            threading.Event().wait(0.01)
        made = live.test_cli_runner().invoke(args=["backup", str(tmp_path / "copia.limites")])
    finally:
        stop.set()
        writer.join()
    assert made.exit_code == 0, made.output
    restored = other.test_cli_runner().invoke(
        args=["restore", str(tmp_path / "copia.limites"), "--yes"])
    assert restored.exit_code == 0, restored.output
    assert len(_served(other)) >= 2 + 3  # every row restored finds its file
