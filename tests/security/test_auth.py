"""Login: nothing answers without a session; cookies, CSRF, lockout, logout, demo mode."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from security_helpers import PASSWORD, call, csrf_of, dash_payload, login, state_data

from disputegraph.audit import AuditLog
from disputegraph.config import Settings
from disputegraph.dashboard.auth import DEMO_BANNER, create_secure_app
from disputegraph.exceptions import ConfigError
from disputegraph.store.memory import MemoryStore
from disputegraph.users import LOCKOUT_FAILURES, UserStore


def route_payload(app: Any) -> dict[str, Any]:
    return dash_payload(app, "page.children", {"url.pathname": "/", "lang.value": "zh"})


def search_payload(app: Any, text: str) -> dict[str, Any]:
    return dash_payload(
        app,
        "tracer-results.children",
        {
            "tracer-search-go.n_clicks": 1,
            "tracer-search.value": text,
            "state.data": state_data(),
        },
    )


GUARDED_GETS = [
    "/",
    "/cluster?cluster=C-1",
    "/tracer",
    "/_dash-layout",
    "/_dash-dependencies",
    "/_dash-component-suites/dash/dash-renderer/build/dash_renderer.v4_0_0m1.min.js",
    "/assets/style.css",
    "/static/x.js",
    "/_reload-hash",
    "/_favicon.ico",
]


@pytest.mark.parametrize("path", GUARDED_GETS)
def test_nothing_answers_without_a_session(secure_app: Any, path: str) -> None:
    client = secure_app.server.test_client()
    resp = client.get(path)
    if path.startswith("/_dash-"):
        assert resp.status_code == 401 and resp.get_json()["error"] == "login required"
    else:
        assert resp.status_code == 302
        assert resp.headers["Location"].startswith("/login?next=")
    assert b"dash-renderer" not in resp.data and b"_dash-config" not in resp.data


def test_callbacks_are_refused_without_a_session(secure_app: Any) -> None:
    client = secure_app.server.test_client()
    for payload in (route_payload(secure_app), search_payload(secure_app, "张")):
        resp = call(client, payload)
        assert resp.status_code == 401
        assert "张" not in resp.get_data(as_text=True)


def test_login_page_is_self_contained(secure_app: Any) -> None:
    client = secure_app.server.test_client()
    resp = client.get("/login?next=/tracer")
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200 and 'name="password"' in page and 'value="/tracer"' in page
    assert "<script" not in page and "http" not in page.replace('method="post"', "")
    assert resp.headers["Cache-Control"] == "no-store"


def test_login_sets_a_safe_cookie_and_opens_everything(secure_app: Any) -> None:
    client = secure_app.server.test_client()
    resp = login(client, "ana", nxt="/tracer?entity=P-001")
    assert resp.status_code == 303 and resp.headers["Location"] == "/tracer?entity=P-001"
    cookie = resp.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    assert client.get("/").status_code == 200
    assert client.get("/_dash-layout").status_code == 200
    resp = call(client, route_payload(secure_app))
    assert resp.status_code == 200 and resp.get_json()["response"]["page"]["children"]
    page = client.get("/").get_data(as_text=True)
    assert 'id="dg-userbar"' in page and "ana · analyst" in page and 'href="/logout"' in page


def test_security_headers_and_absolute_session_end(
    secure_settings: Settings, sample_store: MemoryStore, accounts: UserStore
) -> None:
    short = secure_settings.model_copy(update={"session_hours": 0.0005})  # 1.8 s
    app = create_secure_app(short, sample_store, users=accounts)
    client = app.server.test_client()
    login(client, "ana")
    resp = client.get("/")
    assert resp.status_code == 200
    assert resp.headers["X-Frame-Options"] == "DENY"
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get("/login").headers["X-Frame-Options"] == "DENY"
    import time

    time.sleep(2.0)
    assert client.get("/_dash-layout").status_code == 401  # however active it was


def test_secure_cookie_behind_tls(
    secure_settings: Settings, sample_store: MemoryStore, accounts: UserStore
) -> None:
    settings = secure_settings.model_copy(update={"cookie_secure": True})
    app = create_secure_app(settings, sample_store, users=accounts)
    resp = login(app.server.test_client(), "ana")
    assert "Secure" in resp.headers["Set-Cookie"]


def test_wrong_password_and_audit(secure_app: Any, secure_settings: Settings) -> None:
    client = secure_app.server.test_client()
    resp = login(client, "ana", "not-the-password")
    assert resp.status_code == 401
    assert "用户名或密码错误" in resp.get_data(as_text=True)
    assert client.get("/_dash-layout").status_code == 401
    login(client, "ana")
    entries = list(AuditLog(secure_settings.audit_path).entries())
    assert [(e["user"], e["action"]) for e in entries] == [
        ("ana", "login_failed"),
        ("ana", "login"),
    ]
    assert entries[1]["params"]["role"] == "analyst"
    assert AuditLog(secure_settings.audit_path).verify().ok


def test_lockout_blocks_even_the_right_password(secure_app: Any, secure_settings: Settings) -> None:
    client = secure_app.server.test_client()
    for _ in range(LOCKOUT_FAILURES):
        assert login(client, "off", "guess-guess-guess").status_code == 401
    resp = login(client, "off")  # right password, but locked
    assert resp.status_code == 401 and "too many failed logins" in resp.get_data(as_text=True)
    assert client.get("/_dash-layout").status_code == 401
    failed = list(AuditLog(secure_settings.audit_path).entries(action="login_failed"))
    assert len(failed) == LOCKOUT_FAILURES + 1


def test_one_address_trying_many_names_is_throttled(
    secure_app: Any, secure_settings: Settings
) -> None:
    from disputegraph.dashboard.auth import ADDRESS_FAILURES

    client = secure_app.server.test_client()
    for i in range(ADDRESS_FAILURES):  # one guess per name: no name gets locked
        assert login(client, f"name{i}", "Password123!").status_code == 401
    resp = login(client, "ana")  # right password, but this address must wait
    assert resp.status_code == 429 and client.get("/_dash-layout").status_code == 401
    other = secure_app.server.test_client()
    ok = other.get("/login", environ_base={"REMOTE_ADDR": "127.0.0.2"})
    token = re.search(r'name="csrf" value="([^"]+)"', ok.get_data(as_text=True))
    assert token is not None
    resp = other.post(
        "/login",
        data={"username": "ana", "password": PASSWORD, "csrf": token.group(1), "next": "/"},
        environ_base={"REMOTE_ADDR": "127.0.0.2"},
    )
    assert resp.status_code == 303  # another address is not affected
    reasons = [e["params"].get("reason") for e in AuditLog(secure_settings.audit_path).entries()]
    assert "address throttled" in reasons


def test_csrf_token_is_required(secure_app: Any) -> None:
    client = secure_app.server.test_client()
    csrf_of(client)
    resp = client.post("/login", data={"username": "ana", "password": PASSWORD, "csrf": "forged"})
    assert resp.status_code == 400 and client.get("/_dash-layout").status_code == 401
    fresh = secure_app.server.test_client()  # no session at all: no token to match
    resp = fresh.post("/login", data={"username": "ana", "password": PASSWORD, "csrf": ""})
    assert resp.status_code == 400


@pytest.mark.parametrize(
    "target",
    ["//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:x", "/login"],
)
def test_no_open_redirect_after_login(secure_app: Any, target: str) -> None:
    resp = login(secure_app.server.test_client(), "ana", nxt=target)
    assert resp.status_code == 303 and resp.headers["Location"] == "/"


def test_logout_ends_the_session(secure_app: Any, secure_settings: Settings) -> None:
    client = secure_app.server.test_client()
    login(client, "adm")
    assert client.get("/_dash-layout").status_code == 200
    resp = client.get("/logout")
    assert resp.status_code == 303 and resp.headers["Location"] == "/login"
    assert client.get("/_dash-layout").status_code == 401
    assert call(client, route_payload(secure_app)).status_code == 401
    actions = [e["action"] for e in AuditLog(secure_settings.audit_path).entries(user="adm")]
    assert actions == ["login", "logout"]


def test_removed_user_is_out_at_the_next_request(secure_app: Any, accounts: UserStore) -> None:
    client = secure_app.server.test_client()
    login(client, "ana")
    assert client.get("/_dash-layout").status_code == 200
    accounts.remove("ana")
    assert client.get("/_dash-layout").status_code == 401


def test_password_change_ends_existing_sessions(secure_app: Any, accounts: UserStore) -> None:
    client = secure_app.server.test_client()
    login(client, "off")
    assert client.get("/_dash-layout").status_code == 200
    accounts.set_password("off", "a brand new password")
    assert client.get("/_dash-layout").status_code == 401
    assert login(client, "off", "a brand new password").status_code == 303
    assert client.get("/_dash-layout").status_code == 200


def test_a_session_cookie_signed_with_another_key_is_refused(
    secure_settings: Settings, sample_store: MemoryStore, accounts: UserStore
) -> None:
    app = create_secure_app(secure_settings, sample_store, users=accounts)
    client = app.server.test_client()
    login(client, "off")
    cookie = client.get_cookie("disputegraph_session")
    assert cookie is not None
    other = secure_settings.model_copy(
        update={"secret_key": SecretStr("another-secret-key-0123456789")}
    )
    app2 = create_secure_app(other, sample_store, users=accounts)
    client2 = app2.server.test_client()
    client2.set_cookie("disputegraph_session", cookie.value)
    assert client2.get("/_dash-layout").status_code == 401


@pytest.mark.parametrize("secret", [None, "", "short"])
def test_no_secret_key_no_server(
    secure_settings: Settings, sample_store: MemoryStore, secret: str | None
) -> None:
    settings = secure_settings.model_copy(
        update={"secret_key": None if secret is None else SecretStr(secret)}
    )
    with pytest.raises(ConfigError, match="DISPUTEGRAPH_SECRET_KEY"):
        create_secure_app(settings, sample_store)


def test_demo_mode_has_no_login_and_says_so(sample_store: MemoryStore, tmp_path: Path) -> None:
    settings = Settings(demo=True, store="memory", workspace=tmp_path / "ws")
    app = create_secure_app(settings, sample_store, demo=True)
    client = app.server.test_client()
    page = client.get("/")
    assert page.status_code == 200 and DEMO_BANNER in page.get_data(as_text=True)
    assert client.get("/_dash-layout").status_code == 200
    assert call(client, route_payload(app)).status_code == 200
    # even if the port were reachable from elsewhere, demo mode answers only on loopback
    remote = client.get("/", environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert remote.status_code == 403


def test_user_bar_shows_name_and_role(secure_app: Any, accounts: UserStore) -> None:
    client = secure_app.server.test_client()
    login(client, "off")
    page = client.get("/").get_data(as_text=True)
    assert "off · officer" in page
