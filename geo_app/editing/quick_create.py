"""«+ Nueva persona» and «+ Nueva institución» from inside a form's picker.

A small dialog over the form the user is filling: ``GET`` answers the dialog's form (an HTML
fragment, the name typed in the picker already written), ``POST`` validates it with the same
form class as the full page and creates the record through the same audited use case
(:func:`cases.records.editing.create_record`), answering JSON with the new record's id and
its label as the picker shows it; an invalid entry answers the fragment again with Spanish
messages beside its fields (422). The form underneath is neither sent nor reloaded. Only
editors reach it (readers are refused with 403); the CSRF token travels in the fragment.
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from cases.access import permissions
from cases.errors import LimitesError
from cases.records import editing
from cases.storage.db import unit_of_work
from geo_app.account.auth import acting_user
from geo_app.db import get_session
from geo_app.editing import routes

__all__ = ["bp", "QUICK_KINDS"]

bp = Blueprint("quick_create", __name__, url_prefix="/editar/rapido")

# The record types a picker may create, and the picker field whose label the answer uses.
QUICK_KINDS = {"persona": "attendees", "institucion": "institutions"}
_NAME_MAX = 300


@bp.route("/<kind>", methods=["GET", "POST"])
def dialog(kind: str):
    """Formulario breve de una persona o institución nueva, para un selector."""
    if kind not in QUICK_KINDS:
        abort(404)
    permissions.require(permissions.can_edit(acting_user()))
    spec = routes.KINDS[kind]
    session = get_session()
    form = spec.form()
    routes._fill_choices(form, session)
    if request.method == "GET":
        form.name.data = request.args.get("nombre", "").strip()[:_NAME_MAX]
        return _fragment(kind, spec, form)
    if not form.validate():
        return _fragment(kind, spec, form, 422)
    try:
        with unit_of_work(session):
            values = routes._values(form, spec.model, session)
            record = editing.create_record(session, acting_user(), spec.model, values)
    except LimitesError as error:
        if error.status_code >= 500:
            raise
        routes._show_error(form, error)
        return _fragment(kind, spec, form, 422)
    label = routes._PICKERS[QUICK_KINDS[kind]][1]
    return {"id": record.id, "label": label(record), "kind": kind}


def _fragment(kind: str, spec: routes.Kind, form, code: int = 200):
    return render_template("editing/quick_create.html", form=form, kind_name=kind,
                           title=spec.new_title), code
