"""Sign-in, sessions and the request guards: login required, same origin, CSRF, roles.

* Every page needs a signed-in, active account except the login page, ``/static``,
  ``/vendor`` and views marked :func:`public` (share links): one ``before_request`` check,
  not a decorator per view.
* The session cookie carries the account's ``session_version``; logout and a password
  change bump it, so every other copy of the cookie stops working.
* Unsafe methods need a same-origin ``Origin`` (or ``Referer``) and a CSRF token
  (Flask-WTF), and an account that may write: a lector's forged POST is a 403.
* After :data:`MAX_FAILURES` failed sign-ins for one account or one address within
  :data:`FAILURE_WINDOW` seconds, sign-in answers 429 until the window passes.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Hashable
from urllib.parse import unquote, urlsplit

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    has_request_context,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from flask_wtf.csrf import CSRFError, CSRFProtect
from sqlalchemy import select
from werkzeug.urls import iri_to_uri

from cases.access import accounts, api_keys, permissions
from cases.errors import UnauthorizedError
from cases.storage.db import unit_of_work
from cases.storage.models import User
from geo_app import read_log
from geo_app.account.forms import ApiTokenForm, LoginForm, PasswordForm
from geo_app.converters import parse_record_id
from geo_app.db import get_session
from geo_app.errors import error_response
from geo_app.forms import first_error

__all__ = [
    "bp",
    "init_app",
    "public",
    "acting_user",
    "local_path",
    "Account",
    "LoginThrottle",
    "MAX_FAILURES",
    "FAILURE_WINDOW",
]

log = logging.getLogger(__name__)

bp = Blueprint("auth", __name__, url_prefix="/cuenta")

MAX_FAILURES = 5
FAILURE_WINDOW = 15 * 60
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Endpoints anyone may reach; blueprints whose every view is public.
PUBLIC_ENDPOINTS = frozenset({"static", "auth.login"})
PUBLIC_BLUEPRINTS = frozenset({"vendor", "share_ogcapi"})  # a share link's OGC API
# Blueprints read by programs (QGIS, GDAL, OWSLib): an anonymous request is a 401, never a
# redirect to the HTML login page, and a personal API key (``Authorization: Bearer``) reads
# them. Nowhere else is a key accepted.
API_BLUEPRINTS = frozenset({"ogcapi"})
# Unsafe requests a lector may make: about their own account only.
SELF_SERVICE = frozenset({"auth.logout", "auth.password", "auth.token_create",
                          "auth.token_revoke", "calendar.create", "calendar.revoke"})

THROTTLED = (
    "Demasiados intentos fallidos de inicio de sesión. Por seguridad, espere 15 minutos "
    "antes de intentarlo de nuevo o pida ayuda a un administrador."
)
CROSS_ORIGIN = (
    "La solicitud llegó desde otro sitio y se rechazó para proteger sus datos. "
    "Vuelva a la página de Límites y repita la acción desde ahí."
)
API_SIGN_IN = (
    "Este servicio requiere una sesión iniciada en Límites o una clave de acceso personal "
    "(encabezado «Authorization: Bearer …»), que se crea en la página «Cuenta»."
)
CSRF_FAILED = (
    "El formulario caducó o no es válido (falta su código de seguridad). "
    "Recargue la página y vuelva a intentarlo."
)


def public(view: Callable) -> Callable:
    """Mark a view as reachable without signing in (share links)."""
    view.is_public = True
    return view


class Account(UserMixin):
    """The signed-in :class:`~cases.storage.models.User` as Flask-Login sees it.

    The id stored in the session is ``"<user id>:<session version>"``: bumping the version
    invalidates every session cookie issued before.
    """

    def __init__(self, user: User) -> None:
        self.user = user

    def get_id(self) -> str:
        """The session's token for this account: id and session version."""
        return f"{self.user.id}:{self.user.session_version}"

    @property
    def is_active(self) -> bool:
        """Disabled accounts cannot sign in."""
        return self.user.active

    @property
    def username(self) -> str:
        """The account's username."""
        return self.user.username

    @property
    def display_name(self) -> str:
        """The name to greet the user with."""
        return self.user.display_name or self.user.username

    @property
    def role(self):
        """The account's role."""
        return self.user.role


def acting_user() -> User | None:
    """The signed-in user record (the actor of audited changes), or ``None``.

    Outside a request (a report rendered by the command line) there is nobody.
    """
    if not has_request_context() or not current_user.is_authenticated:
        return None
    return current_user.user


class LoginThrottle:
    """Failed sign-ins per key (an account or an address) in a sliding window, in memory.

    Thread-safe; a process restart forgets the counts. Keys are dropped once their failures
    age out, so memory stays bounded by the attempts of the last window.
    """

    def __init__(self, limit: int = MAX_FAILURES, window: float = FAILURE_WINDOW,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self._failures: dict[Hashable, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: Hashable, now: float) -> deque[float]:
        times = self._failures.get(key, deque())
        while times and times[0] <= now - self.window:
            times.popleft()
        if not times:
            self._failures.pop(key, None)
        return times

    def blocked(self, *keys: Hashable) -> bool:
        """Whether any of ``keys`` reached the limit within the window."""
        now = self.clock()
        with self._lock:
            return any(len(self._recent(key, now)) >= self.limit for key in keys)

    def failed(self, *keys: Hashable) -> None:
        """Count one failure for each of ``keys``."""
        now = self.clock()
        with self._lock:
            for key in keys:
                times = self._recent(key, now)
                times.append(now)
                self._failures[key] = times

    def clear(self, key: Hashable) -> None:
        """Forget the failures of ``key`` (after a successful sign-in)."""
        with self._lock:
            self._failures.pop(key, None)


def _throttle() -> LoginThrottle:
    return current_app.extensions["limites_login_throttle"]


def _load_account(token: str) -> Account | None:
    text_id, _, text_version = token.partition(":")
    user_id, version = parse_record_id(text_id), parse_record_id(text_version)
    if user_id is None or version is None:
        return None
    user = get_session().scalar(select(User).where(User.id == user_id))
    if user is None or not user.active or user.session_version != version:
        return None
    return Account(user)


def _is_public() -> bool:
    endpoint = request.endpoint
    if endpoint is None:
        return False
    if endpoint in PUBLIC_ENDPOINTS or request.blueprint in PUBLIC_BLUEPRINTS:
        return True
    view = current_app.view_functions.get(endpoint)
    return bool(getattr(view, "is_public", False))


def _same_origin(url: str) -> bool:
    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc}".lower()
    allowed = {request.host_url.rstrip("/").lower()}
    allowed.update(o.rstrip("/").lower() for o in current_app.config["TRUSTED_ORIGINS"])
    return origin in allowed


def _check_origin():
    """Refuse an unsafe request whose Origin (or, lacking it, Referer) is another site."""
    if request.method in SAFE_METHODS:
        return None
    source = request.headers.get("Origin") or request.headers.get("Referer")
    if not source or source == "null" or not _same_origin(source):
        log.warning("refused %s %s from origin %r", request.method, request.path, source)
        return error_response(403, CROSS_ORIGIN)
    return None


def _require_login():
    """Send anonymous visitors to the login page; refuse writes a role does not allow."""
    if _is_public() or request.routing_exception is not None:
        return None  # public, or no such page: a 404 reveals nothing stored
    get_session()  # checks the schema first: an outdated database is a clear 503 page
    if not current_user.is_authenticated:
        if request.blueprint in API_BLUEPRINTS:
            return _api_key_access()
        if request.method in SAFE_METHODS:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        abort(401)
    permissions.require(request.method in SAFE_METHODS or request.endpoint in SELF_SERVICE
                        or permissions.can_edit(current_user.user))
    return None


def _api_key_access():
    """Let a program read the API with a personal key; 401 (JSON for programs) otherwise.

    The key opens reads only and never creates a session: nothing is stored in the cookie.
    """
    if request.method not in SAFE_METHODS:
        abort(401)
    # A read: the key's last use is written later, off the request path.
    user = api_keys.authenticate(get_session(), request.headers.get("Authorization"),
                                 on_use=read_log.writer().touch)
    if user is None:
        raise UnauthorizedError(API_SIGN_IN)
    return None


def _csrf_error(error: CSRFError):
    return error_response(400, CSRF_FAILED)


def local_path(target: object) -> str | None:
    r"""``target`` if it is a path on this site, else ``None``: what sign-in may redirect to.

    A path starts with one ``/`` and has no scheme, host, backslash, whitespace or control
    character, neither as typed nor once percent-decoded, nor once Werkzeug has made the
    ``Location`` header from it (its ``iri_to_uri`` drops tabs and line breaks, which turned
    ``/\t/evil.example`` into the protocol-relative ``//evil.example``).

    Examples
    --------
    >>> local_path("/zonas/3?pagina=2")
    '/zonas/3?pagina=2'
    >>> [local_path(t) for t in ("//evil.example", "/\t/evil.example", "/\\evil.example",
    ...                          "https://evil.example/", "/%2F%2Fevil.example", "/a\r\nb")]
    [None, None, None, None, None, None]
    """
    if not isinstance(target, str) or len(target) > 2000:
        return None
    try:
        forms = (target, unquote(target), iri_to_uri(target))
    except ValueError:
        return None
    for decoded, form in enumerate(forms):
        # A percent-encoded space stays a space of the path; every other blank ends it.
        if (not form.startswith("/") or form.startswith("//") or "\\" in form
                or any(not char.isprintable() or (char.isspace() and decoded != 1)
                       for char in form)):
            return None
        parts = urlsplit(form)
        if parts.scheme or parts.netloc:
            return None
    return target


def _safe_next(target: str | None) -> str:
    """Only a path on this site (:func:`local_path`) is followed after sign-in."""
    return local_path(target) or url_for("dashboard.index")


@bp.route("/entrar", methods=["GET", "POST"])
def login():
    """Inicio de sesión."""
    if current_user.is_authenticated and request.method == "GET":
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    if not form.is_submitted():
        return render_template("auth/login.html", title="Iniciar sesión", form=form)
    username = (form.usuario.data or "").strip().lower()
    keys = (("cuenta", username), ("dirección", request.remote_addr))
    if _throttle().blocked(*keys):
        return error_response(429, THROTTLED)
    if not form.validate():
        return render_template("auth/login.html", title="Iniciar sesión", form=form,
                               error=first_error(form)), 400
    db = get_session()
    with unit_of_work(db):
        user = accounts.authenticate(db, username, form.contrasena.data)
    if user is None:
        _throttle().failed(*keys)
        log.warning("failed sign-in for %r from %s", username[:40], request.remote_addr)
        return render_template("auth/login.html", title="Iniciar sesión", form=form,
                               error="Usuario o contraseña incorrectos."), 401
    _throttle().clear(keys[0])
    session.clear()
    login_user(Account(user))
    session.permanent = True
    return redirect(_safe_next(request.args.get("next")))


@bp.post("/salir")
def logout():
    """Cierra la sesión en todos los dispositivos del usuario."""
    db = get_session()
    with unit_of_work(db):
        accounts.end_sessions(current_user.user)
    logout_user()
    session.clear()
    flash("Sesión cerrada.", "success")
    return redirect(url_for("auth.login"))


@bp.route("/contrasena", methods=["GET", "POST"])
def password():
    """Cambio de la propia contraseña; cierra las demás sesiones."""
    form = PasswordForm()
    error = None
    if form.validate_on_submit():
        user = current_user.user
        db = get_session()
        if not accounts.check_password(user, form.actual.data):
            error = "La contraseña actual no es correcta."
        else:
            with unit_of_work(db):
                accounts.set_password(db, user, form.nueva.data, actor=user)
            login_user(Account(user))
            flash("Contraseña cambiada. Las demás sesiones se cerraron.", "success")
            return redirect(url_for("dashboard.index"))
    elif form.is_submitted():
        error = first_error(form)
    return render_template("auth/password.html", title="Cambiar contraseña", form=form,
                           error=error, breadcrumbs=[]), (400 if error else 200)


def _account_page(new_token: str | None = None, token_form: ApiTokenForm | None = None,
                  error: str | None = None, status: int = 200):
    user = current_user.user
    return render_template(
        "auth/account.html", title="Cuenta", breadcrumbs=[], form=PasswordForm(),
        token_form=token_form or ApiTokenForm(), new_token=new_token, token_error=error,
        keys=api_keys.list_tokens(get_session(), user),
        api_url=url_for("ogcapi.landing", _external=True),
    ), status


@bp.get("/")
def account():
    """Cuenta: contraseña y claves de acceso para QGIS."""
    return _account_page()


@bp.post("/claves")
def token_create():
    """Crea una clave de acceso personal y la muestra una sola vez."""
    form = ApiTokenForm()
    if not form.validate():
        return _account_page(token_form=form, error=first_error(form), status=400)
    db = get_session()
    with unit_of_work(db):
        new = api_keys.create_token(db, acting_user(), acting_user(), form.nombre.data)
    # Rendered, never flashed: the token must not travel in the session cookie.
    return _account_page(new_token=new.token, token_form=ApiTokenForm(formdata=None))


@bp.post("/claves/<int:token_id>/revocar")
def token_revoke(token_id: int):
    """Revoca una clave de acceso (la propia; un administrador, la de cualquiera)."""
    db = get_session()
    with unit_of_work(db):
        key = api_keys.revoke_token(db, acting_user(), token_id)
    flash(f"La clave «{key.name}» quedó revocada: ya no abre la API.", "success")
    if request.form.get("volver") == "usuarios":
        return redirect(url_for("admin.users"))
    return redirect(url_for("auth.account"))


def init_app(app: Flask) -> None:
    """Bind Flask-Login, the request guards, CSRFProtect and the login blueprint."""
    app.extensions["limites_login_throttle"] = LoginThrottle()
    manager = LoginManager()
    manager.user_loader(_load_account)
    manager.session_protection = None  # the session version does this, across addresses
    manager.init_app(app)
    # Order matters: origin first, then sign-in and role, then the CSRF token.
    app.before_request(_check_origin)
    app.before_request(_require_login)
    CSRFProtect(app)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_blueprint(bp)

    @app.context_processor
    def _permissions() -> dict:
        user = acting_user()
        return {
            "puede_editar": permissions.can_edit(user),
            "puede_administrar": permissions.can_manage_users(user),
        }
