"""The ``trace_disputes`` named query lists what ``trace()`` lists, across resolved sources.

A small city is generated, split across 3 source systems (``generate
--sources 3``), loaded into a real Neo4j server and resolved (``resolve
run``). The query follows active ``SAME_AS`` like the tracer (a record, its
canonical entity and the entity's other records are one stakeholder, at no
hop), so from every sampled entity its dispute ids and hops equal
``trace()``'s on the same store; the planted cross-source cluster is found
only through resolved identities. The database is emptied before and after.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from disputegraph.analytics import trace
from disputegraph.config import Settings
from disputegraph.queries import get
from disputegraph.queries.runner import run_on
from disputegraph.schemas import NodeLabel, RelType
from shared_helpers import planted_pattern

pytestmark = [pytest.mark.neo4j, pytest.mark.slow]


@pytest.fixture(scope="module")
def resolved(
    neo4j_driver: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Any, dict[str, Any]]]:
    from disputegraph.resolution import run_resolution
    from disputegraph.store.neo4j import Neo4jStore
    from disputegraph.synthetic import generate_city
    from disputegraph.synthetic.multisource import load_split, split_sources

    base: Path = tmp_path_factory.mktemp("sources")
    generate_city(base / "plain", scale=300, seed=7)
    truth = split_sources(base / "plain", base / "sources", sources=3, seed=7)
    store = Neo4jStore(neo4j_driver)
    store.ensure_schema()
    store.clear()
    try:
        load_split(base / "sources", store, Settings(demo=True, workspace=base / "ws"))
        run_resolution(store)
        yield store, truth
    finally:
        store.clear()


def _query(store: Any, entity_id: str, **params: Any) -> dict[str, int]:
    rows = run_on(store, "trace_disputes", entity_id=entity_id, **params)
    found = {}
    for r in rows.to_dict("records"):
        path, via = list(r["path"]), list(r["via"])
        assert path[0] == entity_id and path[-1] == r["dispute_id"]
        assert len(via) == len(path) - 1
        # identity steps cost no hop
        assert r["hops"] == sum(1 for t in via if t != RelType.SAME_AS.value)
        found[r["dispute_id"]] = int(r["hops"])
    return found


def _traced(store: Any, entity_id: str, hops: int, max_degree: int = 200) -> dict[str, int]:
    result = trace(store, entity_id, hops, max_degree=max_degree)
    return {link.dispute_id: link.hops for link in result.linked}


def test_the_query_follows_resolved_identities_like_the_tracer(
    resolved: tuple[Any, dict[str, Any]],
) -> None:
    store, truth = resolved
    hidden = planted_pattern(truth, "cross_source_wage_cluster")
    first, *siblings = hidden["disputes"]
    found = _query(store, first)
    assert set(siblings) <= set(found)
    assert found == _traced(store, first, 2)
    rows = run_on(store, "trace_disputes", entity_id=first).to_dict("records")
    assert any(RelType.SAME_AS.value in r["via"] for r in rows if r["dispute_id"] in siblings)


def test_the_query_lists_the_same_disputes_as_trace_from_any_entity(
    resolved: tuple[Any, dict[str, Any]],
) -> None:
    store, _ = resolved
    canonical = [
        e.target
        for batch in store.iter_edges(RelType.SAME_AS)
        for e in batch
        if e.props.get("active", True)
    ]
    assert canonical, "resolution linked no records"
    rng = random.Random(3)
    pools = {
        label: [n.id for batch in store.iter_nodes(label) for n in batch]
        for label in (NodeLabel.DISPUTE, NodeLabel.PARTY, NodeLabel.EMPLOYER, NodeLabel.AGENCY)
    }
    sources = sorted(set(canonical))[:6] + [
        i for ids in pools.values() for i in rng.sample(ids, min(8, len(ids)))
    ]
    crossed = 0
    for entity in sources:
        for hops, max_degree in ((1, 200), (2, 200), (2, 4), (3, 30)):
            got = _query(store, entity, hops=hops, max_degree=max_degree)
            assert got == _traced(store, entity, hops, max_degree), (entity, hops, max_degree)
            crossed += bool(got)
    assert crossed > len(sources)  # most traces find something


def test_the_query_is_read_only_and_parameterised() -> None:
    query = get("trace_disputes")
    assert query.read_only and query.template is None
    assert [p.name for p in query.params] == ["entity_id", "hops", "max_degree"]
    assert "$entity_id" in query.cypher and "SAME_AS" in query.cypher
