"""The map page's data: boundaries, located properties, hotspots per grid, clusters placed.

The boundaries are the deployment's own GeoJSON (``DISPUTEGRAPH_BOUNDARIES``; the
synthetic city writes ``boundaries.geojson``): a ``FeatureCollection`` of Polygon or
MultiPolygon features whose ``properties`` give ``level`` (``district``, ``street``
or ``grid``) and ``name`` (the name the bundle's ``district``/``street``/``grid``
columns use). Nothing is fetched: the page draws the outlines on plain axes.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from disputegraph.exceptions import DisputeGraphError
from disputegraph.schemas import NodeLabel
from disputegraph.schemas.analysis import ClusterAssessment
from disputegraph.store.protocol import GraphStore

__all__ = [
    "LEVELS",
    "Boundaries",
    "BoundaryError",
    "Region",
    "contains",
    "dispute_grids",
    "geomap_view",
    "load_boundaries",
    "located_properties",
]

LEVELS = ("district", "street", "grid")
#: risk levels from the highest
_LEVEL_ORDER = ("red", "orange", "yellow", "blue", "none")

Ring = list[tuple[float, float]]


class BoundaryError(DisputeGraphError):
    """A boundaries file that cannot be drawn."""


@dataclass(frozen=True)
class Region:
    """One division: its level, name, the names above it and its outer rings (lon, lat)."""

    level: str
    name: str
    district: str | None
    street: str | None
    rings: tuple[Ring, ...]

    @property
    def centre(self) -> tuple[float, float]:
        """The mean vertex of the largest ring (a label position)."""
        ring = max(self.rings, key=len)
        return sum(p[0] for p in ring) / len(ring), sum(p[1] for p in ring) / len(ring)


@dataclass(frozen=True)
class Boundaries:
    regions: tuple[Region, ...]

    def of(self, level: str) -> list[Region]:
        return [r for r in self.regions if r.level == level]


def _fail(path: Path, no: int, field: str, value: Any, reason: str) -> BoundaryError:
    return BoundaryError(f"{path}: feature {no}: {field} = {value!r}: {reason}")


def _rings(path: Path, no: int, geometry: Any) -> tuple[Ring, ...]:
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    coords: Any = geometry.get("coordinates") if isinstance(geometry, dict) else None
    polygons: Any
    if kind == "Polygon":
        polygons = [coords]
    elif kind == "MultiPolygon":
        polygons = coords
    else:
        raise _fail(path, no, "geometry.type", kind, "use Polygon or MultiPolygon")
    try:
        rings = tuple([(float(x), float(y)) for x, y, *_ in poly[0]] for poly in polygons)
    except (TypeError, ValueError, IndexError):
        raise _fail(
            path, no, "geometry.coordinates", str(coords)[:40], "not [lon, lat] rings"
        ) from None
    if not rings or any(len(r) < 3 for r in rings):
        raise _fail(path, no, "geometry.coordinates", str(coords)[:40], "a ring of < 3 points")
    return rings


def load_boundaries(path: Path) -> Boundaries:
    """Read and check a GeoJSON ``FeatureCollection`` (one :class:`BoundaryError` naming
    the file, feature, field, value and reason)."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BoundaryError(f"{path}: cannot read the boundaries: {exc.strerror}") from None
    except json.JSONDecodeError as exc:
        raise BoundaryError(f"{path}: line {exc.lineno}: not JSON: {exc.msg}") from None
    features = doc.get("features") if isinstance(doc, dict) else None
    if not isinstance(features, list):
        raise BoundaryError(f"{path}: not a GeoJSON FeatureCollection (no 'features' list)")
    regions: list[Region] = []
    for no, feature in enumerate(features, start=1):
        props = feature.get("properties") if isinstance(feature, dict) else None
        props = props if isinstance(props, dict) else {}
        level, name = props.get("level"), props.get("name")
        if level not in LEVELS:
            raise _fail(path, no, "properties.level", level, f"use one of {', '.join(LEVELS)}")
        if not isinstance(name, str) or not name:
            raise _fail(path, no, "properties.name", name, "a division needs its name")
        regions.append(
            Region(
                level,
                name,
                props.get("district"),
                props.get("street"),
                _rings(path, no, feature.get("geometry")),
            )
        )
    return Boundaries(tuple(regions))


def contains(region: Region, lon: float, lat: float) -> bool:
    """Whether the point is inside one of the region's outer rings (ray casting)."""
    for ring in region.rings:
        inside = False
        for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
            if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
                inside = not inside
        if inside:
            return True
    return False


def located_properties(store: GraphStore) -> dict[str, dict[str, Any]]:
    """Properties with coordinates: id → name, kind, lon, lat, district, grid."""
    keys = ("name", "kind", "lon", "lat", "district", "grid")
    out: dict[str, dict[str, Any]] = {}
    for batch in store.iter_node_values(NodeLabel.PROPERTY, keys):
        for pid, name, kind, lon, lat, district, grid in batch:
            if lon in (None, "") or lat in (None, ""):
                continue
            out[pid] = {
                "id": pid,
                "name": name or pid,
                "kind": kind,
                "lon": float(lon),
                "lat": float(lat),
                "district": district,
                "grid": grid,
            }
    return out


def dispute_grids(store: GraphStore) -> dict[str, str]:
    """Dispute id → its grid (disputes with one)."""
    return {
        did: grid
        for batch in store.iter_node_values(NodeLabel.DISPUTE, ("grid",))
        for did, grid in batch
        if grid
    }


def _placed(
    cluster: ClusterAssessment, props: Mapping[str, Mapping[str, Any]]
) -> tuple[float, float] | None:
    """The located member property nearest the members' mean point."""
    pts = [props[m] for m in cluster.members if m in props]
    if not pts:
        return None
    mx = sum(p["lon"] for p in pts) / len(pts)
    my = sum(p["lat"] for p in pts) / len(pts)
    best = min(pts, key=lambda p: ((p["lon"] - mx) ** 2 + (p["lat"] - my) ** 2, p["id"]))
    return best["lon"], best["lat"]


def _top_level(levels: Iterable[str]) -> str:
    seen = set(levels)
    return next((lv for lv in _LEVEL_ORDER if lv in seen), "none")


def geomap_view(
    boundaries: Boundaries,
    props: Mapping[str, Mapping[str, Any]],
    grids: Mapping[str, str],
    disputes: Sequence[tuple[str, bool]],
    clusters: Sequence[ClusterAssessment],
) -> dict[str, Any]:
    """Plain data for the map: the regions, per grid the disputes (of ``disputes``:
    ``(id, open at the as-of date)``), open ones, located properties and the highest
    risk level of a cluster with a dispute there; the clusters with a position."""
    total: Counter[str] = Counter()
    open_: Counter[str] = Counter()
    for did, is_open in disputes:
        grid = grids.get(did)
        if grid:
            total[grid] += 1
            open_[grid] += int(is_open)
    prop_n = Counter(p["grid"] for p in props.values() if p.get("grid"))
    grid_levels: dict[str, list[str]] = defaultdict(list)
    placed: list[dict[str, Any]] = []
    for c in clusters:
        for d in c.disputes:
            if d in grids:
                grid_levels[grids[d]].append(c.level.value)
        pos = _placed(c, props)
        if pos is not None:
            placed.append(
                {
                    "id": c.id,
                    "lon": pos[0],
                    "lat": pos[1],
                    "level": c.level.value,
                    "score": round(c.score, 1),
                    "people": c.people,
                    "disputes": len(c.disputes),
                    "district": max(c.districts, key=lambda k: c.districts[k])
                    if c.districts
                    else None,
                }
            )
    regions = [
        {
            "level": r.level,
            "name": r.name,
            "district": r.district,
            "rings": [list(map(list, ring)) for ring in r.rings],
            "centre": list(r.centre),
            "disputes": total.get(r.name, 0) if r.level == "grid" else None,
            "open": open_.get(r.name, 0) if r.level == "grid" else None,
            "properties": prop_n.get(r.name, 0) if r.level == "grid" else None,
            "level_risk": _top_level(grid_levels.get(r.name, ())) if r.level == "grid" else None,
        }
        for r in boundaries.regions
    ]
    return {
        "regions": regions,
        "properties": sorted(props.values(), key=lambda p: p["id"]),
        "clusters": placed,
    }
