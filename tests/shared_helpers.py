"""Helpers shared by test folders (importable from any of them: ``tests/`` is on the
path through its conftest; conftest modules themselves are not for importing)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from disputegraph.store import MemoryStore
from disputegraph.store.protocol import GraphStore

__all__ = [
    "PAGE_OPTIONS",
    "OwnServer",
    "empty_store",
    "free_port",
    "gunicorn_server",
    "planted_pattern",
    "stop",
    "wait_until_up",
]

#: the browser context of every browser test: a zh-CN desktop screen
PAGE_OPTIONS: dict[str, Any] = {"viewport": {"width": 1440, "height": 1000}, "locale": "zh-CN"}


NEO4J_SCRIPT = Path(__file__).parents[1] / "scripts" / "neo4j.sh"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float) -> None:
    """Until ``url`` answers 200; RuntimeError with the log's tail if the server
    process exits first or does not answer within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"server did not answer within {timeout} s:\n{log.read_text()[-3000:]}")


def stop(proc: subprocess.Popen[bytes], timeout: float = 10) -> None:
    """Stop a server process by its pid: terminate, then kill if it lingers."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()


def empty_store(request: pytest.FixtureRequest, batch_size: int) -> Iterator[GraphStore]:
    """Yield an empty store of the kind ``request.param`` names ("memory" or "neo4j";
    Neo4j: cleaned before and after): the body of a store-parametrised fixture."""
    if request.param == "memory":
        yield MemoryStore()
        return
    from disputegraph.store.neo4j import Neo4jStore

    store = Neo4jStore(request.getfixturevalue("neo4j_driver"), batch_size=batch_size)
    store.ensure_schema()
    store.clear()
    try:
        yield store
    finally:
        store.clear()


@contextmanager
def gunicorn_server(workspace: Path, secret: str, pii_key: str, workers: int = 1) -> Iterator[str]:
    """The production server (gunicorn + the WSGI factory) over a memory-store
    ``workspace``, demo mode off; yields its base URL and stops it afterwards."""
    port = free_port()
    env = {
        **os.environ,
        "DISPUTEGRAPH_WORKSPACE": str(workspace),
        "DISPUTEGRAPH_STORE": "memory",
        "DISPUTEGRAPH_SECRET_KEY": secret,
        "DISPUTEGRAPH_PII_KEY": pii_key,
    }
    env.pop("DISPUTEGRAPH_DEMO", None)
    log = workspace.parent / "gunicorn.log"
    gunicorn = Path(sys.executable).with_name("gunicorn")
    cmd = [str(gunicorn), "--workers", str(workers), "--threads", "4", "--worker-class", "gthread",
           "--bind", f"127.0.0.1:{port}", "disputegraph.wsgi:create_wsgi_app()"]  # fmt: skip
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url + "/login", proc, log, timeout=120)
        yield url
    finally:
        stop(proc, timeout=15)


def planted_pattern(truth: Mapping[str, Any], name: str) -> dict[str, Any]:
    """The planted pattern ``name`` of a generated city's ``_planted.json``."""
    found: dict[str, Any] = next(p for p in truth["patterns"] if p["name"] == name)
    return found


class OwnServer:
    """A private Neo4j started and stopped through scripts/neo4j.sh."""

    def __init__(self, run_dir: Path) -> None:
        self.run_dir = run_dir
        self.env = {
            **os.environ,
            "DISPUTEGRAPH_NEO4J_RUN": str(run_dir),
            "DISPUTEGRAPH_NEO4J_PORT": str(free_port()),
            "DISPUTEGRAPH_NEO4J_HEAP": "512m",
            "DISPUTEGRAPH_NEO4J_PAGECACHE": "128m",
            "DISPUTEGRAPH_NEO4J_TX_MEMORY": "256m",
        }
        self.env.pop("NEO4J_URI", None)
        self.env.pop("DISPUTEGRAPH_NEO4J_KEEP", None)

    def start(self, keep: bool = False) -> str:
        env = {**self.env, **({"DISPUTEGRAPH_NEO4J_KEEP": "1"} if keep else {})}
        started = time.monotonic()
        done = subprocess.run(
            ["bash", str(NEO4J_SCRIPT), "start"],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        print(f"neo4j start{' (keep)' if keep else ''}: {time.monotonic() - started:.1f} s")
        return done.stdout.strip()

    @property
    def home(self) -> Path:
        """The server's Neo4j home (bin/neo4j, bin/neo4j-admin, conf/, data/)."""
        return self.run_dir / "home"

    @property
    def pid(self) -> int:
        return int((self.run_dir / "neo4j.pid").read_text().strip())

    def stop(self) -> None:
        subprocess.run(
            ["bash", str(NEO4J_SCRIPT), "stop"], env=self.env, capture_output=True, timeout=120
        )


def in_threads(work: Callable[[int], object], n: int) -> None:
    """Run ``work(0)`` … ``work(n - 1)`` in ``n`` threads at once and wait for all."""
    threads = [threading.Thread(target=work, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
