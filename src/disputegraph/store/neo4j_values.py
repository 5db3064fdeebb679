"""How values travel between the graph model and the Neo4j driver.

Datetimes and dates are sent as ISO text that the server converts (a zoned
datetime with its zone id, ``2026-01-08T09:30:00+08:00[Asia/Shanghai]``) and
come back as tagged text parsed here: the driver's own temporal conversion is
pure Python (about 0.4 ms a value, the bottleneck of a load). ``zoneinfo``
datetimes that must go through the driver (query parameters) move to pytz
zones first (python/cpython#125318). Used only by :mod:`disputegraph.store.neo4j`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import neo4j
import neo4j.graph
import neo4j.time
import pytz  # type: ignore[import-untyped]  # no type information; a driver dependency

from disputegraph.schemas import GraphEdge, GraphNode, NodeLabel, RelType

#: node properties the store keeps for itself, and the relationship key property
NODE_META = ("id", "label")
EDGE_META = "key"
_TEMPORAL = (neo4j.time.DateTime, neo4j.time.Date, neo4j.time.Time)


def to_driver(value: Any) -> Any:
    """A value safe to send: datetimes in a ``zoneinfo`` zone move to the same pytz zone.

    The driver computes UTC offsets by calling ``tzinfo.utcoffset`` with its own
    DateTime type; CPython's C ``zoneinfo`` crashes the interpreter on that
    (a segmentation fault, not an exception), while pytz zones work. The instant
    and the zone name are kept, so Neo4j stores a named-zone DateTime.
    """
    if isinstance(value, datetime):
        tz = value.tzinfo
        if isinstance(tz, ZoneInfo):
            return value.astimezone(pytz.timezone(tz.key))
        return value
    if isinstance(value, list):
        return [to_driver(v) for v in value]
    if isinstance(value, dict):
        return {k: to_driver(v) for k, v in value.items()}
    return value


def _from_temporal(value: Any) -> Any:
    native = value.to_native()
    if isinstance(native, datetime):
        zone = getattr(native.tzinfo, "zone", None)
        if isinstance(zone, str):
            return native.astimezone(ZoneInfo(zone))
    return native


def native(value: Any) -> Any:
    """Driver values back to Python ones (temporal types to datetime/date/time)."""
    if isinstance(value, _TEMPORAL):
        return _from_temporal(value)
    if isinstance(value, list):
        return [native(v) for v in value]
    if isinstance(value, dict):
        return {k: native(v) for k, v in value.items()}
    if isinstance(value, neo4j.graph.Node):
        return {k: native(v) for k, v in value.items()}
    if isinstance(value, neo4j.graph.Relationship):
        return {k: native(v) for k, v in value.items()}
    if isinstance(value, neo4j.graph.Path):
        return [n.get("id") for n in value.nodes]
    return value


_FRACTION = re.compile(r"(\.\d{6})\d+")


def parse_datetime(text: str) -> datetime:
    """Neo4j's text form of a zoned datetime (``…+08:00[Asia/Shanghai]``) as a datetime."""
    stamp, _, zone = text.partition("[")
    if "." in stamp:  # nanoseconds: the first six digits
        stamp = _FRACTION.sub(r"\1", stamp)
    moment = datetime.fromisoformat(stamp)
    return moment.astimezone(ZoneInfo(zone[:-1])) if zone else moment


def value_of(value: Any) -> Any:
    """A value of a store query (temporal values as tagged text) as a Python one."""
    kind = type(value)
    if kind is str or kind is int or kind is float or kind is bool or value is None:
        return value
    if kind is list:
        return [value_of(v) for v in value]
    if kind is dict:
        if "datetime" in value:
            return parse_datetime(value["datetime"])
        if "date" in value:
            return date.fromisoformat(value["date"])
    return native(value)


def props_of(pairs: list[list[Any]], drop: Iterable[str]) -> dict[str, Any]:
    """Property pairs from a store query (temporal values as tagged text) as a dict."""
    skip = set(drop)
    return {k: value_of(v) for k, v in pairs if k not in skip}


_PLAIN_TYPES = frozenset({str, int, float, bool})


def _plain_list(value: list[Any]) -> bool:
    """Whether a list holds only plain values (nothing the driver must convert)."""
    return all(type(v) in _PLAIN_TYPES for v in value)


def split_props(props: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str], dict[str, str]]:
    """Plain properties, datetimes and dates (as ISO text the server converts).

    Sending text is much faster than the driver's own temporal packing, and the
    zone name survives (``2026-01-08T09:30:00+08:00[Asia/Shanghai]``). This runs
    once per written row, so plain values are recognised by their exact type first.
    """
    plain: dict[str, Any] = {}
    datetimes: dict[str, str] = {}
    dates: dict[str, str] = {}
    for k, v in props.items():
        kind = type(v)
        if kind in _PLAIN_TYPES:
            plain[k] = v
        elif v is None:
            continue
        elif isinstance(v, datetime):
            tz = v.tzinfo
            if tz is None:
                plain[k] = v  # a local datetime: rare, left to the driver
            elif isinstance(tz, ZoneInfo):
                datetimes[k] = f"{v.isoformat()}[{tz.key}]"
            else:
                datetimes[k] = v.isoformat()
        elif isinstance(v, date):
            dates[k] = v.isoformat()
        elif kind is list and _plain_list(v):
            plain[k] = v
        else:
            plain[k] = to_driver(v)
    return plain, datetimes, dates


def node_of(row: neo4j.Record | dict[str, Any], label: str | None = None) -> GraphNode:
    return GraphNode(NodeLabel(label or row["label"]), row["id"], props_of(row["props"], NODE_META))


def edge_of(rel: RelType | str, row: neo4j.Record | dict[str, Any]) -> GraphEdge:
    props = props_of(row["props"], ())
    key = props.pop(EDGE_META, "")
    return GraphEdge(
        rel if isinstance(rel, RelType) else RelType(rel), row["source"], row["target"], key, props
    )


def edge_order(e: GraphEdge) -> tuple[str, str, str, str]:
    return (e.type.value, e.source, e.target, e.key)
