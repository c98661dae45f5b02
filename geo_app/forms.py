"""What every feature's forms share: Spanish messages, the first error, common fields.

Each feature keeps its own forms beside its routes (``geo_app/<feature>/forms.py``); this
module holds only the pieces two or more of them use. Forms are Flask-WTF forms:
CSRF-protected, validated on the server, messages in Spanish.
"""

from __future__ import annotations

import datetime as dt

from flask_wtf import FlaskForm
from wtforms import DateField, PasswordField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import EqualTo, InputRequired, Length, ValidationError
from wtforms.widgets import TextInput

from cases.access.accounts import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from cases.errors import InvalidInputError
from cases.records.text import clean_name

__all__ = [
    "DATE_FORMATS",
    "HourField",
    "MexicanDateField",
    "enum_choices",
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


DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


class MexicanDateField(DateField):
    """A date typed as ``dd/mm/aaaa`` (shown that way), with a Spanish message."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, format=DATE_FORMATS, **kwargs)
        self.render_kw = {"placeholder": "dd/mm/aaaa", "inputmode": "numeric",
                          **(self.render_kw or {})}

    def process_formdata(self, valuelist):  # noqa: D102 - the message is the point
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError("Escriba la fecha como dd/mm/aaaa (por ejemplo 02/05/2025).") \
                from error


class HourField(StringField):
    """A time of day typed ``hh:mm`` (24 h; ``10:30``, ``9:05``); ``data`` is a ``dt.time``."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.render_kw = {"placeholder": "hh:mm", "inputmode": "numeric",
                          "autocomplete": "off", **(self.render_kw or {})}

    def process_formdata(self, valuelist):  # noqa: D102 - the message is the point
        text = (valuelist[0] if valuelist else "").strip().lower().removesuffix("h").strip()
        if not text:
            self.data = None
            return
        try:
            self.data = dt.datetime.strptime(text.replace(".", ":"), "%H:%M").time()
        except ValueError as error:
            self.data = None
            raise ValueError("Escriba la hora como hh:mm, de 00:00 a 23:59 (por ejemplo "
                             "10:30).") from error

    def _value(self):
        return self.data.strftime("%H:%M") if isinstance(self.data, dt.time) else (
            self.raw_data[0] if self.raw_data else "")


def enum_choices(enum, blank: str | None = None) -> list[SelectChoice]:
    """The members of ``enum`` as choices (value, Spanish label)."""
    head = [SelectChoice("", blank)] if blank is not None else []
    return head + [SelectChoice(m.value, m.label) for m in enum]
