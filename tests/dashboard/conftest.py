"""Fixtures of the dashboard tests.

Unit tests use the canonical sample bundle, loaded into a memory store and
analysed once per session. Browser tests (marker ``browser``) start the real
dashboard as a subprocess (``disputegraph demo``: a generated city, loaded,
analysed and served on 127.0.0.1 and a free port) and drive it in headless
Chromium through Playwright.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from dashboard_helpers import DemoServer

from disputegraph.config import Settings
from disputegraph.graph.memory import MemoryStore

SAMPLE = Path(__file__).parents[1] / "data" / "sample"
#: disputes in the city the browser tests generate
DEMO_SCALE = int(os.environ.get("DISPUTEGRAPH_TEST_DEMO_SCALE", "2000"))


@pytest.fixture(scope="session")
def sample_settings() -> Settings:
    return Settings(demo=True, store="memory")


@pytest.fixture(scope="session")
def analysed_store(sample_settings: Settings) -> MemoryStore:
    """The sample bundle, loaded and analysed (read-only for the tests)."""
    from disputegraph.graph.analytics import run_analysis
    from disputegraph.loaders import load_bundle

    store = MemoryStore()
    load_bundle(SAMPLE, store, sample_settings)
    run_analysis(store)
    return store


@pytest.fixture(scope="session")
def loaded_store(sample_settings: Settings) -> MemoryStore:
    """The sample bundle, loaded but never analysed."""
    from disputegraph.loaders import load_bundle

    store = MemoryStore()
    load_bundle(SAMPLE, store, sample_settings)
    return store


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(
                f"dashboard exited with {proc.returncode}:\n{log.read_text()[-3000:]}"
            )
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"dashboard did not answer within {timeout} s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="session")
def demo_server(
    tmp_path_factory: pytest.TempPathFactory, chromium_path: str
) -> Iterator[DemoServer]:
    """A generated city, loaded and analysed into a workspace snapshot, then served
    by ``disputegraph serve --demo`` on 127.0.0.1 and a free port; stopped by pid."""
    from disputegraph.graph.analytics import run_analysis
    from disputegraph.loaders import load_bundle
    from disputegraph.loaders.synthetic import generate_city

    workspace = tmp_path_factory.mktemp("dashboard") / "ws"
    settings = Settings(demo=True, store="memory", workspace=workspace)
    bundle = workspace / "demo-bundle"
    planted = generate_city(bundle, scale=DEMO_SCALE, seed=7)
    store = MemoryStore.in_workspace(workspace)
    load_bundle(bundle, store, settings)
    run_analysis(store)
    store.flush()
    port = free_port()
    log = workspace.parent / "server.log"
    env = {**os.environ, "DISPUTEGRAPH_WORKSPACE": str(workspace), "DISPUTEGRAPH_STORE": "memory"}
    exe = Path(sys.executable).parent / "disputegraph"
    cmd = [str(exe), "serve", "--demo", "--port", str(port)]
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_up(url + "/", proc, log, timeout=120)
        yield DemoServer(url, planted, workspace, settings, store)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
