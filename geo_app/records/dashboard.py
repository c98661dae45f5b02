"""Tablero: the unit's situation at a glance."""

import datetime as dt

from flask import Blueprint, render_template

from cases.records import queries
from geo_app.db import get_session

bp = Blueprint("dashboard", __name__)


@bp.get("/")
def index():
    """Tablero con expedientes, zonas, acuerdos, reuniones e indicadores."""
    board = queries.dashboard(get_session(), today=dt.date.today())
    return render_template("dashboard/index.html", title="Tablero", board=board)
