"""The briefing pack as PDF: the HTML printed by headless Chromium
(``--print-to-pdf``), which renders Chinese with the installed Noto CJK fonts."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from disputegraph.chromium import HEADLESS_ARGS
from disputegraph.chromium import find_chromium as _find_chromium
from disputegraph.exceptions import BriefingError

__all__ = ["find_chromium", "html_to_pdf"]


def find_chromium() -> str:
    """The Chromium to print with; :class:`BriefingError` saying how to get one."""
    found = _find_chromium()
    if found is None:
        raise BriefingError(
            "no Chromium found to print the PDF: install chromium (and fonts-noto-cjk), set "
            "DISPUTEGRAPH_CHROMIUM to its path, or write HTML (--out FILE.html)"
        )
    return found


def html_to_pdf(doc: str, out: Path, *, chromium: str | None = None, timeout: float = 180) -> None:
    """Print an HTML document to ``out`` with headless Chromium (A4, CSS page size)."""
    browser = chromium or find_chromium()
    with tempfile.TemporaryDirectory(prefix="disputegraph-brief-") as tmp:
        source = Path(tmp) / "brief.html"
        source.write_text(doc, encoding="utf-8")
        target = Path(tmp) / "brief.pdf"
        cmd = [
            browser,
            *HEADLESS_ARGS,
            "--disable-extensions",
            f"--user-data-dir={Path(tmp) / 'profile'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={target}",
            source.as_uri(),
        ]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise BriefingError(f"printing the PDF with {browser} failed: {exc}") from None
        if proc.returncode != 0 or not target.exists() or target.stat().st_size == 0:
            tail = (proc.stderr or "").strip().splitlines()[-3:]
            raise BriefingError(
                f"printing the PDF with {browser} failed (exit {proc.returncode}): "
                + " | ".join(tail)
            )
        shutil.move(str(target), out)
