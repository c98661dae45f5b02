"""Informe: the quarterly report on screen and as PDF, DOCX or printable HTML."""

from flask import Blueprint, Response, render_template, request, url_for

from cases.reporting.quarterly import build_report, default_quarter
from cases.reporting.quarters import parse_quarter
from geo_app.db import get_session
from geo_app.reports.export import FORMATS, MIME_TYPES, render_report
from geo_app.reports.render import report_context
from geo_app.reports.settings import report_settings

bp = Blueprint("reports", __name__, url_prefix="/informe")


@bp.get("/")
def index():
    """El informe del trimestre elegido, con enlaces a cada registro."""
    session = get_session()
    text = request.args.get("trimestre")
    quarter = parse_quarter(text) if text else default_quarter(session)
    report = build_report(session, quarter, report_settings())
    return render_template(
        "reports/index.html", title=f"Informe {quarter.label}", breadcrumbs=[],
        downloads=[(f.upper(), url_for("reports.download", quarter=str(quarter), fmt=f))
                   for f in FORMATS],
        **report_context(report, printable=False),
    )


@bp.get("/<quarter>.<any(pdf, docx, html):fmt>")
def download(quarter: str, fmt: str):
    """El informe como archivo para descargar."""
    period = parse_quarter(quarter)
    report = build_report(get_session(), period, report_settings())
    return Response(
        render_report(report, fmt), mimetype=MIME_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="informe_{period}.{fmt}"'},
    )
