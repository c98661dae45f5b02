"""A full disk is told as such, in Spanish, not as a defect of the program."""

import errno
import sqlite3

import pytest
from click.testing import CliRunner
from sqlalchemy.exc import OperationalError

import cases.frames.in_force
import cases.storage.backup
import geo_app.cli.exports
from geo_app.cli import BUG_EXIT_CODE, DISK_FULL_EXIT_CODE, main


@pytest.fixture
def limites(app, monkeypatch):
    """Run the real ``limites`` group on the test app's database."""
    monkeypatch.setenv("LIMITES_DATABASE_URL", app.config["DATABASE_URL"])
    monkeypatch.setenv("LIMITES_SECRET_KEY", "prueba")
    return lambda *args: CliRunner().invoke(main, list(args))


def _no_space(path):
    def fail(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))
    return fail


def _said_disk_full(result, where: str) -> None:
    assert result.exit_code == DISK_FULL_EXIT_CODE != BUG_EXIT_CODE, result.output
    assert "No queda espacio en el disco" in result.output and where in result.output
    assert "defecto del programa" not in result.output


def test_backup_on_a_full_disk(limites, tmp_path, monkeypatch):
    folder = tmp_path / "copias"
    folder.mkdir()
    monkeypatch.setattr(cases.storage.backup, "_copy", _no_space(folder / "base.sqlite"))
    _said_disk_full(limites("backup", str(folder / "copia.limites")), "base.sqlite")
    assert list(folder.iterdir()) == []  # no partial archive, no scratch folder


def test_export_over_quota(limites, tmp_path, monkeypatch):
    def over_quota(*args, **kwargs):
        raise OSError(errno.EDQUOT, "Disk quota exceeded", str(tmp_path / "todo.gpkg"))
    monkeypatch.setattr(geo_app.cli.exports, "write_export", over_quota)
    _said_disk_full(limites("export", "--all", "--format", "gpkg", "--out",
                            str(tmp_path / "todo.gpkg")), "todo.gpkg")


def test_import_when_the_database_cannot_grow(limites, tmp_path, inegi_three, zip_shapefile,
                                              monkeypatch):
    def full(session):
        raise OperationalError("INSERT INTO boundary_version …", {},
                               sqlite3.OperationalError("database or disk is full"))
    monkeypatch.setattr(cases.frames.in_force, "refresh_derived", full)
    archive = str(zip_shapefile(inegi_three, tmp_path))
    _said_disk_full(limites("import-boundaries", archive, "--activate"), "la base de datos")
