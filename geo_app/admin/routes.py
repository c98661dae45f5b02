"""Administration: accounts, audit log, Papelera, the frame in force and the rivers."""

import tempfile
from pathlib import Path

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for

from cases.access import accounts, api_keys, permissions
from cases.errors import InvalidInputError, LimitesError
from cases.frames import in_force, rivers
from cases.frames.index import RIVER_REACH_M
from cases.records import audit, lifecycle
from cases.records.queries import paginate_list
from cases.records.record_types import RECORD_TYPES, record_label
from cases.storage.db import unit_of_work
from cases.storage.models import AuditAction, Role
from geo_app.account.auth import acting_user
from geo_app.admin.forms import AuditFilterForm, NewUserForm, RiverImportForm
from geo_app.db import get_session
from geo_app.formatting import history_value, readable_history
from geo_app.forms import first_error

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _crumbs() -> list[tuple[str, str]]:
    """Breadcrumbs of a page under Administración."""
    return [("Administración", url_for("admin.index"))]


# The administration pages, as the Administración page lists them.
SECTIONS = (
    ("admin.users", "Usuarios", "Cuentas, roles (lector, editor, administrador), contraseñas y "
     "cuentas desactivadas."),
    ("admin.audit_log", "Registro de cambios", "Quién cambió qué y cuándo, con los valores de "
     "antes y después; se filtra y se descarga en CSV."),
    ("admin.trash", "Papelera", "Registros enviados a la papelera: se restauran desde aquí."),
    ("admin.frames_index", "Marco en vigor", "Qué conjunto de límites oficiales rige los "
     "análisis y los mapas."),
    ("admin.rivers", "Ríos y líneas de referencia", "Los ríos a lo largo de los cuales se mide "
     "el km de cada hallazgo: se importan desde un archivo."),
    ("field.base_map_admin", "Mapa base sin conexión", "Un archivo MBTiles o PMTiles del área "
     "de trabajo que la app sirve y el teléfono guarda para trabajar sin red."),
)


@bp.get("/")
def index():
    """Administración: las páginas que solo ve un administrador."""
    permissions.require(permissions.can_manage_users(acting_user()))
    return render_template("admin/index.html", title="Administración", sections=SECTIONS,
                           breadcrumbs=[])


@bp.route("/usuarios", methods=["GET", "POST"])
def users():
    """Cuentas de usuario: alta, roles y estado."""
    permissions.require(permissions.can_manage_users(acting_user()))
    form = NewUserForm()
    if form.validate_on_submit():
        session = get_session()
        try:
            with unit_of_work(session):
                user = accounts.create_user(
                    session, form.usuario.data, form.nueva.data, Role(form.rol.data),
                    display_name=form.nombre.data or "", actor=acting_user(),
                )
        except LimitesError as error:
            flash(error.message, "danger")
        else:
            flash(f"Se creó la cuenta «{user.username}».", "success")
            return redirect(url_for("admin.users"))
    elif form.is_submitted():
        flash(first_error(form), "danger")
    return render_template(
        "admin/users.html", title="Usuarios", breadcrumbs=_crumbs(), form=form,
        users=accounts.list_users(get_session()),
        keys=api_keys.list_tokens(get_session(), include_revoked=False),
    )


@bp.post("/usuarios/<int:user_id>/estado")
def user_status(user_id: int):
    """Activa o desactiva una cuenta (y cierra sus sesiones)."""
    permissions.require(permissions.can_manage_users(acting_user()))
    session = get_session()
    with unit_of_work(session):
        user = accounts.user_by_id(session, user_id)
        if request.form.get("activa") == "1":
            accounts.enable_user(session, user, actor=acting_user())
        else:
            accounts.disable_user(session, user, actor=acting_user())
    flash(f"La cuenta «{user.username}» quedó {'activa' if user.active else 'desactivada'}.",
          "success")
    return redirect(url_for("admin.users"))


def _audit_filter(form: AuditFilterForm) -> audit.AuditFilter:
    return audit.AuditFilter(
        username=(form.usuario.data or "").strip() or None,
        action=AuditAction(form.accion.data) if form.accion.data else None,
        record_type=form.tipo.data or None,
        since=form.desde.data,
        until=form.hasta.data,
    )


def _entries(entries: list) -> dict:
    page = paginate_list(entries, request.args.get("pagina", type=int))
    refs = audit.references(get_session(), page.items)
    return {"entries": readable_history(page.items, refs, seconds=True), "page": page}


@bp.get("/registro")
def audit_log():
    """Registro de cambios: quién cambió qué y cuándo, con filtros."""
    permissions.require(permissions.can_view_audit(acting_user()))
    form = AuditFilterForm(request.args)
    form.validate()
    return render_template(
        "admin/audit.html", title="Registro de cambios", breadcrumbs=_crumbs(), form=form,
        **_entries(audit.entries(get_session(), _audit_filter(form))), types=RECORD_TYPES,
    )


@bp.get("/registro.csv")
def audit_csv():
    """El registro de cambios filtrado, como CSV (UTF-8 con BOM, para Excel)."""
    permissions.require(permissions.can_view_audit(acting_user()))
    form = AuditFilterForm(request.args)
    form.validate()
    rows = audit.entries(get_session(), _audit_filter(form), limit=None)
    refs = audit.references(get_session(), rows)
    text = audit.to_csv(rows, lambda kind, field, value: history_value(kind, field, value, refs))
    return Response(
        text.encode("utf-8"), mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="registro_de_cambios.csv"'},
    )


def _listed(items: list) -> dict:
    page = paginate_list(items, request.args.get("pagina", type=int))
    return {"items": page.items, "page": page}


@bp.get("/papelera")
def trash():
    """Papelera: registros eliminados, que un administrador puede restaurar."""
    permissions.require(permissions.can_restore(acting_user()))
    return render_template(
        "admin/trash.html", title="Papelera", breadcrumbs=_crumbs(),
        **_listed(lifecycle.deleted_records(get_session())),
    )


@bp.post("/papelera/<kind>/<int:record_id>/restaurar")
def restore(kind: str, record_id: int):
    """Restaura un registro de la papelera."""
    permissions.require(permissions.can_restore(acting_user()))
    session = get_session()
    with unit_of_work(session):
        record = lifecycle.restore(session, acting_user(), kind, record_id)
    flash(f"Se restauró «{record_label(record)}».", "success")
    return redirect(url_for("admin.trash"))


@bp.get("/marcos")
def frames_index():
    """Marcos de límites guardados, cuál está en vigor y las últimas importaciones."""
    permissions.require(permissions.can_manage_users(acting_user()))
    session = get_session()
    return render_template(
        "admin/frames.html", title="Marco en vigor", breadcrumbs=_crumbs(),
        frames=in_force.list_frames(session),
        imports=audit.entries(session, audit.AuditFilter(record_type="boundary_import"), 20),
    )


@bp.post("/marcos/<int:frame_id>/vigor")
def activate_frame(frame_id: int):
    """Pone un marco en vigor y recalcula todas las cifras derivadas en una transacción."""
    permissions.require(permissions.can_manage_users(acting_user()))
    session = get_session()
    chosen = next((f for f in in_force.list_frames(session) if f.id == frame_id), None)
    if chosen is None:
        flash("Ese marco no existe.", "danger")
        return redirect(url_for("admin.frames_index"))
    try:
        with unit_of_work(session):
            counts = in_force.activate_frame(session, chosen.name, actor=acting_user())
    except LimitesError as error:
        flash(error.message, "danger")
        return redirect(url_for("admin.frames_index"))
    flash(
        f"«{chosen.name}» está en vigor; se recalcularon {counts['hallazgos']} hallazgos y "
        f"{counts['recorridos']} recorridos.",
        "success",
    )
    return redirect(url_for("admin.frames_index"))


@bp.route("/rios", methods=["GET", "POST"], endpoint="rivers")
def rivers_page():
    """Ríos y líneas de referencia: los guardados y la importación desde un archivo."""
    permissions.require(permissions.can_manage_users(acting_user()))
    session = get_session()
    form = RiverImportForm()
    if form.validate_on_submit():
        upload = form.archivo.data
        name = Path(upload.filename or "").name
        suffix = Path(name).suffix.lower()
        try:
            if suffix not in rivers.LINE_FILES:
                raise InvalidInputError(
                    f"«{name}»: suba un GeoJSON, GeoPackage, Shapefile en .zip o KML/KMZ.")
            with tempfile.TemporaryDirectory() as folder:
                path = Path(folder) / f"rio{suffix}"
                upload.save(path)
                line = rivers.read_line(path)
            with unit_of_work(session):
                done = rivers.import_line(session, line, form.nombre.data, kind=form.tipo.data,
                                          actor=acting_user())
        except LimitesError as error:
            if error.status_code >= 500:
                raise
            flash(f"No se importó el río: {error.message}", "danger")
        else:
            verb = "Se reemplazó" if done.replaced else "Se agregó"
            flash(f"{verb} «{done.name}»; se recalcularon los km de los hallazgos.", "success")
            return redirect(url_for("admin.rivers"))
    elif form.errors:
        flash(f"No se importó el río: {first_error(form)}", "danger")
    return render_template(
        "admin/rivers.html", title="Ríos y líneas de referencia", breadcrumbs=_crumbs(),
        form=form, rivers=rivers.list_rivers(session), alcance_m=RIVER_REACH_M,
    )
