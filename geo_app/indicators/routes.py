"""Indicadores: each MIR indicator's level per quarter, computed from the activities."""

import datetime as dt

from flask import Blueprint, flash, redirect, render_template, request, url_for
from wtforms.fields.choices import SelectChoice

from cases.access import permissions
from cases.errors import InvalidInputError, LimitesError
from cases.records.agreements import local_today, tally
from cases.reporting.indicators import (
    MIR_LEVELS,
    configure_indicator,
    create_indicator,
    indicator_by_id,
    indicator_years,
    override_level,
    year_progress,
)
from cases.reporting.signers import (
    add_signer,
    remove_signer,
    signer_candidates,
    signer_of,
    unit_signers,
)
from cases.storage.db import unit_of_work
from cases.storage.statuses import IndicatorRule, IndicatorSource, MeetingKind
from geo_app.account.auth import acting_user
from geo_app.db import get_session
from geo_app.figures.report import indicator_chart_svg
from geo_app.indicators.forms import IndicatorForm, NewIndicatorForm, OverrideForm, SignerForm
from geo_app.reports.render import Formatter

bp = Blueprint("indicators", __name__, url_prefix="/indicadores")


def _year(years: list[int]) -> int:
    text = request.args.get("anio")
    if text is None:
        today = dt.date.today().year
        return today if today in years or not years else years[-1]
    if not text.isdigit() or len(text) != 4:
        raise InvalidInputError(f"Año inválido «{text}»: escríbalo con cuatro cifras, p. ej. 2025.")
    return int(text)


@bp.get("/")
def index():
    """Nivel alcanzado por trimestre de cada indicador, con su gráfica y sus actividades."""
    session = get_session()
    years = indicator_years(session)
    year = _year(years)
    progress = year_progress(session, year)
    today = local_today()
    last_day = min(dt.date(year, 12, 31), max(today, dt.date(year, 1, 1)))
    # Each quarter's agreements as they stood at its end (today, for the quarter under way).
    agreements = {
        (level.indicator.id, level.quarter.number): tally(
            session, min(level.quarter.last_day, today), level.agreements)
        for item in progress for level in item.quarters if level.agreements
    }
    return render_template(
        "indicators/index.html", title="Indicadores", breadcrumbs=[], year=year, years=years,
        progress=progress, fmt=Formatter,
        signers={item.indicator.id: signer_of(session, item.indicator, last_day)
                 for item in progress},
        agreements=agreements,
        chart=indicator_chart_svg(progress, f"Nivel alcanzado por trimestre, {year}")
        if progress else None,
    )


def _indicator_form(indicator) -> IndicatorForm:
    # What a post leaves out keeps its stored value (the rule and what it counts).
    form = IndicatorForm(data={
        "regla": (indicator.rule or IndicatorRule.QUARTER_OF_YEAR).value,
        "origen": (indicator.source or IndicatorSource.OWN).value,
    })
    form.tipos_reunion.choices = [SelectChoice(k.value, k.label) for k in MeetingKind]
    if request.method == "GET":
        goals = {g.quarter: g.goal for g in indicator.goals}
        form.meta_anual.data = indicator.annual_goal
        for quarter in (1, 2, 3, 4):
            getattr(form, f"meta_t{quarter}").data = goals.get(quarter)
        form.regla.data = (indicator.rule or IndicatorRule.QUARTER_OF_YEAR).value
        form.origen.data = (indicator.source or IndicatorSource.OWN).value
        form.formula.data = indicator.formula
        form.unidad.data = indicator.unit
        form.tipos_reunion.data = list(indicator.meeting_kinds or [])
        form.cuenta_recorridos.data = indicator.counts_inspections
        form.solo_vinculaciones.data = indicator.linkages_only
        form.agrupa_recorridos.data = indicator.group_inspections
    return form


@bp.route("/nuevo", methods=["GET", "POST"])
def new():
    """Un indicador nuevo (administradores): programa, nivel, clave, nombre y año."""
    user = acting_user()
    permissions.require(permissions.can_manage_users(user))
    session = get_session()
    form = NewIndicatorForm()
    form.nivel.choices = [SelectChoice(level, level) for level in MIR_LEVELS]
    if request.method == "GET":
        form.anio.data = dt.date.today().year
        form.unidad.data = "actividades"
        form.nivel.data = "Actividad"
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate():
            try:
                with unit_of_work(session):
                    indicator = create_indicator(
                        session, program=form.programa.data, level=form.nivel.data,
                        key=form.clave.data, name=form.nombre.data, year=form.anio.data,
                        unit=form.unidad.data,
                        actor=user,
                    )
                    target = url_for("indicators.edit", indicator_id=indicator.id)
            except LimitesError as error:
                if error.status_code >= 500:
                    raise
                form.form_errors.append(error.message)
            else:
                flash(f"Se creó el indicador {indicator.key}: registre ahora sus metas, su "
                      "regla de cálculo y quién lo autoriza.", "success")
                return redirect(target)
    return render_template(
        "indicators/new.html", title="Nuevo indicador", form=form,
        breadcrumbs=[("Indicadores", url_for("indicators.index"))],
    ), status


@bp.route("/<int:indicator_id>/editar", methods=["GET", "POST"])
def edit(indicator_id: int):
    """Metas, fórmula, unidad y regla de conteo de un indicador (administradores)."""
    permissions.require(permissions.can_manage_users(acting_user()))
    session = get_session()
    indicator = indicator_by_id(session, indicator_id)
    form, override = _indicator_form(indicator), OverrideForm()
    status = 200
    if request.method == "POST" and form.validate():
        try:
            with unit_of_work(session):
                configure_indicator(
                    session, indicator,
                    annual_goal=form.meta_anual.data,
                    quarterly_goals={
                        q: getattr(form, f"meta_t{q}").data for q in (1, 2, 3, 4)
                        if getattr(form, f"meta_t{q}").data is not None
                    },
                    formula=form.formula.data or "", unit=form.unidad.data,
                    meeting_kinds=[MeetingKind(k) for k in form.tipos_reunion.data],
                    counts_inspections=form.cuenta_recorridos.data,
                    linkages_only=form.solo_vinculaciones.data,
                    group_inspections=form.agrupa_recorridos.data,
                    rule=IndicatorRule(form.regla.data),
                    source=IndicatorSource(form.origen.data),
                    actor=acting_user(),
                )
        except LimitesError as error:
            flash(error.message, "danger")
        else:
            flash(f"Se guardó el indicador {indicator.key}.", "success")
            return redirect(url_for("indicators.index", anio=indicator.year))
    elif request.method == "POST":
        status = 422
    return _edit_page(indicator, form, override, _signer_form(session)), status


def _signer_form(session) -> SignerForm:
    form = SignerForm()
    form.persona.choices = [SelectChoice("", "(elija)")] + [
        SelectChoice(str(p.id), p.label) for p in signer_candidates(session)
    ]
    return form


def _edit_page(indicator, form, override, signer):
    return render_template(
        "indicators/edit.html", title=f"Editar indicador {indicator.key}", indicator=indicator,
        form=form, override=override, signer=signer,
        breadcrumbs=[("Indicadores", url_for("indicators.index"))],
    )


def _save_signer(indicator):
    """Name a signer of ``indicator`` (``None``: the unit's) from a date on."""
    user = acting_user()
    permissions.require(permissions.can_manage_users(user))
    session = get_session()
    form = _signer_form(session)
    back = (url_for("indicators.edit", indicator_id=indicator.id) if indicator is not None
            else url_for("indicators.signers"))
    if not form.validate():
        for errors in form.errors.values():
            for message in errors:
                flash(message[:1].upper() + message[1:] + ".", "danger")
        return redirect(back)
    try:
        with unit_of_work(session):
            entry = add_signer(session, int(form.persona.data), form.desde.data, indicator,
                               actor=user)
            name = entry.person.label
    except LimitesError as error:
        flash(error.message, "danger")
        return redirect(back)
    flash(f"Desde el {form.desde.data:%d/%m/%Y} autoriza {name}.", "success")
    return redirect(back)


@bp.post("/<int:indicator_id>/firmantes")
def indicator_signer(indicator_id: int):
    """Registra quién autoriza la hoja de un indicador desde una fecha (administradores)."""
    return _save_signer(indicator_by_id(get_session(), indicator_id))


@bp.route("/firmantes", methods=["GET", "POST"])
def signers():
    """Quién autoriza el informe por omisión, desde qué fecha (administradores)."""
    if request.method == "POST":
        return _save_signer(None)
    permissions.require(permissions.can_manage_users(acting_user()))
    session = get_session()
    return render_template(
        "indicators/signers.html", title="Quién autoriza el informe",
        entries=unit_signers(session), signer=_signer_form(session),
        breadcrumbs=[("Indicadores", url_for("indicators.index"))],
    )


@bp.post("/firmantes/<int:signer_id>/quitar")
def remove(signer_id: int):
    """Quita un firmante registrado por error (administradores)."""
    user = acting_user()
    permissions.require(permissions.can_manage_users(user))
    session = get_session()
    back = request.form.get("volver", type=int)
    with unit_of_work(session):
        remove_signer(session, signer_id, actor=user)
    flash("Se quitó el firmante.", "success")
    if back:
        return redirect(url_for("indicators.edit", indicator_id=back))
    return redirect(url_for("indicators.signers"))


@bp.post("/<int:indicator_id>/nivel-oficial")
def official_level(indicator_id: int):
    """Registra (o retira) la cifra oficial de un trimestre, con su motivo (auditado)."""
    user = acting_user()
    permissions.require(permissions.can_manage_users(user))
    session = get_session()
    indicator = indicator_by_id(session, indicator_id)
    override = OverrideForm()
    if not override.validate():
        form = _indicator_form(indicator)
        return _edit_page(indicator, form, override, _signer_form(session)), 422
    try:
        with unit_of_work(session):
            override_level(
                session, indicator, int(override.trimestre.data), override.nivel.data,
                override.motivo.data, user.display_name or user.username, actor=user,
            )
    except LimitesError as error:
        flash(error.message, "danger")
        return redirect(url_for("indicators.edit", indicator_id=indicator_id))
    flash(f"Se registró la cifra oficial del T{override.trimestre.data}.", "success")
    return redirect(url_for("indicators.index", anio=indicator.year))
