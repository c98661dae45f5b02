"""Forms of the desk editing: one per record type, validated on the server, in Spanish.

Dates are Mexican (``dd/mm/aaaa``; ``aaaa-mm-dd`` is also accepted), choices come from the
enums and the catalogues, and the many-to-many pickers are ``<select multiple>`` lists that
``static/pickers.js`` makes filterable, so they stay usable with hundreds of entries.
Every form carries the ``version`` it was built from (optimistic lock, 409 when stale).
"""

from __future__ import annotations

import datetime as dt

from wtforms import (
    BooleanField,
    FieldList,
    FloatField,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    MultipleFileField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from cases.storage.models import (
    AgreementStatus,
    CaseStatus,
    FindingCategory,
    InstitutionKind,
    MeetingKind,
    ZoneKind,
    ZoneStatus,
)
from geo_app.formatting import short_dates
from geo_app.forms import HourField, MexicanDateField, SpanishForm, enum_choices

__all__ = [
    "MexicanDateField",
    "RecordForm",
    "MeetingForm",
    "ZoneForm",
    "CaseForm",
    "AgreementForm",
    "AgreementRowForm",
    "SiteForm",
    "InstitutionForm",
    "PersonForm",
    "InspectionForm",
    "FindingForm",
    "enum_choices",
]

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


class MexicanDateListField(StringField):
    """Several dates typed ``dd/mm/aaaa``, separated by commas; ``data`` is a sorted list."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.render_kw = {"placeholder": "15/05/2025, 22/05/2025", **(self.render_kw or {})}

    def process_formdata(self, valuelist):  # noqa: D102 - the message is the point
        text = valuelist[0] if valuelist else ""
        days = set()
        for part in (p.strip() for p in text.replace(";", ",").split(",")):
            if not part:
                continue
            for fmt in DATE_FORMATS:
                try:
                    days.add(dt.datetime.strptime(part, fmt).date())
                    break
                except ValueError:
                    continue
            else:
                self.data = []
                raise ValueError(f"«{part}» no es una fecha; escriba las fechas como "
                                 "dd/mm/aaaa separadas por comas.")
        self.data = sorted(days)

    def _value(self):
        return short_dates(self.data)


def _required(what: str) -> InputRequired:
    return InputRequired(f"Escriba {what}.")


def _picker(label: str) -> SelectMultipleField:
    return SelectMultipleField(label, coerce=int, validate_choice=True,
                               render_kw={"data-picker": "1", "size": 8})


# Meetings and inspections count in one MIR indicator (the report groups them by it).
INDICATOR_LABEL = "Indicador en que cuenta (informe trimestral)"


def _choice_of(label: str, blank: str = "(ninguno)") -> SelectField:
    return SelectField(label, coerce=lambda v: int(v) if v not in (None, "", "None") else None,
                       validate_choice=False)


class RecordForm(SpanishForm):
    """What every record form has: the version it was built from."""

    version = HiddenField()

    def expected_version(self) -> int | None:
        """The version the form was built from (``None`` for a new record)."""
        try:
            return int(self.version.data) if self.version.data else None
        except ValueError:
            return None


class AgreementRowForm(Form):
    """One agreement written inside its meeting's or inspection's form.

    A new row left empty is the form's spare row and is ignored; ``remove`` sends an
    existing agreement to the Papelera when the activity is saved.
    """

    class Meta:
        """Spanish messages, as the form it sits in."""

        locales = ("es_MX", "es")

    id = HiddenField()
    version = HiddenField()
    text = TextAreaField("Acuerdo", validators=[Optional(), Length(max=5000)])
    responsible = _choice_of("Institución responsable")
    responsible_person = _choice_of("Persona responsable")
    due_date = MexicanDateField("Fecha compromiso", validators=[Optional()])
    status = SelectField("Estado", choices=enum_choices(AgreementStatus),
                         default=AgreementStatus.PENDING.value)
    remove = BooleanField("Quitar este acuerdo (va a la papelera al guardar)")


# How many agreement rows one form may send (a meeting rarely has more than a dozen).
MAX_AGREEMENT_ROWS = 100


def _agreement_rows() -> FieldList:
    return FieldList(FormField(AgreementRowForm), "Acuerdos", min_entries=1,
                     max_entries=MAX_AGREEMENT_ROWS)


class MeetingForm(RecordForm):
    """A meeting and what it dealt with."""

    title = StringField("Título", validators=[_required("el título"), Length(max=300)])
    date = MexicanDateField("Fecha", validators=[InputRequired("Escriba la fecha.")])
    start_time = HourField("Hora de inicio", validators=[Optional()])
    end_time = HourField("Hora de término", validators=[Optional()])
    kind = SelectField("Tipo", choices=enum_choices(MeetingKind))
    place = StringField("Lugar", validators=[Optional(), Length(max=300)])
    purpose = TextAreaField("Objetivo", validators=[Optional(), Length(max=5000)])
    summary = TextAreaField("Resumen", validators=[Optional(), Length(max=20000)])
    participants = TextAreaField("Participantes (como los nombra el registro)",
                                 validators=[Optional(), Length(max=5000)])
    presided = _picker("Personas que presidieron")
    attendees = _picker("Personas que participaron")
    zones = _picker("Zonas tratadas")
    cases = _picker("Expedientes")
    institutions = _picker("Instituciones")
    sites = _picker("Sitios")
    indicator = _choice_of(INDICATOR_LABEL)
    agreements = _agreement_rows()


class ZoneForm(RecordForm):
    """A dispute zone (its polygon comes from the map or a file)."""

    name = StringField("Nombre", validators=[_required("el nombre"), Length(max=200)])
    kind = SelectField("Tipo", choices=enum_choices(ZoneKind))
    status = SelectField("Estado", choices=enum_choices(ZoneStatus))
    status_note = StringField("Nota del cambio de estado",
                              validators=[Optional(), Length(max=1000)])
    description = TextAreaField("Descripción", validators=[Optional(), Length(max=20000)])
    municipalities = _picker("Municipios en disputa (dos o más)")
    geometry = HiddenField("Polígono (GeoJSON)")


class CaseForm(RecordForm):
    """An expediente."""

    number = StringField("Número", validators=[_required("el número"), Length(max=60)])
    title = StringField("Título", validators=[_required("el título"), Length(max=300)])
    status = SelectField("Estado", choices=enum_choices(CaseStatus))
    status_note = StringField("Nota del cambio de estado",
                              validators=[Optional(), Length(max=1000)])
    opened_on = MexicanDateField("Fecha de apertura",
                                 validators=[InputRequired("Escriba la fecha de apertura.")])
    closed_on = MexicanDateField("Fecha de cierre", validators=[Optional()])
    description = TextAreaField("Descripción", validators=[Optional(), Length(max=20000)])
    zones = _picker("Zonas")
    parties = _picker("Partes (instituciones)")


class AgreementForm(RecordForm):
    """An agreement of a meeting or of an inspection."""

    meeting = IntegerField(widget=HiddenInput(), validators=[Optional()])
    inspection = IntegerField(widget=HiddenInput(), validators=[Optional()])
    text = TextAreaField("Acuerdo", validators=[_required("el acuerdo"), Length(max=5000)])
    responsible = _choice_of("Institución responsable")
    responsible_person = _choice_of("Persona responsable")
    due_date = MexicanDateField("Fecha compromiso", validators=[Optional()])
    status = SelectField("Estado", choices=enum_choices(AgreementStatus))
    status_on = MexicanDateField("Fecha en que cambió el estado (si no fue hoy)",
                                 validators=[Optional()])
    status_note = StringField("Nota del cambio de estado",
                              validators=[Optional(), Length(max=1000)])


class SiteForm(RecordForm):
    """A named place (a point)."""

    name = StringField("Nombre", validators=[_required("el nombre"), Length(max=200)])
    description = TextAreaField("Descripción", validators=[Optional(), Length(max=5000)])
    lon = FloatField("Longitud", validators=[
        InputRequired("Escriba la longitud (o marque el punto en el mapa)."),
        NumberRange(-118.5, -86.5, "La longitud debe estar en México (entre -118.5 y -86.5).")])
    lat = FloatField("Latitud", validators=[
        InputRequired("Escriba la latitud (o marque el punto en el mapa)."),
        NumberRange(14.5, 32.8, "La latitud debe estar en México (entre 14.5 y 32.8).")])


class InstitutionForm(RecordForm):
    """An institution of the catalogue."""

    name = StringField("Nombre", validators=[_required("el nombre"), Length(max=300)])
    short_name = StringField("Nombre corto", validators=[_required("el nombre corto"),
                                                         Length(max=80)])
    kind = SelectField("Tipo", choices=enum_choices(InstitutionKind))
    municipality = _choice_of("Municipio al que pertenece (municipios y áreas municipales)")


class PersonForm(RecordForm):
    """A person named in the records."""

    name = StringField("Nombre", validators=[Optional(), Length(max=200)])
    position = StringField("Cargo", validators=[_required("el cargo"), Length(max=300)])
    institution = _choice_of("Institución")


class InspectionForm(RecordForm):
    """A field inspection (recorrido): who, when, why, and its route (from a file or drawn)."""

    title = StringField("Título", validators=[_required("el título"), Length(max=300)])
    started_on = MexicanDateField("Fecha de inicio",
                                  validators=[InputRequired("Escriba la fecha de inicio.")])
    ended_on = MexicanDateField("Fecha de término (si duró más de un día)",
                                validators=[Optional()])
    visit_dates = MexicanDateListField(
        "Días en campo (solo si no fueron todos los días entre inicio y término)")
    start_time = HourField("Hora de inicio", validators=[Optional()])
    end_time = HourField("Hora de término", validators=[Optional()])
    place = StringField("Lugar (punto de reunión o tramo recorrido)",
                        validators=[Optional(), Length(max=300)])
    purpose = TextAreaField("Objetivo", validators=[Optional(), Length(max=5000)])
    summary = TextAreaField("Lo realizado", validators=[Optional(), Length(max=5000)])
    participants = TextAreaField("Participantes (como los nombra el registro, uno por línea)",
                                 validators=[Optional(), Length(max=5000)])
    presided = _picker("Personas que presidieron o autorizaron")
    attendees = _picker("Personas que participaron")
    institutions = _picker("Instituciones")
    zones = _picker("Zonas en disputa")
    cases = _picker("Expedientes")
    indicator = _choice_of(INDICATOR_LABEL)
    route = HiddenField("Ruta (GeoJSON)")
    route_points_read = HiddenField()
    agreements = _agreement_rows()


class FindingForm(RecordForm):
    """A finding of an inspection: what, where (map, coordinates or a photo's GPS), photos."""

    inspection = IntegerField(widget=HiddenInput(),
                              validators=[InputRequired("Falta el recorrido.")])
    category = SelectField("Categoría", choices=enum_choices(FindingCategory))
    description = TextAreaField("Nota", validators=[Optional(), Length(max=5000)])
    lon = FloatField("Longitud", validators=[
        Optional(),
        NumberRange(-118.5, -86.5, "La longitud debe estar en México (entre -118.5 y -86.5).")])
    lat = FloatField("Latitud", validators=[
        Optional(),
        NumberRange(14.5, 32.8, "La latitud debe estar en México (entre 14.5 y 32.8).")])
    photos = MultipleFileField("Fotos (una foto con GPS coloca el hallazgo en su lugar)",
                               render_kw={"accept": "image/jpeg,image/png,image/heic"})

    def validate(self, extra_validators=None) -> bool:  # noqa: D102 - the pair is the point
        valid = super().validate(extra_validators)
        if (self.lon.data is None) != (self.lat.data is None) and not (
                self.lon.errors or self.lat.errors):
            missing = self.lat if self.lat.data is None else self.lon
            missing.errors.append("Escriba la longitud y la latitud juntas.")
            return False
        return valid
