"""Flask-WTF forms: CSRF-protected, validated on the server, messages in Spanish."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    FloatField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from cases.access.accounts import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from cases.errors import InvalidInputError
from cases.records.record_types import RECORD_TYPES
from cases.records.text import MAX_NAME_LENGTH, clean_name
from cases.storage.models import AuditAction, Role

__all__ = [
    "SpanishForm",
    "first_error",
    "ZoneFromOverlapForm",
    "LoginForm",
    "PasswordForm",
    "NewUserForm",
    "ApiTokenForm",
    "AuditFilterForm",
    "IndicatorForm",
    "OverrideForm",
]


class SpanishForm(FlaskForm):
    """A form whose built-in messages come from WTForms' Spanish catalogue."""

    class Meta:
        """WTForms options: Spanish messages."""

        locales = ("es_MX", "es")


def first_error(form: FlaskForm) -> str:
    """The first validation message of ``form``, to flash after a redirect."""
    for messages in form.errors.values():
        if messages:
            return messages[0]
    return "El formulario no es válido."


def name_rule(what: str):
    """A validator applying :func:`cases.records.text.clean_name` (length, control characters)."""

    def check(form, field) -> None:
        try:
            field.data = clean_name(field.data, what)
        except InvalidInputError as error:
            raise ValidationError(error.message) from error

    return check


class ZoneFromOverlapForm(SpanishForm):
    """Turn one overlap (``traslape``) or area nobody attends (``vacio_atencion``) into a zone."""

    traslape = IntegerField("Traslape", validators=[Optional(), NumberRange(min=1)])
    vacio_atencion = IntegerField(
        "Vacío de atención", validators=[Optional(), NumberRange(min=1)]
    )
    nombre = StringField("Nombre de la zona", validators=[name_rule("la zona")])

    def validate_traslape(self, field) -> None:
        """Exactly one of the two areas is chosen."""
        if (field.data is None) == (self.vacio_atencion.data is None):
            raise ValidationError("indique el traslape o el vacío de atención")


class LoginForm(SpanishForm):
    """Sign in."""

    usuario = StringField(
        "Usuario", validators=[InputRequired("escriba su usuario"), Length(max=40)]
    )
    contrasena = PasswordField(
        "Contraseña",
        validators=[InputRequired("escriba su contraseña"), Length(max=MAX_PASSWORD_LENGTH)],
    )


def _new_password() -> PasswordField:
    return PasswordField(
        "Contraseña nueva",
        validators=[
            InputRequired("escriba la contraseña nueva"),
            Length(
                min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH,
                message=f"la contraseña debe tener al menos {MIN_PASSWORD_LENGTH} caracteres",
            ),
        ],
    )


def _confirmation() -> PasswordField:
    return PasswordField(
        "Repita la contraseña nueva",
        validators=[EqualTo("nueva", message="las dos contraseñas nuevas no coinciden")],
    )


class PasswordForm(SpanishForm):
    """Change one's own password."""

    actual = PasswordField(
        "Contraseña actual", validators=[InputRequired("escriba su contraseña actual")]
    )
    nueva = _new_password()
    confirmacion = _confirmation()


class NewUserForm(SpanishForm):
    """An administrator creates an account."""

    usuario = StringField(
        "Usuario", validators=[InputRequired("escriba el nombre de usuario"), Length(max=40)]
    )
    nombre = StringField("Nombre completo", validators=[Optional(), Length(max=MAX_NAME_LENGTH)])
    rol = SelectField(
        "Rol", choices=[SelectChoice(r.value, r.label) for r in Role], default=Role.READER.value
    )
    nueva = _new_password()
    confirmacion = _confirmation()


class ApiTokenForm(SpanishForm):
    """Make a personal API key (for QGIS): only its name, to tell it apart later."""

    nombre = StringField(
        "Nombre de la clave",
        validators=[InputRequired("escriba un nombre para la clave, p. ej. «QGIS de la oficina»"),
                    Length(max=80, message="el nombre admite hasta 80 caracteres")],
    )


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


class IndicatorForm(SpanishForm):
    """What an administrator edits of an indicator: goals, formula, unit and counting rule."""

    meta_anual = FloatField("Meta anual", validators=[Optional(), NumberRange(min=0)])
    meta_t1 = FloatField("Meta T1", validators=[Optional(), NumberRange(min=0)])
    meta_t2 = FloatField("Meta T2", validators=[Optional(), NumberRange(min=0)])
    meta_t3 = FloatField("Meta T3", validators=[Optional(), NumberRange(min=0)])
    meta_t4 = FloatField("Meta T4", validators=[Optional(), NumberRange(min=0)])
    formula = TextAreaField("Fórmula (en palabras)", validators=[Length(max=1000)])
    unidad = StringField(
        "Unidad de medida", validators=[InputRequired("escriba la unidad"), Length(max=60)]
    )
    tipos_reunion = SelectMultipleField("Tipos de reunión que cuentan (ninguno: todos)")
    cuenta_recorridos = BooleanField("Los recorridos cuentan")
    solo_vinculaciones = BooleanField("Solo reuniones con otro municipio (vinculaciones)")
    agrupa_recorridos = BooleanField("Los recorridos de un expediente en un trimestre son uno")


class NewIndicatorForm(SpanishForm):
    """A new MIR indicator of one year; its goals and rule are edited afterwards."""

    programa = StringField(
        "Programa presupuestario (número y nombre)",
        validators=[InputRequired("escriba el programa"), Length(max=200)],
    )
    nivel = SelectField("Nivel", choices=[])
    clave = StringField(
        "Clave (p. ej. 12 o 12.1)", validators=[InputRequired("escriba la clave"), Length(max=20)]
    )
    nombre = StringField(
        "Nombre del indicador", validators=[InputRequired("escriba el nombre"), Length(max=300)]
    )
    anio = IntegerField(
        "Año", validators=[InputRequired("escriba el año"), NumberRange(min=2000, max=2100)]
    )
    unidad = StringField(
        "Unidad de medida (p. ej. vinculaciones)",
        validators=[InputRequired("escriba la unidad"), Length(max=60)],
    )
    autoriza = SelectField("Autoriza (firma «Autorizó»)", choices=[], coerce=str)


class OverrideForm(SpanishForm):
    """The official level of a quarter, with its reason (empty level: withdraw it)."""

    trimestre = SelectField(
        "Trimestre", choices=[SelectChoice(str(q), f"T{q}") for q in (1, 2, 3, 4)]
    )
    nivel = FloatField(
        "Nivel oficial (%)", validators=[Optional(), NumberRange(min=0, max=1000)]
    )
    motivo = StringField(
        "Motivo", validators=[InputRequired("escriba el motivo"), Length(max=500)]
    )
