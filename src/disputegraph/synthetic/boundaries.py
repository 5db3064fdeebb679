"""The synthetic city's district, street and grid boundaries (``boundaries.geojson``).

The boundaries follow the properties: every located property is a site of one
Voronoi diagram (clipped to the city's box), a site's cell belongs to the grid of
the properties at it, a grid is the union of its cells, a street the union of its
grids and a district the union of its streets. So every located property lies in
its own street's and district's polygon, and in its grid's unless another grid's
property stands on exactly the same point (the generator puts a community's
construction projects on one point). A grid with no located property gets one
site near its community's centre, so every grid has a polygon. Same properties,
same file: the diagram and the unions depend only on the sites.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

import numpy as np
import shapely
from shapely.geometry import mapping

from disputegraph.synthetic.city import City

__all__ = ["LocatedProperties", "boundaries_json", "build_boundaries"]

#: how far the box reaches beyond the outermost site, in degrees
MARGIN = 0.01
#: how far a grid's own site sits from its community's centre, in degrees
GRID_SITE_RADIUS = 0.002


class LocatedProperties:
    """The coordinates and divisions of the properties as they are written."""

    def __init__(self) -> None:
        self.points: dict[tuple[float, float], Counter[tuple[str, str, str]]] = defaultdict(Counter)

    def add(self, cols: dict[str, list[Any]] | None) -> None:
        """Take the located rows of one ``properties`` column chunk."""
        if not cols or not cols.get("id"):
            return
        for lat, lon, district, street, grid in zip(
            cols["lat"], cols["lon"], cols["district"], cols["street"], cols["grid"], strict=True
        ):
            if lat in ("", None) or lon in ("", None) or not grid:
                continue
            self.points[(round(float(lon), 6), round(float(lat), 6))][
                (str(district), str(street), str(grid))
            ] += 1


def _sites(city: City, located: LocatedProperties) -> tuple[list[tuple[float, float]], list[int]]:
    """Site points and the grid index of each (a point's most frequent grid; ties by name)."""
    grid_index = {name: g for g, name in enumerate(city.grid_name)}
    points: list[tuple[float, float]] = []
    labels: list[int] = []
    for point in sorted(located.points):
        counts = located.points[point]
        best = max(counts.items(), key=lambda kv: (kv[1], kv[0][2]))[0]
        g = grid_index.get(best[2])
        if g is not None:
            points.append(point)
            labels.append(g)
    have = set(labels)
    for g in range(len(city.grid_name)):
        if g in have:
            continue
        c = int(city.grid_comm[g])
        k = g - int(city.comm_grid_start[c])
        angle = 2 * np.pi * (k + 0.5) / max(1, int(city.comm_grid_n[c]))
        points.append(
            (
                round(float(city.comm_lon[c]) + GRID_SITE_RADIUS * float(np.cos(angle)), 6),
                round(float(city.comm_lat[c]) + GRID_SITE_RADIUS * float(np.sin(angle)), 6),
            )
        )
        labels.append(g)
    return points, labels


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, (list, tuple)):
        return [_rounded(v) for v in value]
    return value


def _feature(level: str, name: str, geom: Any, **props: str) -> dict[str, Any]:
    shape = mapping(shapely.set_precision(geom, 1e-6))
    return {
        "type": "Feature",
        "properties": {"level": level, "name": name, **props},
        "geometry": {"type": shape["type"], "coordinates": _rounded(shape["coordinates"])},
    }


def build_boundaries(city: City, located: LocatedProperties) -> dict[str, Any]:
    """The GeoJSON ``FeatureCollection``: districts, then streets, then grids (each with
    ``level``, ``name`` and the names of the divisions above it)."""
    points, labels = _sites(city, located)
    xy = np.asarray(points, dtype=np.float64)
    lo, hi = xy.min(axis=0) - MARGIN, xy.max(axis=0) + MARGIN
    box = shapely.box(lo[0], lo[1], hi[0], hi[1])
    cells = shapely.get_parts(
        shapely.voronoi_polygons(shapely.multipoints(xy), extend_to=box, ordered=True)
    )
    cells = shapely.intersection(cells, box)
    by_grid: dict[int, list[Any]] = defaultdict(list)
    for cell, g in zip(cells.tolist(), labels, strict=True):
        by_grid[g].append(cell)
    grid_geom = {g: shapely.union_all(parts) for g, parts in sorted(by_grid.items())}
    street_parts: dict[int, list[Any]] = defaultdict(list)
    for g, geom in grid_geom.items():
        street_parts[int(city.comm_street[int(city.grid_comm[g])])].append(geom)
    street_geom = {s: shapely.union_all(parts) for s, parts in sorted(street_parts.items())}
    district_parts: dict[int, list[Any]] = defaultdict(list)
    for s, geom in street_geom.items():
        district_parts[int(city.street_district[s])].append(geom)
    features: list[dict[str, Any]] = []
    for d, parts in sorted(district_parts.items()):
        features.append(_feature("district", city.districts[d][0], shapely.union_all(parts)))
    for s, geom in street_geom.items():
        district = city.districts[int(city.street_district[s])][0]
        features.append(_feature("street", city.street_name[s], geom, district=district))
    for g, geom in grid_geom.items():
        s = int(city.comm_street[int(city.grid_comm[g])])
        features.append(
            _feature(
                "grid",
                city.grid_name[g],
                geom,
                district=city.districts[int(city.street_district[s])][0],
                street=city.street_name[s],
            )
        )
    return {"type": "FeatureCollection", "features": features}


def boundaries_json(collection: dict[str, Any]) -> str:
    """The file's text: one feature a line, coordinates to 6 decimals."""
    lines: Sequence[str] = [
        json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in collection["features"]
    ]
    return '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"
