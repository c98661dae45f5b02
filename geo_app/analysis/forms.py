"""The forms of «Análisis»: turning an overlap or a gap into a zone."""

from __future__ import annotations

from wtforms import IntegerField, StringField
from wtforms.validators import NumberRange, Optional, ValidationError

from geo_app.forms import SpanishForm, name_rule

__all__ = ["ZoneFromOverlapForm"]


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
