"""Helpers shared by the dashboard tests (importable: conftest modules are not)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from disputegraph.analytics import load_analysis
from disputegraph.config import Settings
from disputegraph.store.memory import MemoryStore
from shared_helpers import free_port, planted_pattern, stop, wait_until_up

SCREENSHOTS = Path(__file__).parents[2] / "docs" / "screenshots"
SAMPLE = Path(__file__).parents[1] / "data" / "sample"
GRID = Path(__file__).parents[2] / "examples" / "grid-platform"


def upload_workspace(ws: Path, settings: Settings) -> Path:
    """``ws`` with the sample bundle loaded and one upload source: the grid platform's
    mapping as ``sources/grid-platform.toml``."""
    from disputegraph.ingest import load_bundle

    store = MemoryStore.in_workspace(ws, writer=True)
    load_bundle(SAMPLE, store, settings)
    store.flush()
    store.close()
    (ws / "sources").mkdir()
    shutil.copy(GRID / "mapping.toml", ws / "sources" / "grid-platform.toml")
    return ws


def cluster_of(workspace: Path, dispute_id: str, as_of: date | None = None) -> Any:
    """The cluster of ``dispute_id`` in the workspace's stored analysis (of ``as_of``,
    default the latest), ``None`` when none holds it (or there is no analysis)."""
    analysis = load_analysis(MemoryStore.in_workspace(workspace), as_of=as_of)
    return analysis.cluster_of(dispute_id) if analysis is not None else None


class ConsoleErrors:
    """What the pages watched logged as errors: ``console.error`` messages
    (a blocked prop, a failed request, a React warning) and uncaught exceptions."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def watch(self, page: Any) -> None:
        def console(msg: Any) -> None:
            if msg.type == "error":
                self.seen.append(f"{page.url}: console error: {msg.text}")

        page.on("console", console)
        page.on("pageerror", lambda exc: self.seen.append(f"{page.url}: uncaught: {exc}"))

    def check(self) -> None:
        assert not self.seen, "the browser logged errors:\n" + "\n".join(self.seen)


@dataclass
class DemoServer:
    url: str
    planted: dict[str, Any]
    workspace: Path
    settings: Settings
    store: MemoryStore

    def pattern(self, name: str) -> dict[str, Any]:
        return planted_pattern(self.planted, name)


@contextmanager
def serve_demo(
    workspace: Path,
    log: Path,
    *options: str,
    env: Mapping[str, str] | None = None,
    timeout: float = 120,
) -> Iterator[str]:
    """``disputegraph serve --demo`` (and ``options``) on the memory store in ``workspace``,
    on 127.0.0.1 and a free port, with ``env`` added to its environment; yields its URL
    once it answers, stops it by pid."""
    environ = {
        **os.environ,
        "DISPUTEGRAPH_WORKSPACE": str(workspace),
        "DISPUTEGRAPH_STORE": "memory",
        **(env or {}),
    }
    boundaries = workspace / "demo-bundle" / "boundaries.geojson"
    if boundaries.exists():  # the generated city's own boundaries, for the map page
        environ["DISPUTEGRAPH_BOUNDARIES"] = str(boundaries)
    exe = Path(sys.executable).parent / "disputegraph"
    port = free_port()
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(exe), "serve", "--demo", "--port", str(port), *options],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=environ,
        )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_up(url + "/", proc, log, timeout)
        yield url
    finally:
        stop(proc)
