"""The forms of limit proposals: a new proposal, a change of status, the ratification."""

from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from cases.proposals.proposals import LINE_FILES
from cases.storage.models import ProposalStatus
from geo_app.forms import MexicanDateField, SpanishForm, name_rule

__all__ = ["ProposalForm", "StatusForm", "RatificationForm", "AttachmentForm"]


class ProposalForm(SpanishForm):
    """A new proposal: its title, the two municipalities, who and when, and the line."""

    titulo = StringField("Título", validators=[name_rule("la propuesta")])
    municipio_a = SelectField("Primer municipio", validators=[InputRequired(
        "elija el primer municipio")])
    municipio_b = SelectField("Segundo municipio", validators=[InputRequired(
        "elija el segundo municipio")])
    propuesta_por = SelectField("Propuesta por (institución)", validators=[Optional()])
    fecha = MexicanDateField("Fecha de la propuesta", validators=[InputRequired(
        "escriba la fecha de la propuesta")])
    descripcion = TextAreaField("Descripción", validators=[Optional(), Length(max=5000)])
    geometry = HiddenField()
    origen = HiddenField(default="dibujada")
    archivo = FileField("Archivo de la línea", render_kw={"accept": LINE_FILES.accept})
    reclamo = SelectField("O tome la línea del reclamo de", validators=[Optional()])
    zona = IntegerField(validators=[Optional()])


class StatusForm(SpanishForm):
    """A change of status, with the day it happened and a note."""

    estado = SelectField("Nuevo estado", choices=[], validators=[InputRequired(
        "elija el estado")])
    fecha = MexicanDateField("Fecha del cambio", validators=[Optional()])
    nota = StringField("Nota", validators=[Optional(), Length(max=1000)])
    version = IntegerField(validators=[Optional()])

    def for_status(self, status: ProposalStatus, following) -> StatusForm:
        """Offer the statuses ``status`` may go to."""
        self.estado.choices = [(s.value, s.label) for s in following]
        return self


class RatificationForm(SpanishForm):
    """The convenio or decree: date, reference, document, and whether to put it in force."""

    fecha = MexicanDateField("Fecha del convenio o decreto", validators=[InputRequired(
        "escriba la fecha del convenio o del decreto")])
    referencia = StringField("Referencia (número de decreto, periódico oficial…)",
                             validators=[InputRequired("escriba la referencia"),
                                         Length(max=500)])
    documento = FileField("Documento (PDF)", render_kw={"accept": ".pdf"})
    en_vigor = BooleanField("Poner en vigor el nuevo marco ahora")
    version = IntegerField(validators=[Optional()])


class AttachmentForm(SpanishForm):
    """A supporting document of the proposal."""

    archivo = FileField("Documento", validators=[InputRequired("elija un archivo")])
    etiqueta = StringField("Descripción", validators=[Optional(), Length(max=300)])
