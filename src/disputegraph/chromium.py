"""Headless Chromium, as the briefing pack, the tests and the benchmarks start it.

Debian's Chromium is used as it is (no browser is ever downloaded). The flags
keep it off the network: no background requests, updates, sync or QUIC.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

__all__ = ["HEADLESS_ARGS", "WEBGL_ARGS", "find_chromium"]

HEADLESS_ARGS: tuple[str, ...] = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)

#: the same, with WebGL on software GL (SwiftShader through ANGLE) and the page
#: composited in software (compositing through SwiftShader costs every page, 2D
#: canvas included, most of its frame rate): the WebGL network canvas's browser
#: test and benchmark (no GPU on the machines they run on)
WEBGL_ARGS: tuple[str, ...] = (
    *(a for a in HEADLESS_ARGS if a != "--disable-gpu"),
    "--use-gl=angle",
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",
    "--disable-gpu-compositing",
)


def find_chromium() -> str | None:
    """``DISPUTEGRAPH_CHROMIUM``, ``BROWSER_PATH``, else a Chromium on PATH; None if none."""
    for env in ("DISPUTEGRAPH_CHROMIUM", "BROWSER_PATH"):
        value = os.environ.get(env)
        if value and (Path(value).exists() or shutil.which(value)):
            return value
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None
