"""The forms of «Administración»: a new account and the filters of the audit log."""

from __future__ import annotations

from wtforms import DateField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from cases.records.record_types import RECORD_TYPES
from cases.records.text import MAX_NAME_LENGTH
from cases.storage.models import AuditAction, Role
from geo_app.forms import SpanishForm, new_password_field, password_confirmation_field

__all__ = ["NewUserForm", "AuditFilterForm"]


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
