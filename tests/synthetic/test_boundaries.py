"""The synthetic city's boundaries agree with its properties and are deterministic."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import shapely
from shapely.geometry import shape

from disputegraph.synthetic import BOUNDARIES_FILE, generate_city


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("city")
    generate_city(out, scale=800, seed=3)
    return out


def test_boundaries_nest_and_hold_their_properties(city: Path) -> None:
    features = json.loads((city / BOUNDARIES_FILE).read_text(encoding="utf-8"))["features"]
    by_level: dict[str, dict[str, object]] = {"district": {}, "street": {}, "grid": {}}
    for f in features:
        by_level[f["properties"]["level"]][f["properties"]["name"]] = shape(f["geometry"])
    assert len(by_level["district"]) == 4
    with (city / "properties.csv").open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["lat"]]
    assert rows
    in_grid = 0
    for r in rows:
        point = shapely.Point(float(r["lon"]), float(r["lat"]))
        assert by_level["district"][r["district"]].covers(point), r["id"]
        assert by_level["street"][r["street"]].covers(point), r["id"]
        in_grid += bool(by_level["grid"][r["grid"]].covers(point))
    assert in_grid / len(rows) > 0.9


def test_boundaries_are_deterministic(city: Path, tmp_path: Path) -> None:
    generate_city(tmp_path, scale=800, seed=3)
    assert (tmp_path / BOUNDARIES_FILE).read_bytes() == (city / BOUNDARIES_FILE).read_bytes()
