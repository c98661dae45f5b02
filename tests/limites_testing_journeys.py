"""The reference meeting of issue 19 recorded in a browser, clicks and keystrokes counted.

Four institutions, two people (one new, created from the picker's dialog), one zone and two
agreements. :func:`record_in_one_page` writes the agreements inside the meeting's form;
:func:`record_the_old_way` leaves those rows empty and adds each agreement from the
meeting's page with «Nuevo acuerdo», as the forms worked before. Both type the same texts
and count every mouse click (typing, Tab and Enter are not clicks). Used by
``tests/e2e/test_meeting_one_page.py`` and ``benchmarks/bench_meeting_clicks.py``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

INSTITUTIONS = ("xoxo", "lucia", "comision de lim", "fiscalia")  # accents ignored
KNOWN_PERSON = "sara"
ZONE = "sauces"
# Each agreement: its text, what is typed on the responsible institution and person
# (the list jumps to the first entry starting so) and its due date.
AGREEMENTS = (
    ("Entregar a la Comisión el plano de la colindancia en Los Sauces", "Comisi", "Sara",
     "30/09/2025"),
    ("Convocar a la Fiscalía a una mesa de seguridad en la zona", "Fisc", "", "15/10/2025"),
)


@dataclass
class Journey:
    """What recording the meeting took: clicks (named), characters typed, pages sent."""

    title: str
    new_person: str
    clicks: list[str] = field(default_factory=list)
    typed: int = 0
    pages: int = 0

    def summary(self) -> str:
        """One line: «N clics, M caracteres, P páginas — clicks»."""
        return (f"{len(self.clicks)} clics, {self.typed} caracteres, {self.pages} "
                f"página{'s' if self.pages != 1 else ''} — {', '.join(self.clicks)}")


class _Driver:
    def __init__(self, page, journey: Journey, shot: Callable[[str], object] | None):
        self.page, self.journey, self._shot = page, journey, shot

    def click(self, locator, label: str) -> None:
        locator.click()
        self.journey.clicks.append(label)

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)
        self.journey.typed += len(text)

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)

    def pick(self, text: str) -> None:
        """Type into the focused picker and choose the first match with Enter."""
        self.type(text)
        self.press("Enter")

    def shot(self, label: str) -> None:
        if self._shot is not None:
            self._shot(label)

    def save(self, url_pattern: str) -> None:
        self.click(self.page.get_by_role("button", name="Guardar", exact=True), "guardar")
        self.page.wait_for_url(re.compile(url_pattern))
        self.journey.pages += 1


def _meeting_fields(driver: _Driver) -> None:
    """Title, date, four institutions, two people (one new) and the zone."""
    page, journey = driver.page, driver.journey
    driver.click(page.get_by_label("Título", exact=True), "título")
    driver.type(journey.title)
    driver.press("Tab")
    driver.type("12/08/2025")
    driver.click(page.get_by_role("combobox", name="Instituciones"), "instituciones")
    for typed in INSTITUTIONS:
        driver.pick(typed)
    driver.click(page.get_by_role("combobox", name="Personas que participaron"), "personas")
    driver.pick(KNOWN_PERSON)
    driver.pick(journey.new_person)  # no match: Enter opens «+ Nueva persona «…»»
    dialog = page.locator("dialog.quick-dialog")
    dialog.get_by_label("Cargo").wait_for()
    driver.type("Agente municipal")
    driver.press("Enter")
    dialog.wait_for(state="hidden")
    driver.click(page.get_by_role("combobox", name="Zonas tratadas"), "zonas")
    driver.pick(ZONE)


def _agreement_fields(driver: _Driver, text: str, institution: str, person: str,
                      due: str) -> None:
    """From the focused text box: the text, then Tab to each field, typing its start."""
    driver.type(text)
    driver.press("Tab")
    driver.type(institution)
    driver.press("Tab")
    if person:
        driver.type(person)
    driver.press("Tab")
    driver.type(due)


def record_in_one_page(page, base_url: str, title: str, new_person: str,
                       shot: Callable[[str], object] | None = None) -> Journey:
    """Record the reference meeting with its two agreements in the meeting's form."""
    driver = _Driver(page, Journey(title, new_person), shot)
    page.goto(base_url + "/editar/reunion/nuevo")
    _meeting_fields(driver)
    first, second = AGREEMENTS
    driver.click(page.locator("#agreements-0-text"), "texto del acuerdo")
    _agreement_fields(driver, *first)
    driver.click(page.get_by_role("button", name="+ Añadir acuerdo"), "añadir acuerdo")
    _agreement_fields(driver, *second)
    driver.shot("formulario-lleno")
    driver.save(r".*/reuniones/\d+")
    driver.shot("reunion-guardada")
    return driver.journey


def record_the_old_way(page, base_url: str, title: str, new_person: str,
                       shot: Callable[[str], object] | None = None) -> Journey:
    """Record the same meeting, then each agreement on its own «Nuevo acuerdo» page."""
    driver = _Driver(page, Journey(title, new_person), shot)
    page.goto(base_url + "/editar/reunion/nuevo")
    _meeting_fields(driver)
    driver.save(r".*/reuniones/\d+")
    for agreement in AGREEMENTS:
        driver.click(page.get_by_role("link", name="Nuevo acuerdo"), "nuevo acuerdo")
        page.wait_for_url(re.compile(r".*/editar/acuerdo/nuevo.*"))
        driver.click(page.get_by_label("Acuerdo", exact=True), "texto del acuerdo")
        _agreement_fields(driver, *agreement)
        driver.save(r".*/reuniones/\d+")
    driver.shot("reunion-guardada")
    return driver.journey
