"""Tracing across source systems, through resolved entities, on a hand-built graph.

    D1 (12345) ─applicant─ A1 ─SAME_AS─▶ C ◀─SAME_AS─ A2 ─applicant─ D2 (网格)
                                         ▲
                                         └─SAME_AS─ A3 ─applicant─ D5 (信访)
    D1 ─respondent─ E1 ─SAME_AS─▶ K ◀─SAME_AS─ E2 ─respondent─ D6 (网格)
    P0 ─applicant─ D1
    D3 ─applicant─ B1 ─SAME_AS(retired)─▶ R ◀─SAME_AS(retired)─ B2 ─applicant─ D4

A1, A2 and A3 are one person (canonical C); E1 and E2 one company (K). An
identity step costs no hop, so worked by hand:

- from D1, 2 hops: D2, D5 (through C) and D6 (through K), each at 2 hops;
  ``D1 → A1 → C → A2 → D2`` is the path to D2;
- from D1, 1 hop: nothing (every link needs a stakeholder between two disputes);
- from A1, 1 hop: D1 directly, D2 and D5 through C;
- from C, 1 hop: D1, D2, D5 (the disputes of all its records);
- from P0, 3 hops: D2 via D1 then the person (P0 → D1 → A1 → C → A2 → D2);
- D3 never reaches D4: their records' SAME_AS are retired.
"""

from __future__ import annotations

from typing import Any

import pytest
from analytics_city import City

from disputegraph.analytics import shortest_path, trace
from disputegraph.exceptions import AnalysisError
from disputegraph.resolution import canonical_map, run_resolution
from disputegraph.schemas import GraphEdge, GraphNode, NodeLabel, RelType
from shared_helpers import planted_pattern


def _same_as(
    record: str, canonical: str, *, active: bool = True, rule: str = "id_number"
) -> GraphEdge:
    return GraphEdge(
        RelType.SAME_AS,
        record,
        canonical,
        "",
        {
            "rule": rule,
            "confidence": 1.0,
            "decision": "auto",
            "evidence": ["same id-number hash"],
            "matched": [],
            "active": active,
        },
    )


def _canonical(label: NodeLabel, id: str, name: str, members: list[str], **props: Any) -> GraphNode:
    return GraphNode(
        label,
        id,
        {"name": name, "canonical": True, "active": True, "members": len(members), **props},
    )


def _set_source(c: City, dispute: str, source: str) -> None:
    node = c.store.get(dispute)
    assert node is not None
    c.store.upsert_nodes([GraphNode(node.label, node.id, {**node.props, "source": source})])


@pytest.fixture
def city() -> City:
    c = City()
    c.party("A1", "张三").party("A2", "張三").party("A3", "张 三").party("P0", "李四")
    c.party("B1", "王五").party("B2", "王伍")
    c.employer("E1", "宏达建设").employer("E2", "宏达建设有限公司")
    for d, source in (
        ("D1", "12345"),
        ("D2", "网格"),
        ("D3", "12345"),
        ("D4", "网格"),
        ("D5", "信访"),
        ("D6", "网格"),
    ):
        c.dispute(d, title=f"纠纷{d}")
        _set_source(c, d, source)
    c.involve("D1", "A1").involve("D1", "P0").involve("D1", "E1", "respondent")
    c.involve("D2", "A2").involve("D5", "A3").involve("D6", "E2", "respondent")
    c.involve("D3", "B1").involve("D4", "B2")
    c.store.upsert_nodes(
        [
            _canonical(NodeLabel.PARTY, "C", "张三", ["A1", "A2", "A3"], kind="person"),
            _canonical(NodeLabel.EMPLOYER, "K", "宏达建设有限公司", ["E1", "E2"]),
            _canonical(NodeLabel.PARTY, "R", "王五", [], kind="person"),
        ]
    )
    c.store.upsert_edges(
        [
            _same_as("A1", "C"),
            _same_as("A2", "C"),
            _same_as("A3", "C", rule="phone_name"),
            _same_as("E1", "K", rule="org_name"),
            _same_as("E2", "K", rule="org_name"),
            _same_as("B1", "R", active=False),
            _same_as("B2", "R", active=False),
        ]
    )
    return c


def test_a_dispute_reaches_the_disputes_of_the_same_person_in_other_sources(city: City) -> None:
    result = trace(city.store, "D1", hops=2)
    found = {link.dispute_id: link for link in result.linked}
    assert sorted(found) == ["D2", "D5", "D6"]
    d2 = found["D2"]
    assert d2.hops == 2 and d2.path == ["D1", "A1", "C", "A2", "D2"] and d2.identities == ["C"]
    assert d2.reason_zh == "同一申请人張三（同一人，跨来源记录 12345:A1 / 网格:A2）"
    assert d2.reason_en == "shares applicant 張三 (same person across sources: 12345:A1 / 网格:A2)"
    d5 = found["D5"]
    assert d5.hops == 2 and d5.path == ["D1", "A1", "C", "A3", "D5"]
    assert d5.reason_zh == "同一申请人张 三（同一人，跨来源记录 12345:A1 / 信访:A3）"
    d6 = found["D6"]
    assert d6.hops == 2 and d6.path == ["D1", "E1", "K", "E2", "D6"] and d6.identities == ["K"]
    assert d6.reason_zh == "同一被申请人宏达建设有限公司（同一单位，跨来源记录 12345:E1 / 网格:E2）"
    assert d6.reason_en == (
        "shares respondent 宏达建设有限公司 (same organisation across sources: 12345:E1 / 网格:E2)"
    )


def test_identity_steps_cost_no_hop_but_a_link_still_needs_a_stakeholder(city: City) -> None:
    assert trace(city.store, "D1", hops=1).linked == []


def test_from_a_record_and_from_its_canonical_entity(city: City) -> None:
    from_record = {link.dispute_id: link for link in trace(city.store, "A1", hops=1).linked}
    assert sorted(from_record) == ["D1", "D2", "D5"]
    assert from_record["D1"].path == ["A1", "D1"] and from_record["D1"].identities == []
    assert from_record["D1"].reason_en == "the source is its applicant 张三"
    assert from_record["D2"].hops == 1 and from_record["D2"].path == ["A1", "C", "A2", "D2"]
    assert (
        from_record["D2"].reason_zh
        == "本对象为该纠纷的申请人張三（同一人，跨来源记录 12345:A1 / 网格:A2）"
    )
    from_entity = trace(city.store, "C", hops=1)
    assert from_entity.source_label == "Party"
    found = {link.dispute_id: link for link in from_entity.linked}
    assert sorted(found) == ["D1", "D2", "D5"]
    assert {d: link.hops for d, link in found.items()} == {"D1": 1, "D2": 1, "D5": 1}
    assert found["D2"].path == ["C", "A2", "D2"]
    assert (
        found["D2"].reason_en
        == "the source is its applicant 張三 (same person, source record 网格:A2)"
    )
    assert found["D2"].reason_zh == "本对象为该纠纷的申请人張三（同一人的来源记录 网格:A2）"


def test_an_identity_in_the_middle_of_a_longer_path(city: City) -> None:
    found = {link.dispute_id: link for link in trace(city.store, "P0", hops=3).linked}
    assert found["D1"].hops == 1
    d2 = found["D2"]
    assert d2.hops == 3 and d2.path == ["P0", "D1", "A1", "C", "A2", "D2"]
    assert d2.reason_zh == "经由纠纷纠纷D1→申请人張三（同一人，跨来源记录 12345:A1 / 网格:A2）"
    assert d2.reason_en == (
        "linked via dispute 纠纷D1 → applicant 張三 "
        "(same person across sources: 12345:A1 / 网格:A2)"
    )
    # two hops from P0 reach D1's other stakeholders, not the next disputes
    assert sorted(link.dispute_id for link in trace(city.store, "P0", hops=2).linked) == ["D1"]


def test_retired_same_as_links_nothing(city: City) -> None:
    assert [link.dispute_id for link in trace(city.store, "D3", hops=4).linked] == []
    assert [link.dispute_id for link in trace(city.store, "B1", hops=2).linked] == ["D3"]
    with pytest.raises(AnalysisError, match="no path"):
        shortest_path(city.store, "D3", "D4")


def test_shortest_path_walks_identities(city: City) -> None:
    assert shortest_path(city.store, "D1", "D2") == ["D1", "A1", "C", "A2", "D2"]
    assert shortest_path(city.store, "A2", "D1") == ["A2", "C", "A1", "D1"]


def test_the_hub_guard_still_holds_for_entities_and_records(city: City) -> None:
    # C has 3 relationships (three records): with max_degree 2 it is reached, not
    # expanded, so D2 and D5 are out of reach; K (2 records) still links D6
    result = trace(city.store, "D1", hops=2, max_degree=2)
    assert "C" in result.capped
    assert [link.dispute_id for link in result.linked] == ["D6"]
    # the source's own entity is always expanded: from A1 the guard does not apply to C
    from_record = trace(city.store, "A1", hops=1, max_degree=1)
    assert sorted(link.dispute_id for link in from_record.linked) == ["D1", "D2", "D5"]
    assert "C" not in from_record.capped


# ---------------------------------------------------------------------------
# a generated multi-source city


@pytest.fixture(scope="module")
def split_city(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, dict[str, Any]]:
    """A small city split across 3 source systems, loaded (not yet resolved), and its
    planted cross-source wage cluster."""
    from disputegraph.config import Settings
    from disputegraph.store.memory import MemoryStore
    from disputegraph.synthetic import generate_city
    from disputegraph.synthetic.multisource import load_split, split_sources

    base = tmp_path_factory.mktemp("split")
    generate_city(base / "plain", scale=300, seed=7)
    truth = split_sources(base / "plain", base / "sources", sources=3, seed=7)
    store = MemoryStore()
    load_split(base / "sources", store, Settings(demo=True, workspace=base / "ws"))
    return store, planted_pattern(truth, "cross_source_wage_cluster")


def test_a_planted_dispute_reaches_its_sibling_only_across_sources(
    split_city: tuple[Any, dict[str, Any]],
) -> None:
    store, hidden = split_city
    first, *siblings = hidden["disputes"]
    before = {link.dispute_id for link in trace(store, first, hops=2).linked}
    assert not before & set(siblings)  # the sources share no record

    run_resolution(store)
    canon = canonical_map(store)
    result = trace(store, first, hops=2)
    found = {link.dispute_id: link for link in result.linked}
    assert set(siblings) <= set(found)
    records = {r for recs in hidden["records"].values() for r in recs}
    for sibling in siblings:
        link = found[sibling]
        assert link.hops == 2 and link.identities
        # the path runs record → its canonical entity → a record of another source
        for entity in link.identities:
            i = link.path.index(entity)
            before_id, after_id = link.path[i - 1], link.path[i + 1]
            assert canon[before_id] == canon[after_id] == entity
            assert before_id in records and after_id in records and before_id != after_id
        assert "跨来源记录" in link.reason_zh and "across sources" in link.reason_en
    # tracing from the canonical entity of a shared worker reaches the disputes of all
    # its records, one hop each
    shared = next(w for w, recs in hidden["records"].items() if len(recs) >= 2)
    entity = canon[hidden["records"][shared][0]]
    from_entity = {link.dispute_id: link.hops for link in trace(store, entity, hops=1).linked}
    named_in = {
        e.target
        for r in hidden["records"][shared]
        for e in store.edges_of(r, [RelType.PARTY_TO], "out")
    }
    assert len(named_in) >= 2 and from_entity == dict.fromkeys(named_in, 1)


def test_the_cli_prints_the_cross_source_reason_in_both_languages(
    city: City, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    from typer.testing import CliRunner

    from disputegraph.cli import app
    from disputegraph.store.memory import MemoryStore

    saved = MemoryStore.in_workspace(tmp_path)
    for label in NodeLabel:
        for batch in city.store.iter_nodes(label):
            saved.upsert_nodes(batch)
    for rel in RelType:
        for edges in city.store.iter_edges(rel):
            saved.upsert_edges(edges)
    saved.flush()
    monkeypatch.setenv("DISPUTEGRAPH_WORKSPACE", str(tmp_path))
    monkeypatch.setenv("DISPUTEGRAPH_STORE", "memory")
    monkeypatch.setenv("DISPUTEGRAPH_ROLE", "analyst")  # the reason names a person: masked
    runner = CliRunner()
    for lang, reason in (
        ("zh", "同一申请人張*（同一人，跨来源记录 12345:A1 / 网格:A2）"),
        ("en", "shares applicant 張* (same person across sources: 12345:A1 / 网格:A2)"),
    ):
        monkeypatch.setenv("DISPUTEGRAPH_LANGUAGE", lang)
        out = runner.invoke(app, ["trace", "D1", "--format", "json"])
        assert out.exit_code == 0, out.output
        linked = {x["dispute_id"]: x for x in json.loads(out.stdout)["linked"]}
        d2 = linked["D2"]
        assert d2["reason"] == reason and d2["identities"] == ["C"]
        assert d2["path"] == ["D1", "A1", "C", "A2", "D2"]
        assert {d2["reason_zh"], d2["reason_en"]} >= {reason}
        rows = runner.invoke(app, ["trace", "D1", "--format", "csv"])
        assert rows.exit_code == 0 and reason in rows.stdout


def test_the_cross_source_records_are_named_with_their_source_system(
    split_city: tuple[Any, dict[str, Any]],
) -> None:
    store, hidden = split_city
    first, *siblings = hidden["disputes"]
    sources = {n.id: n.props.get("source") for n in store.get_many(hidden["disputes"])}
    # each planted dispute carries its system's name, as the other disputes there do
    assert all(sources.values()) and len(set(sources.values())) == len(sources)
    run_resolution(store)  # idempotent: the fixture's store may already be resolved
    found = {link.dispute_id: link for link in trace(store, first, hops=2).linked}
    for sibling in siblings:
        assert f"{sources[sibling]}:" in found[sibling].reason_en
        assert f"{sources[first]}:" in found[sibling].reason_zh
