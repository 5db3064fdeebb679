"""The login in a real browser, against the production server (gunicorn + the WSGI factory).

Headless Chromium is redirected to the login page, logs in, gets the real Dash
app (renderer, component bundles, callbacks all behind the session), sees its
name and role, searches with its role's masking, and logs out.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from disputegraph.config import Settings
from disputegraph.store.memory import MemoryStore
from disputegraph.users import UserStore
from shared_helpers import gunicorn_server

pytestmark = pytest.mark.browser

SAMPLE = Path(__file__).parents[1] / "data" / "sample"
PASSWORD = "correct horse battery"
SECRET = "browser-test-secret-0123456789"
PII_KEY = "browser-test-pii-key"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, chromium_path: str) -> Iterator[str]:
    from disputegraph.analytics import run_analysis
    from disputegraph.ingest import load_bundle

    ws = tmp_path_factory.mktemp("login") / "ws"
    settings = Settings(store="memory", workspace=ws, pii_key=SecretStr(PII_KEY))
    store = MemoryStore.in_workspace(ws)
    load_bundle(SAMPLE, store, settings)
    run_analysis(store)
    store.flush()
    users = UserStore(ws / "users.json")
    users.add("off", PASSWORD, "officer")
    users.add("ana", PASSWORD, "analyst")
    with gunicorn_server(ws, SECRET, PII_KEY, workers=1) as url:
        yield url


def _login(page: Any, url: str, name: str, path: str = "/tracer") -> None:
    page.goto(url + path)
    assert "/login" in page.url and "next=" in page.url
    page.fill("#username", name)
    page.fill("#password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(url + path)


def _search(page: Any, text: str) -> str:
    box = page.locator("#tracer-search")
    box.fill(text)
    box.press("Enter")
    results = page.locator("#tracer-results li").first
    results.wait_for()
    return str(page.locator("#tracer-results").inner_text())


def test_officer_logs_in_searches_and_logs_out(server: str, page: Any) -> None:
    _login(page, server, "off")
    assert "off · officer" in page.locator("#dg-userbar").inner_text()
    assert "张伟" in _search(page, "张伟")
    page.click("#dg-logout")
    page.wait_for_url(server + "/login")
    page.goto(server + "/")
    assert "/login" in page.url


def test_analyst_sees_masked_names(server: str, page: Any) -> None:
    _login(page, server, "ana")
    shown = _search(page, "张伟")
    assert "张*" in shown and "张伟" not in shown


def test_wrong_password_is_refused_on_the_page(server: str, page: Any) -> None:
    page.goto(server + "/")
    page.fill("#username", "ana")
    page.fill("#password", "not the password")
    page.click("#login-submit")
    assert "用户名或密码错误" in page.locator("#login-error").inner_text()
    assert "/login" in page.url
