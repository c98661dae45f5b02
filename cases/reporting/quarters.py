"""Quarters of the fiscal year ("2025-T2"), the period every indicator and report is about."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from cases.errors import InvalidInputError

__all__ = ["Quarter", "parse_quarter", "quarter_of"]

_MONTHS = (
    "enero", "febrero", "marzo", "abril", "mayo", "junio",
    "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre",
)
_ORDINALS = ("primer", "segundo", "tercer", "cuarto")
_PATTERN = re.compile(r"^\s*(\d{4})\s*-?\s*[Tt]\s*([1-4])\s*$")


@dataclass(frozen=True, order=True)
class Quarter:
    """A quarter of a year: ``Quarter(2025, 2)`` is April–June 2025.

    Examples
    --------
    >>> q = Quarter(2025, 2)
    >>> str(q), q.label, q.first_day, q.last_day
    ('2025-T2', 'abril–junio 2025', datetime.date(2025, 4, 1), datetime.date(2025, 6, 30))
    """

    year: int
    number: int

    def __post_init__(self) -> None:
        if not 1 <= self.number <= 4:
            raise InvalidInputError(f"Trimestre inválido: T{self.number} (use T1 a T4).")

    def __str__(self) -> str:
        return f"{self.year}-T{self.number}"

    @property
    def first_day(self) -> dt.date:
        """The quarter's first day."""
        return dt.date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> dt.date:
        """The quarter's last day."""
        if self.number == 4:
            return dt.date(self.year, 12, 31)
        return dt.date(self.year, 3 * self.number + 1, 1) - dt.timedelta(days=1)

    @property
    def label(self) -> str:
        """Its months, as the unit writes them: "abril–junio 2025"."""
        first = 3 * self.number - 3
        return f"{_MONTHS[first]}–{_MONTHS[first + 2]} {self.year}"

    @property
    def ordinal(self) -> str:
        """Its name in words: "segundo trimestre de 2025"."""
        return f"{_ORDINALS[self.number - 1]} trimestre de {self.year}"

    def contains(self, day: dt.date) -> bool:
        """Whether ``day`` falls in the quarter."""
        return self.first_day <= day <= self.last_day

    def previous(self) -> Quarter:
        """The quarter before this one."""
        index = 4 * self.year + self.number - 2
        return Quarter(index // 4, index % 4 + 1)

    def next(self) -> Quarter:
        """The quarter after this one."""
        index = 4 * self.year + self.number
        return Quarter(index // 4, index % 4 + 1)


def parse_quarter(text: str) -> Quarter:
    """Read a quarter written as ``AAAA-TN``.

    Raises
    ------
    InvalidInputError
        With a Spanish message when ``text`` is not a quarter.

    Examples
    --------
    >>> parse_quarter("2025-T2")
    Quarter(year=2025, number=2)
    >>> parse_quarter("2025t3")
    Quarter(year=2025, number=3)
    """
    match = _PATTERN.match(text or "")
    if match is None:
        raise InvalidInputError(
            f"Trimestre inválido «{text}»: escríbalo como AAAA-TN, por ejemplo 2025-T2 "
            "(T1 enero–marzo, T2 abril–junio, T3 julio–septiembre, T4 octubre–diciembre)."
        )
    return Quarter(int(match.group(1)), int(match.group(2)))


def quarter_of(day: dt.date) -> Quarter:
    """The quarter ``day`` falls in.

    Examples
    --------
    >>> str(quarter_of(dt.date(2025, 5, 14)))
    '2025-T2'
    """
    return Quarter(day.year, (day.month - 1) // 3 + 1)
