"""The report as PDF, through WeasyPrint: fonts embedded, headers and page numbers on every page."""

from __future__ import annotations

import logging

from cases.reporting.quarterly import QuarterReport
from geo_app.reports.render import report_html

__all__ = ["report_pdf"]


def report_pdf(report: QuarterReport) -> bytes:
    """Render ``report`` as a PDF document (title and author from the HTML's head)."""
    from weasyprint import HTML

    # WeasyPrint logs each CSS property it ignores at WARNING; the report needs none of them.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    return HTML(string=report_html(report)).write_pdf()
