"""Helpers shared by the dashboard tests (importable: conftest modules are not)."""

from __future__ import annotations

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
