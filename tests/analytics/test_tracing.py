"""Tracing on a hand-built graph.

    P1 ─applicant─ D1 ─respondent─ E1 ─respondent─ D2 ─applicant─ P2
                    └──concerns── B1 ──concerns────┘
    E2 subcontractor of E1; E2 respondent of D3          (D1–E1–E2–D3: 3 hops)
    D4 shares only an agency with D1                     (never linked)
    D5 related to D1 as a rebound                        (1 hop)

From D1 with 2 hops: D5 (1 hop), D2 (2 hops, shares respondent E1 and property B1).
With 3 hops D3 joins, linked via E1 then E2.
"""

from __future__ import annotations

import pytest
from analytics_city import City

from disputegraph.analytics import shortest_path, trace
from disputegraph.exceptions import AnalysisError


@pytest.fixture
def city() -> City:
    c = City()
    c.party("P1", "张三").party("P2", "李四")
    c.employer("E1", "宏达建设").employer("E2", "力诚劳务")
    c.prop("B1", "3号楼")
    c.agency("A", "street_township_government", "township")
    for d in ("D1", "D2", "D3", "D4", "D5"):
        c.dispute(d, title=f"纠纷{d}")
    c.involve("D1", "P1").involve("D1", "E1", "respondent")
    c.involve("D2", "P2").involve("D2", "E1", "respondent")
    c.concerns("D1", "B1").concerns("D2", "B1")
    c.contract("E1", "E2").involve("D3", "E2", "respondent")
    c.handle("D1", 1, "A", "received", "2026-01-02T09:00:00")
    c.handle("D4", 1, "A", "received", "2026-01-02T09:00:00")
    c.link("D1", "D5", "rebound")
    return c


def test_two_hops_from_a_dispute(city: City) -> None:
    result = trace(city.store, "D1", hops=2)
    assert result.source == "D1" and result.source_label == "Dispute"
    found = {link.dispute_id: link for link in result.linked}
    assert sorted(found) == ["D2", "D5"]  # D4 shares only an agency; D3 is 3 hops away
    d2 = found["D2"]
    assert d2.hops == 2 and d2.path[0] == "D1" and d2.path[-1] == "D2" and len(d2.path) == 3
    assert d2.path[1] in {"E1", "B1"}
    # organisations are named first, then places, then people
    assert d2.reason_en == "shares respondent 宏达建设 and property 3号楼"
    assert d2.reason_zh == "同一被申请人宏达建设、同一房产3号楼"
    d5 = found["D5"]
    assert d5.hops == 1 and d5.path == ["D1", "D5"]
    assert d5.reason_en == "related dispute (rebound)" and d5.reason_zh == "关联纠纷(反弹)"


def test_three_hops_reach_along_the_contractor_chain(city: City) -> None:
    found = {link.dispute_id: link for link in trace(city.store, "D1", hops=3).linked}
    assert found["D3"].hops == 3 and found["D3"].path == ["D1", "E1", "E2", "D3"]
    assert found["D3"].reason_en == "linked via employer 宏达建设 → respondent 力诚劳务"
    assert found["D3"].reason_zh == "经由用工单位宏达建设→被申请人力诚劳务"
    assert "D4" not in found


def test_from_a_party(city: City) -> None:
    found = {link.dispute_id: link for link in trace(city.store, "P1", hops=3).linked}
    assert found["D1"].hops == 1 and found["D1"].reason_en == "the source is its applicant 张三"
    assert found["D2"].hops == 3  # P1 - D1 - E1/B1 - D2


def test_hubs_are_not_expanded(city: City) -> None:
    # E1 has 3 relationships (D1, D2, E2): with max_degree 2 it is reached, not expanded;
    # B1 (2 relationships) still links D2
    result = trace(city.store, "D1", hops=3, max_degree=2)
    assert "E1" in result.capped
    found = {link.dispute_id: link for link in result.linked}
    assert "D3" not in found and found["D2"].path == ["D1", "B1", "D2"]


def test_shortest_path(city: City) -> None:
    assert shortest_path(city.store, "P1", "D3") == ["P1", "D1", "E1", "E2", "D3"]
    assert shortest_path(city.store, "D3", "P1") == ["D3", "E2", "E1", "D1", "P1"]
    assert shortest_path(city.store, "P1", "P1") == ["P1"]
    with pytest.raises(AnalysisError, match="no path"):
        shortest_path(city.store, "P1", "D4")


def test_errors(city: City) -> None:
    with pytest.raises(AnalysisError, match="unknown id 'X'"):
        trace(city.store, "X")
    with pytest.raises(AnalysisError, match="hops"):
        trace(city.store, "D1", hops=0)
    with pytest.raises(AnalysisError, match="unknown id"):
        shortest_path(city.store, "D1", "X")


def test_reason_through_a_related_dispute() -> None:
    # D1 and D3 are both related to D2 and share nothing else: the reason names D2
    c = City()
    for d in ("D1", "D2", "D3"):
        c.dispute(d, title=f"纠纷{d}")
    c.link("D1", "D2", "same_incident").link("D2", "D3", "follow_up")
    (d3,) = [link for link in trace(c.store, "D1", hops=2).linked if link.dispute_id == "D3"]
    assert d3.path == ["D1", "D2", "D3"]
    assert d3.reason_en == "linked via dispute 纠纷D2" and d3.reason_zh == "经由纠纷纠纷D2"


def test_search_by_name_and_by_id_number() -> None:
    from disputegraph.analytics import search_entities
    from disputegraph.config import Settings
    from disputegraph.pii import protector
    from disputegraph.schemas import PartyRow, to_graph

    settings = Settings(demo=True)
    c = City()
    row = PartyRow.model_validate(
        {
            "id": "P9",
            "kind": "person",
            "name": "王五",
            "id_number": "330102199001011234",
            "phone": "13812345678",
        }
    )
    node, _ = to_graph(row, protector(settings))
    assert node is not None and "id_number" not in node.props
    c.store.upsert_nodes([node])
    assert [n.id for n in search_entities(c.store, "王五")] == ["P9"]
    assert [n.id for n in search_entities(c.store, "330102199001011234", settings=settings)] == [
        "P9"
    ]
    assert [n.id for n in search_entities(c.store, "138 1234 5678", settings=settings)] == ["P9"]
    assert search_entities(c.store, "330102199001019999", settings=settings) == []


def test_search_finds_an_exact_id_whatever_its_label(city: City) -> None:
    from disputegraph.analytics import search_entities
    from disputegraph.schemas import NodeLabel

    # the labels narrow the name search; an agency is still found by its id
    assert [n.id for n in search_entities(city.store, "A", labels=[NodeLabel.PARTY])] == ["A"]
    assert search_entities(city.store, "   ") == []


def test_search_by_phone_also_finds_names_that_carry_it() -> None:
    from disputegraph.analytics import search_entities
    from disputegraph.config import Settings
    from disputegraph.pii import protector
    from disputegraph.schemas import PartyRow, to_graph

    settings = Settings(demo=True)
    c = City()
    row = PartyRow.model_validate(
        {"id": "P9", "kind": "person", "name": "王五", "phone": "13812345678"}
    )
    node, _ = to_graph(row, protector(settings))
    assert node is not None
    c.store.upsert_nodes([node])
    c.employer("E9", "13812345678维修部")
    found = [n.id for n in search_entities(c.store, "13812345678", settings=settings)]
    assert found == ["P9", "E9"]  # the hash hit first, then the name
    assert len(search_entities(c.store, "13812345678", settings=settings, limit=1)) == 1


def test_search_without_a_pii_key_finds_by_name() -> None:
    from disputegraph.analytics import search_entities
    from disputegraph.config import Settings

    keyless = Settings(demo=False, pii_key=None)
    c = City()
    c.employer("E9", "13812345678维修部")
    assert [n.id for n in search_entities(c.store, "13812345678", settings=keyless)] == ["E9"]
