"""What the query tests share (importable: test modules are not meant to be)."""

from __future__ import annotations

#: the analyst (notebook) queries the catalogue must hold, each checked against Neo4j by name
ANALYST_QUERIES = frozenset(
    {
        "linked_disputes",
        "shortest_path",
        "contractor_chain",
        "disputes_in_property_subtree",
        "agency_handoffs",
        "overdue_handoffs",
        "repeat_petitioners",
        "disputes_by_category",
        "open_disputes_by_district",
        "party_disputes",
        "cluster_members",
    }
)
