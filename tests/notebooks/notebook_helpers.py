"""Helpers shared by the notebook tests (importable: conftest modules are not)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from disputegraph.config import Settings
from disputegraph.schemas.analysis import AnalysisResult
from shared_helpers import planted_pattern

#: the notebooks of the repository
NOTEBOOKS = Path(__file__).parents[2] / "notebooks"


@dataclass
class Neo4jCity:
    uri: str
    settings: Settings
    store: Any  # Neo4jStore
    driver: Any  # neo4j.Driver
    planted: dict[str, Any]
    analysis: AnalysisResult

    def pattern(self, name: str) -> dict[str, Any]:
        return planted_pattern(self.planted, name)
