"""The one registry of kinds: tables, node labels and relationship types.

Loaders, stores, the dashboard and the CLI look kinds up here; an unknown name
fails loudly with :class:`~disputegraph.exceptions.SchemaError`::

    >>> table_model("disputes").__name__
    'DisputeRow'
    >>> table_model("dispute")
    Traceback (most recent call last):
    ...
    disputegraph.exceptions.SchemaError: unknown table 'dispute'; known tables: ...
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from disputegraph.exceptions import SchemaError
from disputegraph.schemas import rows
from disputegraph.schemas.enums import NodeLabel, RelType
from disputegraph.schemas.graph import GraphEdge, GraphNode, plain
from disputegraph.schemas.rows import Row
from disputegraph.text import normalise_name

__all__ = [
    "NODE_TABLES",
    "REL_ENDPOINTS",
    "TABLES",
    "Protector",
    "node_table",
    "parse_label",
    "parse_rel_type",
    "table_model",
    "to_graph",
]

#: Every table in load order: node tables first (parents before children is not
#: needed: references are checked against the whole bundle), then the rest.
TABLES: dict[str, type[Row]] = {
    m.table: m
    for m in (
        rows.DisputeRow,
        rows.PartyRow,
        rows.EmployerRow,
        rows.PropertyRow,
        rows.AgencyRow,
        rows.ReportRow,
        rows.InvolvementRow,
        rows.DisputePropertyRow,
        rows.EmploymentRow,
        rows.ContractRow,
        rows.PropertyTieRow,
        rows.HandlingRow,
        rows.DisputeLinkRow,
    )
}

#: label -> the table that creates nodes of that label
NODE_TABLES: dict[NodeLabel, type[Row]] = {m.label: m for m in TABLES.values() if m.label}

#: relationship type -> (source labels, target labels)
REL_ENDPOINTS: dict[RelType, tuple[tuple[NodeLabel, ...], tuple[NodeLabel, ...]]] = {}


def _endpoints(model: type[Row], fieldname: str) -> tuple[NodeLabel, ...]:
    if fieldname == "id" and model.label is not None:
        return (model.label,)
    return model.refs[fieldname]


for _model in TABLES.values():
    for _spec in _model.edges:
        for _t in _spec.rel_types():
            REL_ENDPOINTS[_t] = (_endpoints(_model, _spec.source), _endpoints(_model, _spec.target))

#: Entity resolution links a source record to its canonical entity (same label family):
#: ``(record)-[:SAME_AS {rule, confidence, evidence}]->(canonical)``. No table creates it.
REL_ENDPOINTS[RelType.SAME_AS] = (
    (NodeLabel.PARTY, NodeLabel.EMPLOYER),
    (NodeLabel.PARTY, NodeLabel.EMPLOYER),
)

#: A name found in a dispute's text, linked to the organisation or place it names:
#: ``(dispute)-[:MENTIONS {kind, text, field, start, end, sentence, rule, confidence,
#: decision}]->(employer or property)`` (:mod:`disputegraph.resolution.mentions`).
REL_ENDPOINTS[RelType.MENTIONS] = ((NodeLabel.DISPUTE,), (NodeLabel.EMPLOYER, NodeLabel.PROPERTY))


def table_model(name: str) -> type[Row]:
    """The row model of a table; :class:`SchemaError` for an unknown name."""
    try:
        return TABLES[name]
    except KeyError:
        raise SchemaError(f"unknown table {name!r}; known tables: {', '.join(TABLES)}") from None


def node_table(label: NodeLabel | str) -> type[Row]:
    try:
        return NODE_TABLES[parse_label(label)]
    except KeyError:
        raise SchemaError(f"no table creates {label!r} nodes") from None


def parse_label(label: NodeLabel | str) -> NodeLabel:
    try:
        return label if isinstance(label, NodeLabel) else NodeLabel(label)
    except ValueError:
        raise SchemaError(f"unknown node label {label!r}; known: {NodeLabel.codes()}") from None


def parse_rel_type(name: RelType | str) -> RelType:
    try:
        return name if isinstance(name, RelType) else RelType(name)
    except ValueError:
        raise SchemaError(f"unknown relationship type {name!r}; known: {RelType.codes()}") from None


#: Turns one private field (``id_number``/``phone``) into the properties that
#: may be stored (its keyed hash and masked form).
Protector = Callable[[str, str], Mapping[str, Any]]


def to_graph(
    row: Row, protect: Protector | None = None
) -> tuple[GraphNode | None, list[GraphEdge]]:
    """The node (if the row's table creates one) and the edges a row becomes.

    Raw private fields never reach the result: without ``protect`` they are
    dropped, with it they are replaced by what it returns.
    """
    model = type(row)
    values = row.__dict__
    node = None
    if model.label is not None:
        props: dict[str, Any] = {}
        for name, value in values.items():
            if name == "id" or value is None:
                continue
            if name in model.private:
                if protect is not None:
                    props.update(protect(name, value))
                continue
            props[name] = plain(value)
        if "name" in props:
            norm = normalise_name(props["name"])
            # most names are already normal: keep one string object (it is the
            # embedded store's largest single column)
            props["name_norm"] = props["name"] if norm == props["name"] else norm
        node = GraphNode(model.label, values["id"], props)
    edges = []
    for spec in model.edges:
        target = values[spec.target]
        if target is None:
            if spec.optional:
                continue
            raise SchemaError(f"{model.table}: {spec.target} is required for {spec.rel_type(row)}")
        eprops = {p: plain(values[p]) for p in spec.props if values[p] is not None}
        key = "|".join("" if values[k] is None else str(plain(values[k])) for k in spec.key)
        edges.append(GraphEdge(spec.rel_type(row), values[spec.source], target, key, eprops))
    return node, edges
