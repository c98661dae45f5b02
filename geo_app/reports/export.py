"""One entry point for every format of the report."""

from __future__ import annotations

from cases.reporting.quarterly import QuarterReport

__all__ = ["FORMATS", "MIME_TYPES", "render_report"]

FORMATS = ("pdf", "docx", "html")
MIME_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "html": "text/html; charset=utf-8",
}


def render_report(report: QuarterReport, fmt: str, maps: bool = True) -> bytes:
    """The report rendered in ``fmt`` (one of :data:`FORMATS`)."""
    if fmt == "pdf":
        from geo_app.reports.pdf import report_pdf

        return report_pdf(report)
    if fmt == "docx":
        from geo_app.reports.docx import report_docx

        return report_docx(report, maps=maps)
    from geo_app.reports.render import report_html

    return report_html(report).encode("utf-8")
