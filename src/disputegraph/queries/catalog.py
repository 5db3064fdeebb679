"""The catalogue of named Cypher queries: one :class:`NamedQuery` per ``*.cypher`` file.

Every file in this package holds one parameterised query and starts with a
header of ``//`` comment lines::

    // name: party_disputes
    // title: Disputes of a party or employer
    // description: Every dispute a party or employer is party to, with its role.
    // params: party_id (str) — a party or employer id
    // params: hops (int = 2) — a parameter with a default
    // returns: dispute_id, title, role, category, status, reported_at
    // mode: read

``mode`` is ``read``, ``write`` or ``schema``; only ``read`` queries may be run
by the notebook runner. A ``// template: LABEL (NodeLabel)`` line marks a query
whose text holds a ``<<LABEL>>`` (or ``<<TYPE>>``) placeholder that
:meth:`NamedQuery.render` fills with a member of the schema enum, and nothing
else: labels and relationship types come only from the enums, values only
travel as ``$parameters``.

>>> get("party_disputes").params[0].name
'party_id'
>>> get("no_such_query")
Traceback (most recent call last):
...
disputegraph.exceptions.QueryError: unknown named query 'no_such_query'; known: ...
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from importlib import resources
from typing import Any, Literal, LiteralString, cast
from zoneinfo import ZoneInfo

from disputegraph.exceptions import QueryError
from disputegraph.schemas import NodeLabel, RelType

__all__ = [
    "PARAM_TYPES",
    "NamedQuery",
    "Param",
    "catalogue",
    "coerce",
    "get",
    "parse_query_file",
]

Mode = Literal["read", "write", "schema"]

#: the parameter types a header may declare
PARAM_TYPES = ("str", "int", "float", "bool", "date", "datetime", "list[str]", "list[map]")

_HEADER_KEYS = ("name", "title", "description", "params", "returns", "mode")
_PARAM_RE = re.compile(
    r"^(?P<name>[a-z_][a-z0-9_]*)\s*\((?P<type>[a-z\[\]]+)(?:\s*=\s*(?P<default>[^)]*))?\)"
    r"\s*(?:—|--|-)\s*(?P<meaning>.+)$"
)
_TEMPLATE_RE = re.compile(r"^(?P<slot>LABEL|TYPE)\s*\((?P<enum>NodeLabel|RelType)\)$")
_SLOT_RE = re.compile(r"<<([A-Z_]+)>>")
_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_TRUE = {"1", "true", "yes", "y", "on"}
_FALSE = {"0", "false", "no", "n", "off"}
_DEFAULT_TZ = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class Param:
    """One declared parameter of a named query."""

    name: str
    type: str
    meaning: str
    #: the default value (already coerced); only meaningful when ``required`` is false
    default: Any = None
    required: bool = True


@dataclass(frozen=True)
class NamedQuery:
    """One named, parameterised Cypher query read from ``<name>.cypher``."""

    name: str
    title: str
    description: str
    params: tuple[Param, ...]
    returns: str
    mode: Mode
    cypher: LiteralString
    #: ``"LABEL"`` or ``"TYPE"`` when the text has an enum placeholder
    template: str | None = None
    filename: str = field(default="", compare=False)

    @property
    def read_only(self) -> bool:
        return self.mode == "read"

    def param(self, name: str) -> Param | None:
        for p in self.params:
            if p.name == name:
                return p
        return None

    def render(self, member: NodeLabel | RelType | None = None) -> LiteralString:
        """The Cypher text with the template slot filled by an enum member.

        Only members of :class:`NodeLabel` (for ``LABEL``; never ``Entity``) or
        :class:`RelType` (for ``TYPE``) are accepted; a query without a template
        is returned as it is.
        """
        if self.template is None:
            if member is not None:
                raise QueryError(f"query {self.name!r} is not a template; do not pass {member!r}")
            return self.cypher
        if self.template == "LABEL":
            if not isinstance(member, NodeLabel) or member is NodeLabel.ENTITY:
                raise QueryError(
                    f"query {self.name!r} needs a NodeLabel other than Entity, got {member!r}"
                )
            others = ":".join(
                m.value for m in NodeLabel if m is not NodeLabel.ENTITY and m is not member
            )
            slots = {"LABEL": member.value, "OTHER_LABELS": others}
        else:
            if not isinstance(member, RelType):
                raise QueryError(f"query {self.name!r} needs a RelType, got {member!r}")
            slots = {"TYPE": member.value}
        for value in slots.values():
            for part in value.split(":"):
                if not _NAME_RE.match(part):  # pragma: no cover - enum values are names
                    raise QueryError(f"enum value {part!r} is not a plain Cypher name")
        # The text comes from a package file; the only substitutions are enum
        # values checked above, so it is as literal as the file itself.
        text: LiteralString = _SLOT_RE.sub(lambda m: slots[m.group(1)], self.cypher)
        return text


def coerce(param: Param, value: Any, tz: ZoneInfo = _DEFAULT_TZ) -> Any:
    """A parameter value of the declared type; strings (from the CLI) are parsed.

    ``date`` accepts ``2026-03-01``; ``datetime`` accepts ISO 8601 and reads a
    naive value (or a bare date, as its midnight) in ``tz``; ``list[str]`` accepts
    a comma-separated string; ``bool`` accepts true/false/yes/no/1/0.
    """
    where = f"parameter {param.name!r} ({param.type})"
    if value is None:
        return None
    try:
        if param.type == "str":
            if not isinstance(value, str):
                raise TypeError("expected text")
            return value
        if param.type == "int":
            if isinstance(value, bool):
                raise TypeError("expected an integer")
            if isinstance(value, str):
                return int(value.strip())
            if isinstance(value, int):
                return value
            raise TypeError("expected an integer")
        if param.type == "float":
            if isinstance(value, bool):
                raise TypeError("expected a number")
            return float(value.strip() if isinstance(value, str) else value)
        if param.type == "bool":
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in _TRUE:
                return True
            if text in _FALSE:
                return False
            raise ValueError("expected true or false")
        if param.type == "date":
            if isinstance(value, datetime):
                return value.date()
            if isinstance(value, date):
                return value
            return date.fromisoformat(str(value).strip())
        if param.type == "datetime":
            if isinstance(value, datetime):
                moment = value
            elif isinstance(value, date):
                moment = datetime(value.year, value.month, value.day)
            else:
                moment = datetime.fromisoformat(str(value).strip())
            return moment if moment.tzinfo is not None else moment.replace(tzinfo=tz)
        if param.type == "list[str]":
            if isinstance(value, str):
                return [v.strip() for v in value.split(",") if v.strip()]
            items = list(value)
            if not all(isinstance(v, str) for v in items):
                raise TypeError("expected a list of text")
            return items
        if param.type == "list[map]":
            items = list(value)
            if not all(isinstance(v, dict) for v in items):
                raise TypeError("expected a list of maps")
            return items
    except (TypeError, ValueError) as exc:
        raise QueryError(f"{where}: cannot use {value!r}: {exc}") from None
    raise QueryError(f"{where}: unknown type")  # pragma: no cover - checked when parsing


def _parse_param(text: str, filename: str) -> Param:
    m = _PARAM_RE.match(text.strip())
    if m is None:
        raise QueryError(
            f"{filename}: bad params line {text!r}; write `name (type) — meaning` "
            "or `name (type = default) — meaning`"
        )
    ptype = m.group("type")
    if ptype not in PARAM_TYPES:
        raise QueryError(f"{filename}: parameter {m.group('name')!r} has unknown type {ptype!r}")
    param = Param(m.group("name"), ptype, m.group("meaning").strip())
    raw = m.group("default")
    if raw is None:
        return param
    raw = raw.strip()
    default = None if raw.lower() == "none" else coerce(param, raw)
    return Param(param.name, ptype, param.meaning, default, required=False)


def parse_query_file(filename: str, text: str) -> NamedQuery:
    """Parse one ``.cypher`` file; :class:`QueryError` naming the file on any problem."""
    header: dict[str, list[str]] = {}
    body: list[str] = []
    in_header = True
    for line in text.splitlines():
        stripped = line.strip()
        if in_header and stripped.startswith("//"):
            key, sep, value = stripped[2:].strip().partition(":")
            if sep:
                header.setdefault(key.strip(), []).append(value.strip())
            continue
        in_header = False
        body.append(line)
    missing = [k for k in _HEADER_KEYS if not header.get(k) or not all(header[k])]
    if missing:
        raise QueryError(f"{filename}: header lacks {', '.join(missing)}")
    for key in _HEADER_KEYS:
        if key != "params" and len(header[key]) > 1:
            raise QueryError(f"{filename}: header has {key!r} more than once")
    name = header["name"][0]
    if filename != f"{name}.cypher":
        raise QueryError(f"{filename}: name {name!r} does not match the file name")
    mode = header["mode"][0]
    if mode not in ("read", "write", "schema"):
        raise QueryError(f"{filename}: mode {mode!r} is not read, write or schema")
    param_lines = header["params"]
    params: tuple[Param, ...] = ()
    if param_lines != ["none"]:
        params = tuple(_parse_param(p, filename) for p in param_lines)
    names = [p.name for p in params]
    if len(set(names)) != len(names):
        raise QueryError(f"{filename}: a parameter is declared twice")
    template = None
    if "template" in header:
        t = _TEMPLATE_RE.match(header["template"][0])
        if t is None:
            raise QueryError(
                f"{filename}: template must be `LABEL (NodeLabel)` or `TYPE (RelType)`"
            )
        template = t.group("slot")
    cypher: LiteralString = "\n".join(body).strip()
    if not cypher:
        raise QueryError(f"{filename}: no Cypher after the header")
    slots = set(_SLOT_RE.findall(cypher))
    allowed = {"LABEL": {"LABEL", "OTHER_LABELS"}, "TYPE": {"TYPE"}}.get(template or "", set())
    if slots - allowed or (template is not None and template not in slots):
        raise QueryError(f"{filename}: placeholders {sorted(slots)} do not match the template")
    return NamedQuery(
        name=name,
        title=header["title"][0],
        description=header["description"][0],
        params=params,
        returns=header["returns"][0],
        mode=cast(Mode, mode),
        cypher=cypher,  # package data, never user input
        template=template,
        filename=filename,
    )


@cache
def _load() -> dict[str, NamedQuery]:
    queries: dict[str, NamedQuery] = {}
    for entry in sorted(resources.files("disputegraph.queries").iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".cypher"):
            q = parse_query_file(entry.name, entry.read_text(encoding="utf-8"))
            queries[q.name] = q
    return queries


def catalogue(mode: Mode | None = None) -> list[NamedQuery]:
    """Every named query (or those of one mode), sorted by name."""
    return [q for q in _load().values() if mode is None or q.mode == mode]


def get(name: str) -> NamedQuery:
    """The named query; :class:`QueryError` listing the known names if there is none."""
    try:
        return _load()[name]
    except KeyError:
        known = ", ".join(q.name for q in catalogue("read") if not q.name.startswith("store_"))
        raise QueryError(
            f"unknown named query {name!r}; known: {known} (see `query --list`)"
        ) from None
