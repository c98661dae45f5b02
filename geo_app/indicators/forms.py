"""The forms of «Indicadores»: an indicator's goals and rule, a new indicator, an override."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    FloatField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from geo_app.forms import SpanishForm

__all__ = ["IndicatorForm", "NewIndicatorForm", "OverrideForm"]


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
