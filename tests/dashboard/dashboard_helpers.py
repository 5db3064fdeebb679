"""Helpers shared by the dashboard tests (importable: conftest modules are not)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from disputegraph.config import Settings
from disputegraph.graph.memory import MemoryStore

SCREENSHOTS = Path(__file__).parents[2] / "docs" / "screenshots"


@dataclass
class DemoServer:
    url: str
    planted: dict[str, Any]
    workspace: Path
    settings: Settings
    store: MemoryStore

    def pattern(self, name: str) -> dict[str, Any]:
        return next(p for p in self.planted["patterns"] if p["name"] == name)


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


@contextmanager
def serve_demo(workspace: Path, log: Path, timeout: float = 120) -> Iterator[str]:
    """``disputegraph serve --demo`` on the memory store in ``workspace``, on
    127.0.0.1 and a free port; yields its URL once it answers, stops it by pid."""
    env = {**os.environ, "DISPUTEGRAPH_WORKSPACE": str(workspace), "DISPUTEGRAPH_STORE": "memory"}
    exe = Path(sys.executable).parent / "disputegraph"
    port = free_port()
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(exe), "serve", "--demo", "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
        )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_up(url + "/", proc, log, timeout)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
