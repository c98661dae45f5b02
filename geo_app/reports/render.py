"""The report as HTML: a printable document (for the PDF) or the content of the "Informe" page."""

from __future__ import annotations

from flask import render_template, url_for

from cases.errors import NotFoundError
from cases.reporting.indicators import activity_date
from cases.reporting.quarterly import EntryPhoto, QuarterReport, ReportEntry
from cases.storage.models import Meeting
from geo_app.figures.drawing import data_uri
from geo_app.figures.report import entry_map_png, entry_map_svg
from geo_app.files import attachment_store
from geo_app.formatting import (
    computed_note,
    day_list,
    figure,
    long_date,
    percent,
    rule_text,
    spanish_list,
)
from geo_app.reports.settings import slogan
from geo_app.reports.text import level_heading

__all__ = ["Formatter", "report_html", "report_context", "photo_bytes"]

# The thumbnail printed in the report (cases.fieldwork.uploads.THUMBNAIL_SIZES).
PHOTO_SIZE = "pagina"


class Formatter:
    """What the report's templates call to write dates, numbers and links."""

    date_span = staticmethod(day_list)
    spanish_list = staticmethod(spanish_list)
    level_heading = staticmethod(level_heading)
    long_date = staticmethod(long_date)
    percent = staticmethod(percent)
    number = staticmethod(figure)
    rule_text = staticmethod(rule_text)
    computed_note = staticmethod(computed_note)
    activity_date = staticmethod(activity_date)

    @staticmethod
    def record_url(activity) -> str:
        """The app page of a meeting or an inspection."""
        if isinstance(activity, Meeting):
            return url_for("meetings.detail", meeting_id=activity.id)
        return url_for("inspections.detail", inspection_id=activity.id)


def _png_map(entry: ReportEntry) -> str:
    return data_uri(entry_map_png(entry.map), "image/png")


def _svg_map(entry: ReportEntry) -> str:
    return entry_map_svg(entry.map)


def photo_bytes(photo: EntryPhoto) -> bytes | None:
    """The JPEG thumbnail of a report photo, or None when its file is missing."""
    try:
        return attachment_store().existing(photo.attachment.sha256, PHOTO_SIZE).read_bytes()
    except NotFoundError:
        return None


def _embedded_photo(photo: EntryPhoto) -> str | None:
    data = photo_bytes(photo)
    return data_uri(data, "image/jpeg") if data is not None else None


def _linked_photo(photo: EntryPhoto) -> str:
    return url_for("attachments.thumbnail", attachment_id=photo.attachment.id, size=PHOTO_SIZE)


def report_context(report: QuarterReport, printable: bool) -> dict:
    """What the report's templates need besides the report."""
    return {
        "report": report,
        "fmt": Formatter,
        "map_for": _png_map if printable else _svg_map,
        "photo_for": _embedded_photo if printable else _linked_photo,
        "links": not printable,
        "slogan": slogan(),
    }


def report_html(report: QuarterReport) -> str:
    """The report as a standalone printable HTML document (figures embedded, no links)."""
    return render_template("reports/print.html", **report_context(report, printable=True))
