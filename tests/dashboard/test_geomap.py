"""The map's data and figure: boundaries read and checked, hotspots per grid, clusters placed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from disputegraph.rendering.geomap import geomap_figure
from disputegraph.schemas import RiskLevel
from disputegraph.schemas.analysis import ClusterAssessment
from disputegraph.views.geomap import BoundaryError, contains, geomap_view, load_boundaries

SQUARE = [[0, 0], [2, 0], [2, 2], [0, 2], [0, 0]]


def _write(path: Path, features: list[dict[str, object]]) -> Path:
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), "utf-8")
    return path


def _feature(level: str, name: str, ring: list[list[float]]) -> dict[str, object]:
    return {
        "type": "Feature",
        "properties": {"level": level, "name": name, "district": "A"},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


def test_hotspots_and_cluster_positions(tmp_path: Path) -> None:
    bounds = load_boundaries(
        _write(
            tmp_path / "b.geojson",
            [
                _feature("district", "A", SQUARE),
                _feature("grid", "g1", [[0, 0], [1, 0], [1, 2], [0, 2], [0, 0]]),
                _feature("grid", "g2", [[1, 0], [2, 0], [2, 2], [1, 2], [1, 0]]),
            ],
        )
    )
    assert contains(bounds.of("grid")[0], 0.5, 1.0)
    assert not contains(bounds.of("grid")[0], 1.5, 1.0)
    props = {
        "P1": {"id": "P1", "name": "x", "lon": 0.5, "lat": 0.5, "grid": "g1"},
        "P2": {"id": "P2", "name": "y", "lon": 0.6, "lat": 0.6, "grid": "g1"},
        "P3": {"id": "P3", "name": "z", "lon": 1.9, "lat": 1.9, "grid": "g2"},
    }
    grids = {"D1": "g1", "D2": "g1", "D3": "g2"}
    cluster = ClusterAssessment(
        id="C-1",
        score=70.0,
        level=RiskLevel.ORANGE,
        size=4,
        people=3,
        disputes=["D1", "D2"],
        members=["P1", "P2"],
        factors={},
    )
    view = geomap_view(bounds, props, grids, [("D1", True), ("D2", False), ("D3", True)], [cluster])
    by_name = {r["name"]: r for r in view["regions"]}
    assert (by_name["g1"]["disputes"], by_name["g1"]["open"]) == (2, 1)
    assert by_name["g1"]["level_risk"] == "orange"
    assert by_name["g2"]["level_risk"] == "none"
    assert by_name["g1"]["properties"] == 2
    [placed] = view["clusters"]
    assert (placed["lon"], placed["lat"]) in {(0.5, 0.5), (0.6, 0.6)}
    fig = geomap_figure(view, "en")
    custom = [tuple(c) for tr in fig.data if tr.customdata is not None for c in tr.customdata]
    assert ("cluster", "C-1") in custom
    assert ("property", "P3") in custom


def test_bad_boundaries_name_feature_field_and_value(tmp_path: Path) -> None:
    path = _write(tmp_path / "b.geojson", [_feature("district", "A", SQUARE)] * 2)
    bad = json.loads(path.read_text("utf-8"))
    bad["features"][1]["properties"]["level"] = "county"
    path.write_text(json.dumps(bad), "utf-8")
    with pytest.raises(BoundaryError, match=r"feature 2: properties.level = 'county'"):
        load_boundaries(path)
