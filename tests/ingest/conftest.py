"""Fixtures for the loader tests."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import pytest
from loader_helpers import build_bad_case


@pytest.fixture(autouse=True)
def _no_pii_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Settings built in these tests must not pick up a key or demo mode from the shell."""
    for name in ("DISPUTEGRAPH_PII_KEY", "DISPUTEGRAPH_DEMO"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def bad_bundle(tmp_path: Path) -> Callable[[str], Path]:
    """``bad_bundle("wrong_enum")`` → a fresh copy of that bad bundle."""

    def make(case: str) -> Path:
        return build_bad_case(case, tmp_path / "bad" / case)

    return make


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[..., Path]:
    """``write_csv(folder, table, header, rows)`` → the written file."""

    def write(
        folder: Path, table: str, header: Sequence[str], rows: Iterable[Sequence[Any]]
    ) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{table}.csv"
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(header)
            writer.writerows(rows)
        return path

    return write
