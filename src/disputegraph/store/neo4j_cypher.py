"""The Neo4j store's statements: named Cypher filled in from the schema enums, the schema
to ensure, keyset pagination."""

from __future__ import annotations

from functools import cache
from typing import Any, LiteralString

from disputegraph.queries.catalog import get as get_query
from disputegraph.schemas import NodeLabel, RelType

__all__ = ["DOMAIN_LABELS"]


#: the domain labels (every node also has Entity)
DOMAIN_LABELS = tuple(m for m in NodeLabel if m is not NodeLabel.ENTITY)


#: the schema statements without a label to fill in
_SCHEMA_PLAIN = (
    "store_schema_entity_id",
    "store_schema_document_key",
    "store_schema_name_norm",
    "store_schema_party_id_number_hash",
    "store_schema_party_phone_hash",
    "store_schema_dispute_reported_at",
    "store_schema_dispute_status",
)


@cache
def _cypher(name: str, member: NodeLabel | RelType | None = None) -> LiteralString:
    """The text of a named query (a template filled with an enum member)."""
    return get_query(name).render(member)


def _by_id_cursor(row: list[Any]) -> dict[str, str]:
    return {"after": row[0]}


def _by_ends_cursor(row: list[Any]) -> dict[str, str]:
    return {"after_source": row[0], "after_target": row[1], "after_key": row[2]}


#: Keyset pagination of nodes (by id) and of relationships (by source, target, key):
#: where the first page starts, and where the page after a row starts.
_BY_ID = ({"after": ""}, _by_id_cursor)


_BY_ENDS = ({"after_source": "", "after_target": "", "after_key": ""}, _by_ends_cursor)
