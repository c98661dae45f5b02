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

from cases.storage.statuses import IndicatorRule, IndicatorSource
from geo_app.forms import MexicanDateField, SpanishForm, enum_choices

__all__ = ["IndicatorForm", "NewIndicatorForm", "OverrideForm", "SignerForm"]


class IndicatorForm(SpanishForm):
    """What an administrator edits of an indicator: goals, formula, unit and counting rule."""

    meta_anual = FloatField("Meta anual", validators=[Optional(), NumberRange(min=0)])
    meta_t1 = FloatField("Meta T1", validators=[Optional(), NumberRange(min=0)])
    meta_t2 = FloatField("Meta T2", validators=[Optional(), NumberRange(min=0)])
    meta_t3 = FloatField("Meta T3", validators=[Optional(), NumberRange(min=0)])
    meta_t4 = FloatField("Meta T4", validators=[Optional(), NumberRange(min=0)])
    regla = SelectField("Cómo se calcula el nivel", choices=enum_choices(IndicatorRule))
    origen = SelectField("Qué cuenta", choices=enum_choices(IndicatorSource))
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


class SignerForm(SpanishForm):
    """Who authorizes a sheet from a date on (an indicator's, or the unit's by default)."""

    persona = SelectField("Persona que autoriza (firma «Autorizó»)", choices=[], coerce=str,
                          validators=[InputRequired("elija a la persona")])
    desde = MexicanDateField("Desde (fecha en que asumió el cargo)",
                             validators=[InputRequired("escriba desde qué fecha firma")])
