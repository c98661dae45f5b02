"""The forms of «Administración»: a new account and the filters of the audit log."""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from boundaries.formats import LAYER_FILES
from cases.frames.rivers import LINE_FILES, LINE_KINDS
from cases.records.record_types import RECORD_TYPES
from cases.records.text import MAX_NAME_LENGTH
from cases.storage.models import AuditAction, Role
from geo_app.forms import SpanishForm, new_password_field, password_confirmation_field

__all__ = ["NewUserForm", "AuditFilterForm", "RiverImportForm"]


class NewUserForm(SpanishForm):
    """An administrator creates an account."""

    usuario = StringField(
        "Usuario", validators=[InputRequired("escriba el nombre de usuario"), Length(max=40)]
    )
    nombre = StringField("Nombre completo", validators=[Optional(), Length(max=MAX_NAME_LENGTH)])
    rol = SelectField(
        "Rol", choices=[SelectChoice(r.value, r.label) for r in Role], default=Role.READER.value
    )
    nueva = new_password_field()
    confirmacion = password_confirmation_field()


class AuditFilterForm(SpanishForm):
    """Filters of the Registro de cambios (a GET form: no CSRF token needed)."""

    class Meta:
        """Read from the query string."""

        csrf = False

    usuario = StringField("Usuario", validators=[Optional(), Length(max=80)])
    accion = SelectField(
        "Acción",
        choices=[SelectChoice("", "Todas")] + [SelectChoice(a.value, a.label) for a in AuditAction],
        default="",
    )
    tipo = SelectField(
        "Tipo de registro",
        choices=[SelectChoice("", "Todos")]
        + [SelectChoice(t.name, t.label) for t in RECORD_TYPES.values()],
        default="",
    )
    desde = DateField("Desde", validators=[Optional()])
    hasta = DateField("Hasta", validators=[Optional()])


class RiverImportForm(SpanishForm):
    """An administrator imports a river (a reference line) from a file."""

    tipo = SelectField("Tipo", choices=[SelectChoice(k, "Río") for k in LINE_KINDS])
    nombre = StringField(
        "Nombre", validators=[InputRequired("escriba el nombre del río"), Length(max=190)]
    )
    archivo = FileField(
        f"Archivo ({LAYER_FILES.names}, o KML/KMZ)",
        validators=[FileRequired("elija el archivo del río")],
        render_kw={"accept": ",".join(LINE_FILES)},
    )
