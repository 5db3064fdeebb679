"""Tracing reads the store a frontier at a time: the calls per hop do not grow with the frontier.

A fan of ``n`` people, worked by hand::

    D0 ─applicant─ P1 … Pn        (D0 names n people)
    Pi ─applicant─ Di             (each also names one other dispute)
    Di ─respondent─ E             (all those disputes name one employer)

``trace(D0, hops=2)``: hop 1 expands D0 (one read, which also answers for
the source itself), hop 2 expands the n people at once (one read): 2 calls
for any n. A third hop expands the n disputes in one more read (E is reached
there). With resolved records, an identity round (record → canonical →
sibling records) costs one more read per round, not per record.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

import pytest
from analytics_city import City

from disputegraph.analytics import shortest_path, trace
from disputegraph.schemas import GraphEdge, GraphNode, NodeLabel, RelType
from disputegraph.store import MemoryStore
from disputegraph.store.protocol import Subgraph


class CountingStore(MemoryStore):
    """A memory store that counts the reads tracing makes and the ids each asks for."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: Counter[str] = Counter()
        self.batches: list[int] = []

    def get(self, node_id: str) -> GraphNode | None:
        self.calls["get"] += 1
        return super().get(node_id)

    def get_many(self, node_ids: Iterable[str]) -> list[GraphNode]:
        self.calls["get_many"] += 1
        return super().get_many(node_ids)

    def edges_of(
        self, node_id: str, types: Sequence[RelType] | None = None, direction: str = "both"
    ) -> list[GraphEdge]:
        self.calls["edges_of"] += 1
        return super().edges_of(node_id, types, direction)

    def neighbourhood(
        self, node_ids: Sequence[str], hops: int = 1, max_degree: int = 200
    ) -> Subgraph:
        self.calls["neighbourhood"] += 1
        self.batches.append(len(node_ids))
        return super().neighbourhood(node_ids, hops, max_degree)

    def reset(self) -> None:
        self.calls.clear()
        self.batches.clear()


def _fan(n: int) -> CountingStore:
    c = City()
    c.store = CountingStore()
    c.employer("E", "宏达建设").dispute("D0")
    for i in range(1, n + 1):
        c.party(f"P{i}").dispute(f"D{i}")
        c.involve("D0", f"P{i}").involve(f"D{i}", f"P{i}").involve(f"D{i}", "E", "respondent")
    store = c.store
    assert isinstance(store, CountingStore)
    store.reset()
    return store


@pytest.mark.parametrize("n", [2, 5, 40])
def test_a_trace_makes_the_same_few_calls_for_any_frontier(n: int) -> None:
    store = _fan(n)
    result = trace(store, "D0", hops=2)
    assert sorted(link.dispute_id for link in result.linked) == sorted(
        f"D{i}" for i in range(1, n + 1)
    )
    # one neighbourhood per hop, nothing read per node
    assert store.calls == Counter({"neighbourhood": 2})
    assert store.batches == [1, n]  # hop 2 read all n people in one call

    store.reset()
    deeper = trace(store, "D0", hops=3)
    assert store.calls == Counter({"neighbourhood": 3})
    assert store.batches == [1, n, n]
    # the employer every Di names is reached at hop 3; no dispute is further
    assert {link.hops for link in deeper.linked} == {2}


def test_the_guard_and_the_source_in_one_batch() -> None:
    # with max_degree 2 every Pi and Di (2 relationships) is expanded; E (6), met
    # at hop 3 and read in the hop-4 batch, is reached but not expanded
    store = _fan(6)
    result = trace(store, "D0", hops=4, max_degree=2)
    assert result.capped == ["E"]
    assert store.calls == Counter({"neighbourhood": 4})
    assert store.batches == [1, 6, 6, 1]
    # the source is expanded whatever its degree (D0 has 6 relationships)
    store.reset()
    assert len(trace(store, "D0", hops=2, max_degree=2).linked) == 6
    assert store.calls["neighbourhood"] == 2


def test_shortest_path_reads_a_front_at_a_time() -> None:
    few, many = _fan(3), _fan(30)
    assert shortest_path(few, "D1", "D2") == ["D1", "E", "D2"]
    assert shortest_path(many, "D1", "D2") == ["D1", "E", "D2"]
    assert few.calls == many.calls
    assert many.calls["neighbourhood"] <= 2 and many.calls["edges_of"] == 0


def test_identity_rounds_cost_one_read_each_not_one_per_record() -> None:
    # n people, each with a record in another source: Pi ─SAME_AS→ Ci ←SAME_AS─ Qi ─ Fi
    n = 12
    store = _fan(n)
    for i in range(1, n + 1):
        store.upsert_nodes(
            [
                GraphNode(NodeLabel.PARTY, f"C{i}", {"name": f"当事人{i}", "canonical": True}),
                GraphNode(NodeLabel.PARTY, f"Q{i}", {"name": f"当事人{i}"}),
                GraphNode(NodeLabel.DISPUTE, f"F{i}", {"title": f"纠纷F{i}"}),
            ]
        )
        store.upsert_edges(
            [
                GraphEdge(RelType.SAME_AS, f"P{i}", f"C{i}", "", {"active": True}),
                GraphEdge(RelType.SAME_AS, f"Q{i}", f"C{i}", "", {"active": True}),
                GraphEdge(RelType.PARTY_TO, f"Q{i}", f"F{i}", "applicant", {"role": "applicant"}),
            ]
        )
    store.reset()
    result = trace(store, "D0", hops=2)
    found = {link.dispute_id: link for link in result.linked}
    assert set(found) == {f"D{i}" for i in range(1, n + 1)} | {f"F{i}" for i in range(1, n + 1)}
    assert found["F3"].path == ["D0", "P3", "C3", "Q3", "F3"] and found["F3"].hops == 2
    # hop 1: D0; hop 2: the people, then their canonical entities, then the other records
    assert store.batches == [1, n, n, n]
    assert store.calls == Counter({"neighbourhood": 4})
