"""How dates and numbers are written for the unit's staff (Mexican Spanish).

The one home of these formats: pages, the report (HTML, PDF, DOCX), map popups and the CLI
write every user-visible figure through this module, with one convention: thousands separated
by commas and a decimal point («1,234.5»), dates day first. ``cases/`` and ``boundaries/``
return numbers and dates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from flask import Flask

from cases.records.audit import References, changed_fields, field_kind, field_label
from cases.reporting.indicators import count_text
from cases.storage.statuses import IndicatorRule, IndicatorSource, MeetingKind

if TYPE_CHECKING:
    from cases.reporting.indicators import IndicatorLevel
    from cases.storage.models import AuditEntry

__all__ = [
    "long_date", "spanish_list", "day_list", "short_date", "short_dates", "date_time",
    "local_time", "number", "figure", "percent", "megabytes", "file_size", "field_value",
    "history_value", "HistoryEntry", "readable_history", "rule_text", "computed_note",
    "init_app",
]

# The unit works on central Mexico time; the log stores UTC and pages say which zone they show.
LOCAL_ZONE = ZoneInfo("America/Mexico_City")
LOCAL_ZONE_NAME = "hora del centro"

MONTHS = (
    "enero", "febrero", "marzo", "abril", "mayo", "junio",
    "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre",
)


def long_date(value: dt.date | None, empty: str = "sin fecha") -> str:
    """Write a date as "14 de mayo de 2025".

    Examples
    --------
    >>> long_date(dt.date(2025, 5, 14))
    '14 de mayo de 2025'
    """
    if value is None:
        return empty
    return f"{value.day} de {MONTHS[value.month - 1]} de {value.year}"


def spanish_list(items: Sequence[str]) -> str:
    """Join items as Spanish does: "a, b y c".

    Examples
    --------
    >>> spanish_list(["a"]), spanish_list(["a", "b"]), spanish_list(["a", "b", "c"])
    ('a', 'a y b', 'a, b y c')
    """
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} y {items[-1]}"


def day_list(values: Sequence[dt.date], empty: str = "sin fecha") -> str:
    """Write separate days as the report does: "15 y 22 de mayo de 2025".

    Examples
    --------
    >>> day_list([dt.date(2025, 5, 9), dt.date(2025, 5, 23), dt.date(2025, 5, 30)])
    '9, 23 y 30 de mayo de 2025'
    >>> day_list([dt.date(2025, 5, 30), dt.date(2025, 6, 2)])
    '30 de mayo y 2 de junio de 2025'
    >>> day_list([dt.date(2025, 12, 30), dt.date(2026, 1, 2)])
    '30 de diciembre de 2025 y 2 de enero de 2026'
    >>> day_list([])
    'sin fecha'
    """
    days = sorted(set(values))
    if not days:
        return empty
    years: list[str] = []
    for year in dict.fromkeys(d.year for d in days):
        months = []
        for month in dict.fromkeys(d.month for d in days if d.year == year):
            numbers = [str(d.day) for d in days if d.year == year and d.month == month]
            months.append(f"{spanish_list(numbers)} de {MONTHS[month - 1]}")
        years.append(f"{spanish_list(months)} de {year}")
    return spanish_list(years)


def short_date(value: dt.date | None, empty: str | None = "—") -> str | None:
    """Write a date as "14/05/2025" (day first, as in Mexico).

    Examples
    --------
    >>> short_date(dt.date(2025, 5, 4))
    '04/05/2025'
    """
    return empty if value is None else value.strftime("%d/%m/%Y")


def short_dates(values: list[dt.date] | None) -> str:
    """Write separate days as a form field holds them: "15/05/2025, 22/05/2025".

    Examples
    --------
    >>> short_dates([dt.date(2025, 5, 15), dt.date(2025, 5, 22)])
    '15/05/2025, 22/05/2025'
    """
    return ", ".join(short_date(day) for day in values or [])


def date_time(value: dt.datetime | None, seconds: bool = False, empty: str = "—") -> str:
    """Write a moment as "14/05/2025 09:30" (day first), with seconds for a log.

    Examples
    --------
    >>> date_time(dt.datetime(2025, 5, 14, 9, 30, 5)), date_time(None, empty="nunca")
    ('14/05/2025 09:30', 'nunca')
    >>> date_time(dt.datetime(2025, 5, 14, 9, 30, 5), seconds=True)
    '14/05/2025 09:30:05'
    """
    if value is None:
        return empty
    return value.strftime("%d/%m/%Y %H:%M:%S" if seconds else "%d/%m/%Y %H:%M")


def local_time(value: dt.datetime | None, seconds: bool = False, empty: str = "—") -> str:
    """Write a UTC moment in central Mexico time, the zone stated (naive means UTC).

    Examples
    --------
    >>> local_time(dt.datetime(2025, 5, 14, 15, 30, tzinfo=dt.UTC))
    '14/05/2025 09:30 (hora del centro, UTC−6)'
    >>> local_time(dt.datetime(2025, 5, 14, 15, 30, 5), seconds=True)
    '14/05/2025 09:30:05 (hora del centro, UTC−6)'
    """
    if value is None:
        return empty
    local = (value if value.tzinfo else value.replace(tzinfo=dt.UTC)).astimezone(LOCAL_ZONE)
    minutes = int(local.utcoffset().total_seconds()) // 60
    sign = "−" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    offset = f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")
    return f"{date_time(local, seconds)} ({LOCAL_ZONE_NAME}, {offset})"


def number(value: float | int | None, decimals: int = 0, signed: bool = False) -> str:
    """Write a number with thousands separated by commas and a decimal point.

    ``signed`` writes the sign of a change, "+" included.

    Examples
    --------
    >>> number(1234567.891, 2), number(1500, signed=True)
    ('1,234,567.89', '+1,500')
    """
    if value is None:
        return "—"
    return f"{value:{'+' if signed else ''},.{decimals}f}"


def figure(value: float) -> str:
    """Write a goal or a level with one decimal at most, without a useless ".0".

    Examples
    --------
    >>> figure(20.0), figure(12.5), figure(1500)
    ('20', '12.5', '1,500')
    """
    return number(value, 1).removesuffix(".0")


def percent(value: float | None) -> str:
    """Write a percentage as the unit does ("6.7 %"), or "sin dato".

    Examples
    --------
    >>> percent(20.0), percent(6.7), percent(None)
    ('20 %', '6.7 %', 'sin dato')
    """
    return "sin dato" if value is None else f"{figure(value)} %"


def megabytes(n: int) -> str:
    """``n`` bytes as whole megabytes for a message ("25 MB").

    Examples
    --------
    >>> megabytes(25 * 2**20), megabytes(2048 * 2**20)
    ('25 MB', '2,048 MB')
    """
    return f"{number(n / 2**20)} MB"


def file_size(n: int) -> str:
    """``n`` bytes in MB with a decimal, or in whole KB below one megabyte.

    Examples
    --------
    >>> file_size(3 * 2**20 + 2**19), file_size(5000)
    ('3.5 MB', '5 KB')
    """
    return f"{number(n / 2**20, 1)} MB" if n >= 2**20 else f"{number(n / 1024)} KB"


def field_value(value: Any) -> str | None:
    """A stored value as a person reads it in a history (``None`` stays empty).

    Examples
    --------
    >>> field_value(True), field_value(5593.979335), field_value(["Ana", "Luis"])
    ('sí', '5,593.98', 'Ana, Luis')
    >>> field_value([{"names": ["Oaxaca de Juárez"], "length_m": 4793.4, "share": 0.857}])
    'Oaxaca de Juárez: 4,793 m (85.7 %)'
    """
    if value is None or value in ("", [], {}):
        return None
    if isinstance(value, bool):
        return "sí" if value else "no"
    if isinstance(value, float):
        return number(value, 2)
    if isinstance(value, list):
        if all(isinstance(v, dict) and "length_m" in v for v in value):  # a route's split
            return "; ".join(
                f"{', '.join(v.get('names') or v.get('parties') or [])}: "
                f"{number(v['length_m'])} m ({number(100 * v.get('share', 0), 1)} %)"
                for v in value
            )
        return ", ".join(str(v) for v in value)
    return str(value)


_BANKS = {"left": "izquierda", "right": "derecha", "on": "sobre el cauce"}
# Fields holding a list of enum values, and their enum.
_ENUM_LISTS = {"meeting_kinds": MeetingKind}


def history_value(
    record_type: str, field: str, value: Any, refs: References | None = None
) -> str | None:
    """A logged value of ``record_type``'s ``field`` as a person reads it (``None``: empty).

    Ids read as the name of the record they name (``refs``, looked up for a whole page),
    enum values as their label, dates day first, moments in central time with their zone.

    Examples
    --------
    >>> history_value("meeting", "kind", "reunion_trabajo")
    'Reunión de trabajo'
    >>> history_value("finding", "river_bank", "left"), history_value("site", "x", False)
    ('izquierda', 'no')
    >>> history_value("finding", "claims", {"Santa Lucía": "20390", "San Blas": None})
    'San Blas: no reclama; Santa Lucía: reclama'
    >>> from cases.records.audit import Reference
    >>> refs = References({("indicator", 3): Reference("Reuniones", "C1.A2")}, {})
    >>> history_value("meeting", "indicator_id", 3, refs)
    'C1.A2 Reuniones'
    >>> history_value("meeting", "indicator_id", 9, refs)
    '(eliminado) #9'
    """
    if value is None or value in ("", [], {}):
        return None
    kind = field_kind(record_type, field)
    if kind.target and isinstance(value, int) and not isinstance(value, bool):
        ref = refs.get(kind.target, value) if refs is not None else None
        if ref is None:
            return f"(eliminado) #{value}" if refs is not None else f"#{value}"
        return f"{ref.key} {ref.name}" if ref.key else ref.name
    if isinstance(value, str):
        return _text_value(kind, field, value)
    if field == "claims" and isinstance(value, dict):
        return "; ".join(
            f"{name}: {'reclama' if code else 'no reclama'}" for name, code in sorted(value.items())
        )
    if field == "parties" and isinstance(value, list):
        names = refs.municipalities if refs is not None else {}
        return ", ".join(names.get(str(code), str(code)) for code in value)
    if field == "visit_dates" and isinstance(value, list):
        return short_dates([dt.date.fromisoformat(str(day)) for day in value])
    if field in _ENUM_LISTS and isinstance(value, list):
        return ", ".join(_label(_ENUM_LISTS[field], str(v)) for v in value)
    if isinstance(value, dict):
        return "; ".join(
            f"{field_label(str(k))}: {field_value(v) or '—'}" for k, v in value.items()
        )
    return field_value(value)


def _text_value(kind, field: str, value: str) -> str:
    if kind.enum is not None:
        return _label(kind.enum, value)
    if field == "river_bank":
        return _BANKS.get(value, value)
    try:
        if kind.moment:
            return local_time(dt.datetime.fromisoformat(value))
        if kind.day:
            return short_date(dt.date.fromisoformat(value))
    except ValueError:
        return value
    return value


def _label(enum_class, value: str) -> str:
    try:
        return enum_class(value).label
    except ValueError:
        return value


@dataclass(frozen=True)
class HistoryEntry:
    """An audit entry as a history shows it: when (central time), and each change read."""

    entry: AuditEntry
    at: str
    changes: list[tuple[str, str | None, str | None]]

    def __getattr__(self, name: str) -> Any:
        """The entry's own fields (action, username, record type and label)."""
        return getattr(self.entry, name)


def readable_history(
    entries: Iterable[AuditEntry], refs: References | None = None, seconds: bool = False
) -> list[HistoryEntry]:
    """``entries`` with every field named in Spanish and every value read (``history_value``)."""
    return [
        HistoryEntry(
            entry,
            local_time(entry.at, seconds),
            [
                (field_label(field),
                 history_value(entry.record_type, field, before, refs),
                 history_value(entry.record_type, field, after, refs))
                for field, before, after in changed_fields(entry)
            ],
        )
        for entry in entries
    ]


def rule_text(level: IndicatorLevel) -> str:
    """The computation in words, by the indicator's rule.

    "4 vinculaciones de 20 programadas en el año = 20 %" (the quarter's count ÷ the annual
    goal); "6 eventos en el año hasta el tercer trimestre (2 eventos en el trimestre) de 20
    programados en el año = 30 %" (year to date);
    "3 eventos de 5 programados en el trimestre = 60 %" (the quarter's goal); a component
    made of its activity indicators says so: "12.1 (3) + 12.2 (2) = 5 …".
    """
    unit = level.indicator.unit or "actividades"
    planned = "programados" if unit.endswith("os") else "programadas"
    parts = ""
    if level.source is IndicatorSource.SUM and level.parts:
        parts = " + ".join(f"{p.indicator.key} ({p.counted})" for p in level.parts) + " = "
    if level.source is IndicatorSource.MEAN:
        if not level.parts:
            return "Promedio de sus indicadores de actividad: no hay ninguno registrado"
        levels = "; ".join(f"{p.indicator.key}: {percent(p.computed_percent)}"
                           for p in level.parts)
        return f"Promedio de los niveles de sus actividades ({levels}) = " \
               f"{percent(level.computed_percent)}"
    if level.rule is IndicatorRule.QUARTER_OF_QUARTER:
        if level.denominator is None:
            return (f"{parts}{level.done_text} en el trimestre; sin meta programada para el "
                    f"{level.quarter.ordinal}: no se puede calcular el porcentaje")
        return (f"{parts}{level.done_text} de {figure(level.denominator)} {planned} en el "
                f"trimestre = {percent(level.computed_percent)}")
    if level.rule is IndicatorRule.YEAR_TO_DATE:
        ytd = count_text(level.year_to_date, unit)
        if level.denominator is None:
            gathered = "acumulados" if unit.endswith("os") else "acumuladas"
            return (f"{ytd} {gathered} en el año; sin meta anual registrada: no se puede "
                    "calcular el porcentaje")
        return (f"{parts}{ytd} en el año hasta el {level.quarter.ordinal} "
                f"({level.done_text} en el trimestre) de {figure(level.denominator)} {planned} "
                f"en el año = {percent(level.computed_percent)}")
    if level.denominator is None:
        return (f"{parts}{level.done_text} en el trimestre; sin meta registrada: no se puede "
                "calcular el porcentaje")
    return (f"{parts}{level.done_text} de {figure(level.denominator)} {planned} en el año = "
            f"{percent(level.computed_percent)}")


def hours(times) -> str:
    """Start and end times in words: "de 10:00 a 13:30 h"; several activities by "; ".

    Examples
    --------
    >>> hours([(dt.time(10), dt.time(13, 30)), (dt.time(9), None)])
    'de 10:00 a 13:30 h; de 09:00 h'
    """
    texts = []
    for start, end in times:
        text = " ".join(part for part in (
            f"de {start:%H:%M}" if start else "", f"a {end:%H:%M}" if end else "") if part)
        texts.append(f"{text} h")
    return "; ".join(texts)


def stretch_text(stretch) -> str:
    """A stretch of river walked: "km 3.20 a 5.80 del Río Atoyac".

    ``stretch`` is a :class:`cases.frames.derived.RiverStretch`.
    """
    return (f"km {number(stretch.km_from, 2)} a {number(stretch.km_to, 2)} del "
            f"{stretch.river}")


def agreement_text(item) -> str:
    """An agreement as the report lists it, with its status on the report's date.

    ``item`` is a :class:`cases.records.agreements.AgreementAsOf`.
    """
    agreement = item.agreement
    who = [n for n in (agreement.responsible.name if agreement.responsible else "",
                       agreement.responsible_person.label if agreement.responsible_person
                       else "") if n]
    due = long_date(agreement.due_date) if agreement.due_date else "sin fecha"
    return (f"{agreement.text.strip().rstrip('.')}. Responsable: "
            f"{spanish_list(who) or 'sin responsable'}. Fecha compromiso: {due}. "
            f"Estado al {long_date(item.day)}: {item.label}.")


def computed_note(level: IndicatorLevel) -> str | None:
    """The computed level beside an official figure that differs or stands alone.

    None when the official figure is the computed one.
    """
    if not level.overridden:
        return None
    return f"Calculado con las actividades registradas: {rule_text(level)}."


def init_app(app: Flask) -> None:
    """Register the formatters as Jinja filters."""
    app.add_template_filter(long_date, "fecha")
    app.add_template_filter(day_list, "dias")
    app.add_template_filter(short_date, "fecha_corta")
    app.add_template_filter(number, "numero")
    app.add_template_global(field_value, "valor")
    app.add_template_filter(date_time, "fecha_hora")
    app.add_template_filter(local_time, "hora_local")
    app.add_template_filter(file_size, "tamano")
    app.add_template_filter(percent, "porcentaje")
    app.add_template_filter(rule_text, "regla")
    app.add_template_filter(agreement_text, "acuerdo_texto")
    app.add_template_filter(hours, "horario")
    app.add_template_filter(stretch_text, "tramo_rio")
    app.add_template_filter(computed_note, "nota_calculada")
