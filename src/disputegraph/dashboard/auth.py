"""Login, sessions, per-user roles and auditing for the dashboard.

:func:`install_auth` guards a Dash app built by
:func:`~disputegraph.dashboard.app.create_app`:

- a Flask ``before_request`` hook on the Dash server answers nothing without
  a session — no page, no layout (``/_dash-layout``), no dependency map, no
  callback (``/_dash-update-component``), no component bundle, no asset —
  except ``/login`` (a self-contained page: inline style, no scripts),
  ``/logout`` and the ingest API (``/api/ingest/…``, its own bearer tokens:
  :mod:`disputegraph.dashboard.ingest_api`); page requests are redirected
  to the login page, Dash's own requests get ``401`` JSON;
- accounts come from a :class:`~disputegraph.users.UserStore` (scrypt hashes,
  lockout after repeated failures); the role is re-read from it on every
  request, so a removed user or a changed role applies at once;
- sessions are Flask's signed cookies with ``HttpOnly``, ``SameSite=Lax`` and
  ``Secure`` when ``DISPUTEGRAPH_COOKIE_SECURE`` is set (behind TLS), ending
  ``DISPUTEGRAPH_SESSION_HOURS`` after the login however active they were;
  pages are sent with ``X-Frame-Options: DENY`` (no framing), ``nosniff`` and
  a same-origin referrer policy; the signing key is ``DISPUTEGRAPH_SECRET_KEY``
  and there is no default: without it :func:`install_auth` raises
  :class:`~disputegraph.exceptions.ConfigError` (the CLI's exit 2);
- the login form carries a per-session CSRF token, and a login rotates the
  session;
- every login (success and failure) and logout goes to the
  :class:`~disputegraph.audit.AuditLog`;
- one address is throttled after :data:`ADDRESS_FAILURES` failed logins
  within the lockout window, whatever names it tries;
- admins manage accounts at ``/admin/users`` (list, add, remove, role,
  password; audited; nobody can remove or demote themself).

Demo mode (``demo=True``) has no login: it is only for synthetic data on a
loopback address, and every page says so in a banner.

:class:`RoleAwareServices` is the service layer with the viewer wired in: the
role of the logged-in user decides the masking of every service call (a
caller cannot ask for more), and searches, views of a person or cluster and
exports are audited there, once, next to the masking.
"""

from __future__ import annotations

import html
import secrets
import threading
import time
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any
from urllib.parse import quote, urlsplit

import dash
import flask

from disputegraph.audit import AuditLog
from disputegraph.config import Settings
from disputegraph.dashboard.admin import install_admin
from disputegraph.dashboard.app import create_app
from disputegraph.dashboard.context import EXTENSION
from disputegraph.dashboard.ingest_api import API_PREFIX, install_ingest_api
from disputegraph.dashboard.session import G_KEY, Viewer, csrf_token, current_viewer, no_store
from disputegraph.dashboard.store_guard import install_store_guard, store_reachable
from disputegraph.exceptions import AuthError, ConfigError, StoreError
from disputegraph.i18n import bilingual, t
from disputegraph.store.protocol import GraphStore
from disputegraph.users import UserStore
from disputegraph.views.services import Role, Services
from disputegraph.views.state import ViewState

__all__ = [
    "ADDRESS_FAILURES",
    "DEMO_BANNER",
    "OPEN_PATHS",
    "RoleAwareServices",
    "create_secure_app",
    "install_auth",
    "require_secret_key",
]

#: the only paths answered without a session
OPEN_PATHS = frozenset({"/login", "/logout"})
DEMO_BANNER = bilingual("auth.demo_banner")
_LOOPBACK = frozenset({"127.0.0.1", "::1", None})


class RoleAwareServices(Services):
    """:class:`~disputegraph.views.services.Services` whose role is the viewer's.

    Inside a request with a viewer, every masking decision uses the viewer's
    role, whatever role a caller passes; outside one (tests, the CLI, the
    briefing pack) the ``role`` argument or ``default_role`` applies as before.
    Searches, views of an entity (``view_person`` for a party) or a cluster,
    and exports (:meth:`audit`) are written to the audit log.
    """

    def __init__(
        self,
        settings: Settings,
        store: GraphStore,
        *,
        audit: AuditLog | None = None,
        default_role: Role = "analyst",
        **kwargs: Any,
    ) -> None:
        self._fallback_role: Role = default_role
        self.audit_log = audit
        super().__init__(settings, store, default_role=default_role, **kwargs)

    @property
    def default_role(self) -> Role:
        viewer = current_viewer()
        return viewer.role if viewer is not None else self._fallback_role

    @default_role.setter
    def default_role(self, role: Role) -> None:
        self._fallback_role = role

    def _role(self, requested: Role | None) -> Role:
        viewer = current_viewer()
        if viewer is not None:
            return viewer.role
        return requested or self._fallback_role

    def audit(self, action: str, *, result_size: int | None = None, **params: Any) -> None:
        """Record ``action`` for the current viewer (nothing without a log)."""
        if self.audit_log is None:
            return
        viewer = current_viewer()
        user = viewer.name if viewer is not None else "system"
        self.audit_log.record(user, action, result_size=result_size, **params)

    def analysis(self, state: ViewState) -> Any:
        """As the base class, but a missing result is not kept: when the store was
        unreachable the next call tries again instead of showing "no analysis"."""
        found = super().analysis(state)
        if found is None:
            with self._analyses.lock:
                self._analyses.pop((state.as_of, state.window), None)
            if not store_reachable(self):  # "no analysis" would be the wrong message
                raise StoreError("the store cannot be reached")
        return found

    # -- the role-taking service calls ------------------------------------
    def search(
        self, text: str, state: ViewState, role: Role | None = None, limit: int = 20
    ) -> list[dict[str, Any]]:
        rows = super().search(text, state, self._role(role), limit)
        if (text or "").strip():
            self.audit("search", text=text.strip()[:200], result_size=len(rows))
        return rows

    def entity(
        self, entity_id: str, state: ViewState, role: Role | None = None
    ) -> dict[str, Any] | None:
        found = super().entity(entity_id, state, self._role(role))
        if found is not None:
            action = "view_person" if found.get("kind") == "Party" else "view_entity"
            self.audit(action, entity_id=entity_id, kind=found.get("kind"))
        return found

    def ego_network(
        self, entity_id: str, expanded: Sequence[str], state: ViewState, role: Role | None = None
    ) -> dict[str, Any]:
        return super().ego_network(entity_id, expanded, state, self._role(role))

    def trace(
        self, entity_id: str, state: ViewState, role: Role | None = None, hops: int = 2
    ) -> list[dict[str, Any]] | None:
        return super().trace(entity_id, state, self._role(role), hops)

    def overview(self, state: ViewState, role: Role | None = None) -> dict[str, Any]:
        return super().overview(state, self._role(role))

    def alert_rows(self, state: ViewState, role: Role | None = None) -> list[dict[str, Any]]:
        return super().alert_rows(state, self._role(role))

    def cluster_view(
        self, state: ViewState, role: Role | None = None, *, whole: bool = False
    ) -> dict[str, Any] | None:
        view = super().cluster_view(state, self._role(role), whole=whole)
        if view is not None and view.get("found"):
            self.audit("view_cluster", cluster_id=view.get("id"), result_size=view.get("people"))
        return view


# ---------------------------------------------------------------------------
# the login page

_PAGE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>登录 · Login — disputegraph</title>
<style>
body{{font-family:"Noto Sans CJK SC","Noto Sans",sans-serif;background:#f3f4f6;margin:0}}
main{{max-width:360px;margin:12vh auto;background:#fff;padding:28px 32px;border-radius:8px;
box-shadow:0 1px 4px rgba(0,0,0,.15)}}
h1{{font-size:20px;margin:0 0 18px}}label{{display:block;margin:12px 0 4px;font-size:14px}}
input[type=text],input[type=password]{{width:100%;box-sizing:border-box;padding:8px;
border:1px solid #cbd5e1;border-radius:4px;font-size:15px}}
button{{margin-top:18px;width:100%;padding:9px;background:#1d4ed8;color:#fff;border:0;
border-radius:4px;font-size:15px;cursor:pointer}}
.error{{color:#b91c1c;font-size:14px;margin-top:12px}}.note{{color:#475569;font-size:13px}}
</style></head>
<body><main>
<h1>矛盾纠纷关系图谱 · disputegraph</h1>
<form method="post" action="/login" autocomplete="off">
<input type="hidden" name="csrf" value="{csrf}">
<input type="hidden" name="next" value="{next}">
<label for="username">用户名 · User name</label>
<input type="text" id="username" name="username" value="{username}" required autofocus>
<label for="password">密码 · Password</label>
<input type="password" id="password" name="password" required>
<button type="submit" id="login-submit">登录 · Log in</button>
</form>
{message}
</main></body></html>
"""


def _safe_next(target: str | None) -> str:
    """A same-site path to go to after login (never another host)."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    if "\\" in target or parts.path in OPEN_PATHS:
        return "/"
    return target


def _login_page(csrf: str, nxt: str, username: str = "", message: str = "") -> str:
    note = f'<p class="error" id="login-error">{html.escape(message)}</p>' if message else ""
    return _PAGE.format(
        csrf=html.escape(csrf),
        next=html.escape(nxt),
        username=html.escape(username),
        message=note,
    )


# ---------------------------------------------------------------------------
# installing it


#: failed logins from one address (any names) within the lockout window before
#: that address must wait: slows down guessing one password across many names
ADDRESS_FAILURES = 20


class _Throttle:
    """Failures per key within a window (in memory, per server process)."""

    def __init__(self, limit: int, window: timedelta) -> None:
        self.limit = limit
        self.window = window.total_seconds()
        self.failures: dict[str, list[float]] = {}
        self.lock = threading.Lock()

    def _recent(self, key: str, now: float) -> list[float]:
        return [t for t in self.failures.get(key, []) if now - t < self.window]

    def allow(self, key: str) -> bool:
        with self.lock:
            return len(self._recent(key, time.monotonic())) < self.limit

    def fail(self, key: str) -> None:
        now = time.monotonic()
        with self.lock:
            self.failures[key] = [*self._recent(key, now), now][-self.limit :]
            if len(self.failures) > 10_000:
                self.failures.pop(next(iter(self.failures)))


def require_secret_key(settings: Settings) -> str:
    """The session-signing key, or :class:`ConfigError` (there is no default)."""
    secret = settings.secret_key.get_secret_value() if settings.secret_key else ""
    if len(secret) < 16:
        raise ConfigError(
            "no session secret: set DISPUTEGRAPH_SECRET_KEY to a long random value "
            "(at least 16 characters) to serve with logins, or use --demo on 127.0.0.1"
        )
    return secret


def install_auth(
    app: dash.Dash,
    settings: Settings,
    *,
    users: UserStore | None = None,
    audit: AuditLog | None = None,
    demo: bool = False,
    demo_role: Role = "analyst",
) -> None:
    """Guard ``app``: login required (or demo mode), roles per user, auditing.

    Raises :class:`ConfigError` outside demo mode when no secret key is set.
    """
    server: flask.Flask = app.server
    if demo:
        _install_demo(app, demo_role)
        return
    secret = require_secret_key(settings)
    users = users or UserStore(settings.users_path)
    lifetime = timedelta(hours=settings.session_hours)
    server.secret_key = secret
    server.config.update(
        SESSION_COOKIE_NAME="disputegraph_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.cookie_secure,
        PERMANENT_SESSION_LIFETIME=lifetime,
    )

    @server.after_request
    def _headers(response: flask.Response) -> flask.Response:
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    def record(user: str, action: str, **params: Any) -> None:
        if audit is not None:
            audit.record(user, action, **params)

    _install_guard(server, users, lifetime)
    _install_login(server, users, record)
    install_admin(server, users, record)
    _decorate_index(app, demo=False)


def _install_guard(server: flask.Flask, users: UserStore, lifetime: timedelta) -> None:
    """Nothing is answered without a live session of an existing account: pages
    redirect to the login page, Dash's requests get 401 JSON."""

    @server.before_request
    def _guard() -> Any:
        path = flask.request.path
        name = flask.session.get("user")
        if isinstance(name, str):
            user = users.get(name)
            since = time.time() - float(flask.session.get("at", 0))
            if (
                user is not None
                and user.epoch == flask.session.get("epoch", 0)
                and since < lifetime.total_seconds()
            ):
                flask.g.setdefault(G_KEY, Viewer(user.name, user.role, agency=user.agency))
            else:  # removed, password changed, or logged in too long ago: log in again
                flask.session.clear()
        if path in OPEN_PATHS or current_viewer() is not None or path.startswith(API_PREFIX):
            return None  # the ingest API checks its own bearer tokens
        if path.startswith("/_dash-") or flask.request.method != "GET":
            return no_store(
                flask.make_response(
                    flask.jsonify({"error": "login required", "login": "/login"}), 401
                )
            )
        target = flask.request.full_path.rstrip("?")
        return flask.redirect(f"/login?next={flask.request.script_root}{_quote(target)}", 302)


def _install_login(server: flask.Flask, users: UserStore, record: Callable[..., None]) -> None:
    """``/login`` (CSRF-checked, throttled per address, audited, a fresh session)
    and ``/logout``."""
    per_address = _Throttle(ADDRESS_FAILURES, users.window)

    @server.route("/login", methods=["GET", "POST"])
    def _login() -> Any:
        if flask.request.method == "GET":
            page = _login_page(csrf_token(), _safe_next(flask.request.args.get("next")))
            return no_store(flask.make_response(page, 200))
        form = flask.request.form
        nxt = _safe_next(form.get("next"))
        username = (form.get("username") or "").strip()[:64]
        if not secrets.compare_digest(
            str(form.get("csrf", "")), str(flask.session.get("csrf", "-"))
        ):
            page = _login_page(csrf_token(), nxt, username, bilingual("auth.form_expired"))
            return no_store(flask.make_response(page, 400))
        address = str(flask.request.remote_addr or "-")
        if not per_address.allow(address):
            record(username or "-", "login_failed", reason="address throttled", ip=address)
            page = _login_page(csrf_token(), nxt, username, bilingual("auth.throttled"))
            return no_store(flask.make_response(page, 429))
        try:
            user = users.authenticate(username, form.get("password") or "")
        except AuthError as exc:
            per_address.fail(address)
            record(username or "-", "login_failed", reason=str(exc), ip=address)
            message = (
                f"{t('auth.locked', 'zh')} · {exc}"
                if "too many" in str(exc)
                else bilingual("auth.wrong_login")
            )
            page = _login_page(csrf_token(), nxt, username, message)
            return no_store(flask.make_response(page, 401))
        flask.session.clear()  # a fresh session: no fixation
        flask.session.permanent = True
        flask.session["user"] = user.name
        flask.session["epoch"] = user.epoch
        flask.session["at"] = time.time()
        flask.session["csrf"] = secrets.token_urlsafe(24)
        record(user.name, "login", role=user.role, ip=flask.request.remote_addr)
        return flask.redirect(nxt, 303)

    @server.route("/logout", methods=["GET", "POST"])
    def _logout() -> Any:
        name = flask.session.get("user")
        if isinstance(name, str):
            record(name, "logout")
        flask.session.clear()
        return flask.redirect("/login", 303)


def _quote(target: str) -> str:
    return quote(target, safe="/")


def _install_demo(app: dash.Dash, role: Role) -> None:
    server: flask.Flask = app.server

    @server.before_request
    def _demo_viewer() -> Any:
        if flask.request.remote_addr not in _LOOPBACK:  # demo data is for this computer only
            return flask.make_response("demo mode answers only on 127.0.0.1", 403)
        flask.g.setdefault(G_KEY, Viewer("demo", role, demo=True))
        return None

    _decorate_index(app, demo=True)


def _decorate_index(app: dash.Dash, *, demo: bool) -> None:
    """Put the demo banner, or the user, role and a logout link, at the top of every page."""
    original: Callable[..., str] = app.interpolate_index

    def interpolate_index(**kwargs: Any) -> str:
        page: str = original(**kwargs)
        viewer = current_viewer()
        if demo:
            bar = (
                '<div id="dg-demo-banner" class="dg-authbar dg-demo">'
                f"{html.escape(DEMO_BANNER)}</div>"
            )
        elif viewer is not None:
            bar = (
                '<div id="dg-userbar" class="dg-authbar">'
                f"{html.escape(viewer.name)} · {html.escape(viewer.role)} · "
                + (
                    f'<a href="/admin/users" id="dg-admin">{bilingual("auth.users")}</a> · '
                    if viewer.role == "admin"
                    else ""
                )
                + f'<a href="/logout" id="dg-logout">{bilingual("auth.logout")}</a></div>'
            )
        else:
            return page
        style = (
            "<style>.dg-authbar{font:13px sans-serif;padding:4px 12px;text-align:right;"
            "background:#eef2ff;color:#1e3a8a}.dg-demo{background:#fef3c7;color:#92400e;"
            "text-align:center;font-weight:600}</style>"
        )
        return page.replace("<body>", f"<body>{style}{bar}", 1)

    app.interpolate_index = interpolate_index  # type: ignore[method-assign,assignment]


def create_secure_app(
    settings: Settings,
    store: GraphStore,
    *,
    demo: bool = False,
    demo_role: Role = "analyst",
    users: UserStore | None = None,
    audit: AuditLog | None = None,
    warm: bool = False,
    after_ingest: Callable[[], None] | None = None,
) -> dash.Dash:
    """:func:`~disputegraph.dashboard.app.create_app` with logins, per-user roles and auditing.

    ``demo=True`` serves without login (the caller binds it to a loopback
    address); otherwise ``settings.secret_key`` is required. ``warm`` reads the
    data in the background right away (as ``create_app``). ``after_ingest`` is called
    after an upload or an API ingest committed (``serve``: the re-analysis).
    """
    if audit is None:
        audit = AuditLog.from_settings(settings)
    services = RoleAwareServices(settings, store, audit=audit, default_role=demo_role)
    if after_ingest is not None:
        services.after_ingest = after_ingest
    app = create_app(settings, store, viewer_role=demo_role, services=services, warm=warm)
    assert isinstance(app.server.extensions[EXTENSION], RoleAwareServices)
    install_store_guard(app)
    install_auth(app, settings, users=users, audit=audit, demo=demo, demo_role=demo_role)
    install_ingest_api(
        app.server,
        settings,
        audit=audit,
        taxonomy=services.taxonomy,
        after_ingest=lambda: services.after_ingest(),
    )
    return app
