"""Helpers shared by test folders (importable from any of them: ``tests/`` is on the
path through its conftest; conftest modules themselves are not for importing)."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from typing import Any

__all__ = ["PAGE_OPTIONS", "free_port", "planted_pattern", "stop", "wait_until_up"]

#: the browser context of every browser test: a zh-CN desktop screen
PAGE_OPTIONS: dict[str, Any] = {"viewport": {"width": 1440, "height": 1000}, "locale": "zh-CN"}


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


def planted_pattern(truth: Mapping[str, Any], name: str) -> dict[str, Any]:
    """The planted pattern ``name`` of a generated city's ``_planted.json``."""
    found: dict[str, Any] = next(p for p in truth["patterns"] if p["name"] == name)
    return found
