"""The forms of one's account: sign in, change the password, make an API key."""

from __future__ import annotations

from wtforms import PasswordField, StringField
from wtforms.validators import InputRequired, Length

from cases.access.accounts import MAX_PASSWORD_LENGTH
from geo_app.forms import SpanishForm, new_password_field, password_confirmation_field

__all__ = ["LoginForm", "PasswordForm", "ApiTokenForm"]


class LoginForm(SpanishForm):
    """Sign in."""

    usuario = StringField(
        "Usuario", validators=[InputRequired("escriba su usuario"), Length(max=40)]
    )
    contrasena = PasswordField(
        "Contraseña",
        validators=[InputRequired("escriba su contraseña"), Length(max=MAX_PASSWORD_LENGTH)],
    )


class PasswordForm(SpanishForm):
    """Change one's own password."""

    actual = PasswordField(
        "Contraseña actual", validators=[InputRequired("escriba su contraseña actual")]
    )
    nueva = new_password_field()
    confirmacion = password_confirmation_field()


class ApiTokenForm(SpanishForm):
    """Make a personal API key (for QGIS): only its name, to tell it apart later."""

    nombre = StringField(
        "Nombre de la clave",
        validators=[InputRequired("escriba un nombre para la clave, p. ej. «QGIS de la oficina»"),
                    Length(max=80, message="el nombre admite hasta 80 caracteres")],
    )
