"""The report as a Word document (python-docx) that the Unidad can edit before signing."""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from cases.reporting.quarterly import IndicatorSection, QuarterReport, ReportEntry, Signer
from geo_app.figures.report import entry_map_png
from geo_app.formatting import (
    agreement_text,
    computed_note,
    day_list,
    figure,
    hours,
    percent,
    rule_text,
    spanish_list,
    stretch_text,
)
from geo_app.formatting import (
    number as written_number,
)
from geo_app.reports.render import photo_bytes
from geo_app.reports.settings import slogan
from geo_app.reports.text import level_heading
from geo_app.theme import Print, rgb

__all__ = ["report_docx"]

GUINDA = RGBColor(*rgb(Print.BRAND))
GREY = RGBColor(*rgb(Print.TEXT_MUTED))


def _run(paragraph, text: str, bold: bool = False, italic: bool = False, size: float | None = None,
         colour: RGBColor | None = None):
    run = paragraph.add_run(text)
    run.bold, run.italic = bold, italic
    if size:
        run.font.size = Pt(size)
    if colour is not None:
        run.font.color.rgb = colour
    return run


def _page_number_field(paragraph) -> None:
    """Insert Word's PAGE field, updated by Word itself on every page."""
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        run = paragraph.add_run()
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def _header_and_footer(document, report: QuarterReport) -> None:
    section = document.sections[0]
    header = section.header.paragraphs[0]
    city = report.settings.municipality.replace("Municipio de ", "").upper()
    _run(header, city, bold=True, size=14, colour=GUINDA)
    header.add_run("\n")
    _run(header, f"GOBIERNO MUNICIPAL {report.settings.government_period}", size=7.5)
    if slogan():
        _run(header, f"\t\t{slogan().upper()}", size=7, colour=GUINDA)
    footer = section.footer.paragraphs[0]
    _run(footer, f"{report.settings.unit} · Informe {report.quarter.label} · Página ", size=7.5,
         colour=GREY)
    _page_number_field(footer)


def _mir(document, section: IndicatorSection) -> None:
    level = section.level
    rows = [
        ("Programa presupuestario:", level.indicator.program),
        ("Nivel:", level_heading(level.indicator.level, level.indicator.key)),
        ("Nombre del indicador:", level.indicator.name),
    ]
    if level.indicator.formula:
        rows.append(("Fórmula:", level.indicator.formula))
    goal = (
        f"{figure(level.annual_goal)} {level.indicator.unit} en el año"
        if level.annual_goal else "Sin meta registrada"
    )
    if level.quarter_goal is not None:
        goal += f"; {figure(level.quarter_goal)} en el trimestre"
    rows.append(("Meta:", goal))
    reached = percent(level.official_percent) + (
        " (cifra oficial)" if level.overridden else f" ({rule_text(level)})"
    )
    rows.append(("Nivel alcanzado:", reached))
    table = document.add_table(rows=0, cols=2)
    for label, value in rows:
        cells = table.add_row().cells
        _run(cells[0].paragraphs[0], label, bold=True)
        _run(cells[1].paragraphs[0], value, bold=label == "Nivel alcanzado:")
    for row in table.rows:
        row.cells[0].width, row.cells[1].width = Cm(4.6), Cm(12)
    if level.overridden:
        note = document.add_paragraph()
        override = level.override
        _run(note, f"Cifra oficial registrada por {override.author}: «{override.reason}». "
             f"{computed_note(level)}", size=8.5, colour=GREY)


INDENT = Cm(0.7)
# Nivel, Indicador, Meta anual, Actividades, Nivel alcanzado.
SUMMARY_WIDTHS_CM = (3.0, 7.2, 2.1, 2.7, 2.5)


def _indented(document):
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.left_indent = INDENT
    paragraph.paragraph_format.space_after = Pt(2)
    return paragraph


def _fact(document, label: str, text: str) -> None:
    paragraph = _indented(document)
    _run(paragraph, f"{label}: ", bold=True, size=9, colour=GREY)
    _run(paragraph, text)


def _entry(document, number: int, entry: ReportEntry, maps: bool) -> None:
    # Numbers written out: Word's list numbering would run on across the sheets.
    paragraph = _indented(document)
    paragraph.paragraph_format.first_line_indent = -INDENT
    paragraph.paragraph_format.space_before = Pt(8)
    paragraph.paragraph_format.keep_with_next = True
    _run(paragraph, f"{number}.\t")
    _run(paragraph, f"{day_list(entry.dates)}. ", bold=True, colour=GUINDA)
    _run(paragraph, f"{entry.kind_label}: ", italic=True)
    _run(paragraph, "; ".join(entry.titles) + ".")
    if entry.places:
        _fact(document, "Lugar", spanish_list(entry.places))
    if entry.times:
        _fact(document, "Horario", hours(entry.times))
    _fact(document, "Participantes", entry.participants_text or "; ".join(entry.participants)
          or "No se registraron.")
    if entry.participants_text and entry.participants:
        _fact(document, "Instituciones", "; ".join(entry.participants))
    for part in entry.people:
        _fact(document, part.role, part.person.label)
    _fact(document, "Objetivo", entry.purpose or "No se registró.")
    if entry.done:
        _fact(document, "Lo realizado", entry.done)
    if entry.zones:
        _fact(document, "Zonas tratadas", spanish_list(entry.zones))
    if entry.stretches:
        _fact(document, "Tramo del río recorrido",
              "; ".join(stretch_text(s) for s in entry.stretches))
    if entry.is_inspection:
        findings = [f"{n}. {f.category.label}: {f.description}" + (
                        f" (km {written_number(f.river_km, 2)} del {entry.rivers[f.id]})"
                        if f.id in entry.rivers else "")
                    for n, f in enumerate(entry.findings, start=1)]
        _fact(document, "Hallazgos", " ".join(findings) or "No se registraron hallazgos.")
    for number, item in enumerate(entry.agreements, start=1):
        _fact(document, f"Acuerdo {number}", agreement_text(item))
    for evidence in entry.evidence:
        link = f" ({evidence.url})" if evidence.url else ""
        _fact(document, "Evidencia", evidence.label + link)
    if maps and entry.map is not None:
        picture = _indented(document)
        picture.add_run().add_picture(io.BytesIO(entry_map_png(entry.map)), width=Cm(9))
    if entry.photos:
        _photos(document, entry)


def _photos(document, entry: ReportEntry) -> None:
    """The entry's photos, three to a row, each with its caption."""
    table = document.add_table(rows=0, cols=3)
    for start in range(0, len(entry.photos), 3):
        cells = table.add_row().cells
        for cell, photo in zip(cells, entry.photos[start:start + 3], strict=False):
            data = photo_bytes(photo)
            if data is None:
                _run(cell.paragraphs[0], "Foto no disponible en el servidor", italic=True,
                     size=8, colour=GREY)
            else:
                cell.paragraphs[0].add_run().add_picture(io.BytesIO(data), width=Cm(5))
            _run(cell.add_paragraph(), photo.caption, size=7.5, colour=GREY)


def _signature(document, signer: Signer) -> None:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_before = Pt(30)
    _run(paragraph, "Autorizó:", bold=True)
    paragraph.add_run().add_break()
    paragraph.add_run().add_break()
    paragraph.add_run().add_break()
    _run(paragraph, "_" * 40)
    paragraph.add_run().add_break()
    _run(paragraph, signer.name or (signer.MISSING if signer.missing else ""), bold=True)
    paragraph.add_run().add_break()
    _run(paragraph, signer.position)


def report_docx(report: QuarterReport, maps: bool = True) -> bytes:
    """Render ``report`` as a DOCX document with the PDF's structure."""
    document = Document()
    page = document.sections[0]
    page.page_width, page.page_height = Cm(21.59), Cm(27.94)
    page.left_margin = page.right_margin = Cm(2.2)
    style = document.styles["Normal"]
    style.font.name = "Liberation Sans"
    style.font.size = Pt(10)
    _header_and_footer(document, report)
    title = document.add_heading("Informe trimestral de actividades", level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.LEFT
    meta = document.add_paragraph()
    _run(meta, report.settings.unit, bold=True)
    meta.add_run(f"\n{report.settings.municipality} · Gobierno municipal "
                 f"{report.settings.government_period}\nPeriodo que se informa: ")
    _run(meta, f"{report.quarter.ordinal.capitalize()} ({report.quarter.label})", bold=True)
    document.add_heading("Resumen de indicadores", level=1)
    for program in report.programs:
        paragraph = document.add_paragraph()
        _run(paragraph, "Programa presupuestario: ", bold=True)
        paragraph.add_run(program)
    table = document.add_table(rows=1, cols=5)
    table.style = "Light Grid Accent 1"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, label in zip(table.rows[0].cells,
                           ("Nivel", "Indicador", "Meta anual", "Actividades", "Nivel alcanzado"),
                           strict=True):
        cell.text = label
    for section in report.sections:
        level = section.level
        cells = table.add_row().cells
        cells[0].text = level_heading(level.indicator.level, level.indicator.key)
        cells[1].text = level.indicator.name
        _run(cells[1].add_paragraph(), rule_text(level), size=8, colour=GREY)
        cells[2].text = figure(level.annual_goal) if level.annual_goal else "sin meta"
        cells[3].text = str(level.counted)
        cells[4].text = percent(level.official_percent)
        for cell in cells[2:]:
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if not report.sections:
        table.add_row().cells[0].text = (
            f"No hay indicadores registrados para {report.quarter.year}."
        )
    # The indicator's name and rule need the room; the figures are short.
    table.autofit = False
    for column, width in zip(table.columns, SUMMARY_WIDTHS_CM, strict=True):
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, SUMMARY_WIDTHS_CM, strict=True):
            cell.width = Cm(width)
    if report.missing:
        document.add_heading("Información faltante en este informe", level=2)
        for note in report.missing:
            document.add_paragraph(note, style="List Bullet")
    for section in report.sections:
        document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        _mir(document, section)
        heading = document.add_paragraph()
        _run(heading, "Actividades:", bold=True)
        if not section.entries:
            document.add_paragraph(section.empty_text)
        for number, entry in enumerate(section.entries, start=1):
            _entry(document, number, entry, maps)
        _signature(document, section.signer)
    if report.other_activities:
        document.add_section(WD_SECTION.NEW_PAGE)
        document.add_heading("Otras actividades del trimestre (sin indicador asignado)", level=1)
        for number, entry in enumerate(report.other_activities, start=1):
            _entry(document, number, entry, maps)
        _signature(document, report.signer)
    elif not report.sections:
        _signature(document, report.signer)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
