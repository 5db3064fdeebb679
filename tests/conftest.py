"""Shared fixtures.

Tiers (markers): unit tests need nothing; ``neo4j`` tests need the real server
that ``make test`` starts (its URI arrives in ``DISPUTEGRAPH_TEST_NEO4J_URI``);
``browser`` tests need Chromium. Outside CI a missing server or browser skips
those tests with the reason; in CI (``CI=true``) it fails them, so they can
never silently not run.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings as hypothesis_settings
from typer.testing import CliRunner

from disputegraph.chromium import HEADLESS_ARGS, find_chromium
from disputegraph.config import Settings
from shared_helpers import PAGE_OPTIONS, OwnServer

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
SAMPLE = Path(__file__).parent / "data" / "sample"
CHROMIUM = find_chromium() or "/usr/bin/chromium"

# Property tests judge what the code returns, never how fast: no per-example deadline
# (hypothesis' 200 ms default fails a test whenever the machine is busy).
hypothesis_settings.register_profile("disputegraph", deadline=None)
hypothesis_settings.load_profile("disputegraph")


def _missing(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"{reason} (required in CI)")
    pytest.skip(reason)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    return tmp_path / "workspace"


@pytest.fixture
def settings(workspace: Path) -> Settings:
    """Demo-mode settings on a fresh workspace and the memory store."""
    return Settings(demo=True, workspace=workspace, store="memory")


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """The CLI on a fresh workspace: demo mode, memory store, no key or rule or
    risk file from the shell."""
    monkeypatch.setenv("DISPUTEGRAPH_WORKSPACE", str(tmp_path / "ws"))
    monkeypatch.setenv("DISPUTEGRAPH_STORE", "memory")
    monkeypatch.setenv("DISPUTEGRAPH_DEMO", "1")
    for name in ("DISPUTEGRAPH_PII_KEY", "DISPUTEGRAPH_RULES", "DISPUTEGRAPH_RISK_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    return CliRunner()


@pytest.fixture(scope="session")
def sample_bundle() -> Path:
    """The canonical small hand-written bundle."""
    return SAMPLE


@pytest.fixture(scope="session")
def neo4j_uri() -> str:
    uri = os.environ.get("DISPUTEGRAPH_TEST_NEO4J_URI", "")
    if not uri:
        _missing("no test Neo4j server: run the tests with `make test`, which starts one")
    return uri


@pytest.fixture
def own_neo4j(tmp_path: Path, neo4j_uri: str) -> Iterator[OwnServer]:
    """A private Neo4j (scripts/neo4j.sh, its own run dir and port), stopped at the end:
    for tests that kill, stop or restart their server. ``neo4j_uri`` only so that such
    a test is skipped (or fails in CI) like every neo4j test."""
    own = OwnServer(tmp_path / "neo4j-run")
    try:
        yield own
    finally:
        own.stop()


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        _missing(f"Chromium not found at {CHROMIUM}: `make test` installs it")
    return CHROMIUM


@pytest.fixture(scope="session")
def neo4j_driver(neo4j_uri: str) -> Iterator[object]:
    """A driver on the test server (auth is off on the test instance)."""
    import neo4j

    driver = neo4j.GraphDatabase.driver(neo4j_uri, auth=None)
    driver.verify_connectivity()
    yield driver
    driver.close()


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[Any]:
    """One headless Chromium for the whole session (Playwright's sync API runs
    one event loop per thread, so every browser test shares this one)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=chromium_path, args=list(HEADLESS_ARGS))
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh browser context and page (zh-CN, 1440×1000) per test."""
    context = browser.new_context(**PAGE_OPTIONS)
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    yield pg
    context.close()
