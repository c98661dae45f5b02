"""Acuerdos: every agreement of meetings and inspections, filtered, with its status on a day."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

from cases.records import agreements as found
from cases.records import editing
from cases.records.agreements import local_today
from cases.records.queries import paginate_list
from cases.storage.models import AgreementStatus, DisputeZone, Institution
from geo_app.db import get_session
from geo_app.forms import MexicanDateField, SpanishForm

bp = Blueprint("agreements", __name__, url_prefix="/acuerdos")

# The states offered, in the order a person looks for them.
STATES = [SelectChoice("", "Todos"), SelectChoice(found.OVERDUE, "Vencidos"),
          SelectChoice(found.ON_TIME, "Pendientes en plazo"),
          SelectChoice(found.OPEN, "Abiertos (en plazo o vencidos)"),
          *(SelectChoice(s.value, s.label) for s in AgreementStatus)]


def _id_or_none(value):
    return int(value) if value not in (None, "", "None") and str(value).isdigit() else None


class AgreementFilterForm(SpanishForm):
    """The Acuerdos page's filters, sent in the address (no CSRF: it only reads)."""

    class Meta:
        """A search form: read from the query string."""

        csrf = False

    estado = SelectField("Estado", choices=STATES, validate_choice=False)
    al = MexicanDateField("Estado al día", validators=[])
    responsable = SelectField("Institución responsable", coerce=_id_or_none,
                              validate_choice=False)
    zona = SelectField("Zona", coerce=_id_or_none, validate_choice=False)
    desde = MexicanDateField("Compromiso desde", validators=[])
    hasta = MexicanDateField("Compromiso hasta", validators=[])


def _filter_form(session) -> AgreementFilterForm:
    form = AgreementFilterForm(request.args)
    form.responsable.choices = [SelectChoice("", "Todas")] + sorted(
        (SelectChoice(i.id, i.name) for i in editing.catalogue(session, Institution)),
        key=lambda c: c.label.lower())
    form.zona.choices = [SelectChoice("", "Todas")] + sorted(
        (SelectChoice(z.id, z.name) for z in editing.catalogue(session, DisputeZone)),
        key=lambda c: c.label.lower())
    form.validate()
    return form


@bp.get("/")
def index():
    """Lista de acuerdos con filtros por estado, responsable, zona y fecha compromiso."""
    session = get_session()
    form = _filter_form(session)

    def valid(field):
        return None if field.errors else field.data

    state = form.estado.data if form.estado.data in {c.value for c in STATES} else ""
    wanted = found.AgreementFilter(
        day=valid(form.al) or local_today(), state=state or None,
        responsible_id=form.responsable.data, zone_id=form.zona.data,
        due_from=valid(form.desde), due_to=valid(form.hasta))
    rows = found.find_agreements(session, wanted)
    page = paginate_list(rows, request.args.get("pagina", type=int))
    return render_template("agreements/index.html", title="Acuerdos", form=form, page=page,
                           rows=page.items, wanted=wanted, breadcrumbs=[])
