"""``limites search reindex``: an upgraded database finds the text of PDFs attached before."""

from sqlalchemy import select

from cases.fieldwork.attachments import attach_file
from cases.records.search import search
from cases.storage.models import Meeting
from geo_app.files import attachment_store
from tests.cases.test_search import text_pdf


def test_reindex_reads_the_pdfs_already_attached(field_app):
    sessions = field_app.extensions["limites_sessions"]
    with sessions() as session:
        meeting = session.scalar(select(Meeting).order_by(Meeting.id))
        attach_file(session, attachment_store(field_app), meeting,
                    text_pdf("Minuta sobre el paraje Guelatao"), "minuta.pdf")
        session.commit()
        # As after an upgrade: the documents exist, the PDFs' text was never read.
        session.connection().exec_driver_sql("UPDATE search_fts SET body = ''")
        session.commit()
        assert search(session, "guelatao").total == 0
    result = field_app.test_cli_runner().invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert "1 documentos PDF leídos" in result.output
    with sessions() as session:
        assert search(session, "GUELATAO").counts == {"attachment": 1}
