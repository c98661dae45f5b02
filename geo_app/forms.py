"""What every feature's forms share: Spanish messages, the first error, common fields.

Each feature keeps its own forms beside its routes (``geo_app/<feature>/forms.py``); this
module holds only the pieces two or more of them use. Forms are Flask-WTF forms:
CSRF-protected, validated on the server, messages in Spanish.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import EqualTo, InputRequired, Length, ValidationError

from cases.access.accounts import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from cases.errors import InvalidInputError
from cases.records.text import clean_name

__all__ = [
    "SpanishForm",
    "first_error",
    "name_rule",
    "new_password_field",
    "password_confirmation_field",
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


def new_password_field() -> PasswordField:
    """A new password (field ``nueva``), long enough and not too long."""
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


def password_confirmation_field() -> PasswordField:
    """The new password typed again; it must equal the field ``nueva``."""
    return PasswordField(
        "Repita la contraseña nueva",
        validators=[EqualTo("nueva", message="las dos contraseñas nuevas no coinciden")],
    )
