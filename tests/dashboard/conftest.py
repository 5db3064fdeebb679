"""Fixtures of the dashboard tests.

Unit tests use the canonical sample bundle, loaded into a memory store and
analysed once per session. Browser tests (marker ``browser``) start the real
dashboard as a subprocess (``disputegraph demo``: a generated city, loaded,
analysed and served on 127.0.0.1 and a free port) and drive it in headless
Chromium through Playwright.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from dashboard_helpers import ConsoleErrors, DemoServer, serve_demo

from disputegraph.config import Settings
from disputegraph.store.memory import MemoryStore
from shared_helpers import PAGE_OPTIONS

SAMPLE = Path(__file__).parents[1] / "data" / "sample"
#: disputes in the city the browser tests generate
DEMO_SCALE = int(os.environ.get("DISPUTEGRAPH_TEST_DEMO_SCALE", "2000"))


@pytest.fixture(scope="session")
def sample_settings() -> Settings:
    return Settings(demo=True, store="memory")


@pytest.fixture(scope="session")
def analysed_store(sample_settings: Settings) -> MemoryStore:
    """The sample bundle, loaded and analysed (read-only for the tests)."""
    from disputegraph.analytics import run_analysis
    from disputegraph.ingest import load_bundle

    store = MemoryStore()
    load_bundle(SAMPLE, store, sample_settings)
    run_analysis(store)
    return store


@pytest.fixture(scope="session")
def loaded_store(sample_settings: Settings) -> MemoryStore:
    """The sample bundle, loaded but never analysed."""
    from disputegraph.ingest import load_bundle

    store = MemoryStore()
    load_bundle(SAMPLE, store, sample_settings)
    return store


@pytest.fixture(scope="session")
def demo_server(
    tmp_path_factory: pytest.TempPathFactory, chromium_path: str
) -> Iterator[DemoServer]:
    """A generated city, loaded and analysed into a workspace snapshot, then served
    by ``disputegraph serve --demo`` on 127.0.0.1 and a free port; stopped by pid."""
    from disputegraph.analytics import run_analysis
    from disputegraph.ingest import load_bundle
    from disputegraph.synthetic import generate_city

    workspace = tmp_path_factory.mktemp("dashboard") / "ws"
    settings = Settings(demo=True, store="memory", workspace=workspace)
    bundle = workspace / "demo-bundle"
    planted = generate_city(bundle, scale=DEMO_SCALE, seed=7)
    store = MemoryStore.in_workspace(workspace)
    load_bundle(bundle, store, settings)
    run_analysis(store)
    store.flush()
    with serve_demo(workspace, workspace.parent / "server.log") as url:
        yield DemoServer(url, planted, workspace, settings, store)


@pytest.fixture
def new_page(browser: Any) -> Iterator[Callable[[], Any]]:
    """Opens fresh pages (a browser context each, as :func:`page`) that record
    console errors and uncaught exceptions; the test fails when any page logged one."""
    errors = ConsoleErrors()
    contexts: list[Any] = []

    def open_page() -> Any:
        context = browser.new_context(**PAGE_OPTIONS)
        contexts.append(context)
        pg = context.new_page()
        pg.set_default_timeout(30_000)
        errors.watch(pg)
        return pg

    yield open_page
    for context in contexts:
        context.close()
    errors.check()


@pytest.fixture
def page(new_page: Callable[[], Any]) -> Any:
    """A fresh page that must log no console error (overrides the shared one)."""
    return new_page()
