"""Services over the analysed sample bundle: plain data, filters, masking, budgets."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from disputegraph.config import Settings
from disputegraph.dashboard.components.swimlane import flag_chips
from disputegraph.store.memory import MemoryStore
from disputegraph.views.services import Services, mask_name
from disputegraph.views.state import ViewState

NAMES = ("张伟", "李强", "刘洋", "陈建军")
SAMPLE = Path(__file__).parents[1] / "data" / "sample"


@pytest.fixture
def services(sample_settings: Settings, analysed_store: MemoryStore) -> Services:
    return Services(sample_settings, analysed_store)


def test_mask_name() -> None:
    assert mask_name("张三丰") == "张**"
    assert mask_name("李强") == "李*"
    assert mask_name(" ") == ""


def test_overview_counts_open_disputes_and_ranks_clusters(services: Services) -> None:
    view = services.overview(ViewState())
    frame = services.disputes_frame()
    is_open = services.open_at(date.fromisoformat(view["as_of"]))
    assert view["has_analysis"]
    assert view["kpis"]["open_disputes"] == int(is_open.sum()) > 0
    assert view["kpis"]["people"] == int(frame[is_open]["headcount"].sum())
    scores = [r["score"] for r in view["clusters"]]
    assert scores == sorted(scores, reverse=True)
    assert view["clusters"][0]["href"].startswith("/cluster?id=C-")
    json.dumps(view)  # plain data only


def test_overview_filters(services: Services) -> None:
    nowhere = services.overview(ViewState(district="不存在区"))
    assert nowhere["kpis"]["open_disputes"] == 0
    assert nowhere["clusters"] == []
    wage = services.overview(ViewState(category="wage_arrears"))
    assert (
        0 < wage["kpis"]["open_disputes"] < services.overview(ViewState())["kpis"]["open_disputes"]
    )
    assert all("欠薪" in r["categories"] for r in wage["clusters"])
    top_level = wage["clusters"][0]["level"]
    only = services.overview(ViewState(level=top_level))
    assert {r["level"] for r in only["clusters"]} == {top_level}


def _labels(view: dict) -> set[str]:
    return {
        el["data"].get("label", "")
        for el in view["network"]["elements"]
        if "source" not in el["data"]
    }


def test_cluster_view_masks_person_names_by_role(services: Services) -> None:
    top = services.overview(ViewState())["clusters"][0]["id"]
    analyst = services.cluster_view(ViewState(cluster=top), role="analyst")
    officer = services.cluster_view(ViewState(cluster=top), role="officer")
    assert analyst is not None and officer is not None and analyst["found"]
    assert "张伟" in _labels(officer)
    assert "张*" in _labels(analyst)
    assert not _labels(analyst) & set(NAMES)
    assert analyst["factors"] and analyst["reasons"]
    assert any(p["kind"] == "report" for p in analyst["timeline"])
    assert analyst["agencies"]


def test_cluster_view_aggregates_past_the_budget_and_drills_in(
    sample_settings: Settings, analysed_store: MemoryStore
) -> None:
    small = Services(sample_settings, analysed_store, element_budget=12)
    top = small.overview(ViewState())["clusters"][0]["id"]
    view = small.cluster_view(ViewState(cluster=top))
    assert view is not None
    net = view["network"]
    assert net["aggregated"]
    assert len(net["elements"]) <= 12
    groups = [e["data"]["id"] for e in net["elements"] if e["data"].get("kind") == "Group"]
    assert (
        groups
        and sum(e["data"]["count"] for e in net["elements"] if "count" in e["data"])
        == net["total_nodes"]
    )
    drilled = small.cluster_view(ViewState(cluster=top, group=groups[0]))
    assert drilled is not None
    assert not drilled["network"]["aggregated"]
    assert drilled["network"]["group"] == groups[0]
    assert len(drilled["network"]["elements"]) <= 12


def test_unknown_cluster_and_missing_analysis(
    services: Services, sample_settings: Settings, loaded_store: MemoryStore
) -> None:
    assert services.cluster_view(ViewState(cluster="C-nope")) == {"found": False, "id": "C-nope"}
    bare = Services(sample_settings, loaded_store)
    assert bare.cluster_view(ViewState()) is None
    assert bare.agencies(ViewState()) is None
    view = bare.overview(ViewState())
    assert not view["has_analysis"]
    assert view["clusters"] == []
    assert view["kpis"]["open_disputes"] > 0


def test_search_by_name_and_by_phone(services: Services) -> None:
    by_name = services.search("张伟", ViewState())
    assert [h["id"] for h in by_name] == ["P-001"]
    assert by_name[0]["name"] == "张*"
    by_phone = services.search("138 1234 5678", ViewState(), role="officer")
    assert "P-001" in [h["id"] for h in by_phone]
    assert services.search("   ", ViewState()) == []


def test_ego_network_expands_and_guards_supernodes(
    sample_settings: Settings, analysed_store: MemoryStore
) -> None:
    svc = Services(sample_settings, analysed_store, supernode_degree=3)
    base = svc.ego_network("P-001", [], ViewState())
    ids_ = {e["data"]["id"] for e in base["elements"] if "source" not in e["data"]}
    assert "P-001" in ids_
    hub = "E-WJG-LT"  # the labour team: many workers
    expanded = svc.ego_network("P-001", [hub], ViewState())
    assert any(s["id"] == hub for s in expanded["supernodes"])
    assert any(e["data"].get("kind") == "Group" for e in expanded["elements"])


def test_trace_rows_mask_the_path(services: Services) -> None:
    rows = services.trace("P-001", ViewState())
    assert rows is not None
    linked = {r["dispute_id"] for r in rows}
    assert {"D-001", "D-002"} <= linked
    assert all("张伟" not in r["path"] and "张伟" not in r["reason"] for r in rows)


def test_chain_of_the_bounced_case(services: Services) -> None:
    chain = services.chain("D-003", ViewState(lang="en"))
    assert chain is not None
    assert "bounced" in {f["code"] for f in chain["flags"]}
    assert [s["seq"] for s in chain["steps"]] == sorted(s["seq"] for s in chain["steps"])
    assert {f["label"] for f in chain["flags"]} >= {"Bounced"}


def test_chain_cites_the_time_limit_an_overdue_step_broke(services: Services) -> None:
    # D-003 was kept past the 2-working-day return limit, a local rule
    for lang, text in (
        ("en", "Local rule (return of a misassigned ticket)"),
        ("zh", "地方规定（错派工单退回时限）"),
    ):
        chain = services.chain("D-003", ViewState(lang=lang))
        assert chain is not None
        overdue = next(f for f in chain["flags"] if f["code"] == "overdue")
        assert overdue["basis"] == text
        assert text in {s["basis"] for s in chain["steps"] if s["overdue"]}
        assert all(not f["basis"] for f in chain["flags"] if f["code"] != "overdue")
    chips = str(flag_chips(chain, "zh"))
    assert "依据: 地方规定（错派工单退回时限）" in chips


def test_agencies_view(services: Services) -> None:
    view = services.agencies(ViewState())
    assert view is not None
    assert view["pairs"] and view["agencies"]
    returned = [p for p in view["pairs"] if p["returned"]]
    assert returned
    assert "D-003" in {c["dispute_id"] for c in view["cases"]}
    filtered = services.agencies(ViewState(category="noise"))
    assert filtered is not None
    assert "D-003" not in {c["dispute_id"] for c in filtered["cases"]}


def test_expanding_keeps_drawn_nodes_in_place(services: Services) -> None:
    def pos(view: dict) -> dict[str, dict]:
        return {e["data"]["id"]: e["position"] for e in view["elements"] if "position" in e}

    before = pos(services.ego_network("P-001", [], ViewState()))
    employer = next(i for i in before if i.startswith("E-"))
    after = pos(services.ego_network("P-001", [employer], ViewState()))
    assert len(after) > len(before)
    for node_id, xy in before.items():
        assert after[node_id] == pytest.approx(xy, abs=0.5)


def test_dispute_titles_mask_the_names_of_their_persons(sample_settings: Settings) -> None:
    from disputegraph.schemas import GraphEdge, GraphNode, NodeLabel, RelType

    store = MemoryStore()
    store.upsert_nodes(
        [
            GraphNode(NodeLabel.PARTY, "P1", {"name": "张三丰", "kind": "person"}),
            GraphNode(
                NodeLabel.PARTY,
                "O1",
                {"name": "东湖物业", "name_norm": "东湖物业", "kind": "organization"},
            ),
            GraphNode(
                NodeLabel.DISPUTE, "D1", {"title": "张三丰与东湖物业纠纷", "status": "accepted"}
            ),
        ]
    )
    store.upsert_edges(
        [
            GraphEdge(RelType.PARTY_TO, "P1", "D1", "applicant", {"role": "applicant"}),
            GraphEdge(RelType.PARTY_TO, "O1", "D1", "respondent", {"role": "respondent"}),
        ]
    )
    svc = Services(sample_settings, store)
    assert svc.title("D1", "张三丰与东湖物业纠纷") == "张**与东湖物业纠纷"
    assert svc.title("D1", "张三丰与东湖物业纠纷", role="officer") == "张三丰与东湖物业纠纷"
    assert [h["name"] for h in svc.search("东湖", ViewState())] == ["东湖物业"]
    assert [h["name"] for h in svc.search("D1", ViewState())] == ["张**与东湖物业纠纷"]


#: an as-of date in the sample's past: D-006 (resolved today, closed 2026-01-10)
#: was open then, D-004 and D-005 (closed in November and December) were not
PAST = date(2026, 1, 1)


@pytest.fixture(scope="module")
def past(sample_settings: Settings) -> Services:
    """The sample bundle analysed at :data:`PAST` (its own store)."""
    from disputegraph.analytics import run_analysis
    from disputegraph.ingest import load_bundle

    store = MemoryStore()
    load_bundle(SAMPLE, store, sample_settings)
    run_analysis(store, as_of=PAST, window_days=180)
    return Services(sample_settings, store)


def test_open_at_a_past_date_is_what_the_analysis_counts(past: Services) -> None:
    from disputegraph.analytics.projection import project

    state = ViewState(as_of=PAST, window=180)
    proj = project(past.store, PAST, 180)  # every sample dispute is in this window
    opened = {d.id for d in proj.disputes.values() if d.open}
    assert "D-006" in opened and not {"D-004", "D-005"} & opened
    view = past.overview(state)
    assert view["as_of"] == PAST.isoformat() and view["analysis_as_of"] == PAST.isoformat()
    assert view["kpis"]["open_disputes"] == len(opened)
    people = sum(d.headcount for d in proj.disputes.values() if d.open)
    assert view["kpis"]["people"] == people
    assert sum(r["open"] for r in view["by_district"]) == len(opened)
    # the status filter's "open" choice keeps exactly those
    only = past.overview(replace(state, status="open"))
    assert only["kpis"]["open_disputes"] == len(opened)
    assert sum(r["closed"] for r in only["by_district"]) == 0
    assert set(past.open_at(PAST)[lambda s: s].index) == opened
    # every cluster of the analysis counts the disputes the dashboard calls open
    analysis = past.analysis(state)
    assert analysis is not None and analysis.as_of == PAST
    for c in analysis.clusters:
        assert c.open_disputes == sum(d in opened for d in c.disputes), c.id
    # and the cluster page draws them so
    found = analysis.cluster_of("D-006")
    assert found is not None
    cluster = past.cluster_view(replace(state, cluster=found.id))
    assert cluster is not None and cluster["open"] == 1
    node = next(e for e in cluster["network"]["elements"] if e["data"]["id"] == "D-006")
    assert "open" in node["classes"].split()
    point = next(p for p in cluster["timeline"] if p["id"] == "D-006")
    assert point["open"] is True


def test_cluster_view_names_who_must_pay_a_wage_clusters_wages(services: Services) -> None:
    from disputegraph.dashboard.pages.cluster import payers_panel

    analysis = services.analysis(ViewState())
    assert analysis is not None
    wage, other_id = (analysis.cluster_of(d) for d in ("D-001", "D-004"))
    assert wage is not None and other_id is not None
    zh = services.cluster_view(ViewState(cluster=wage.id))
    en = services.cluster_view(ViewState(cluster=wage.id, lang="en"))
    assert zh is not None and en is not None
    # the sample's chain: the labour team and the subcontractor employ the workers
    payers = zh["liable_payers"]["payers"]
    assert [p["employer_id"] for p in payers] == ["E-HD-GC", "E-LC-SUB", "E-WJG-LT"]
    assert (payers[0]["role"], payers[0]["duty"]) == ("施工总承包单位", "先行清偿")
    assert payers[0]["citation"] == "《保障农民工工资支付条例》（2020）第三十条"
    assert zh["liable_payers"]["chain"].startswith("杭州恒远置业有限公司（建设单位） → ")
    first_en = en["liable_payers"]["payers"][0]
    assert first_en["role"] == "General contractor" and first_en["citation"].endswith("art. 30")
    assert en["liable_payers"]["notes"] and "art. 30" in en["liable_payers"]["notes"][0]
    children, style = payers_panel(zh, "zh")
    assert style == {} and "欠薪清偿责任主体" in str(children) and "第三十条" in str(children)
    other = services.cluster_view(ViewState(cluster=other_id.id))
    assert other is not None and other["found"] and other["liable_payers"] is None
    assert payers_panel(other, "zh") == ([], {"display": "none"})


def test_cluster_reasons_are_masked_on_the_overview_and_the_cluster_page(
    sample_settings: Settings, analysed_store: MemoryStore
) -> None:
    """A reason names a respondent, who may be a person (a neighbour, a relative):
    analysts see the name masked in the ranked grid and on the cluster page."""
    svc = Services(sample_settings, analysed_store)
    analysis = svc.analysis(ViewState())
    assert analysis is not None
    c = analysis.clusters[0]
    c.members.append("P-001")  # 张伟
    c.reasons_zh.insert(0, "被申请人张伟")
    for role, shown in (("analyst", "被申请人张*"), ("officer", "被申请人张伟")):
        grid = svc.overview(ViewState(), role=role)["clusters"]
        assert next(r for r in grid if r["id"] == c.id)["reason"] == shown
        page = svc.cluster_view(ViewState(cluster=c.id), role=role)
        assert page is not None and page["reasons"][0] == shown


def test_cluster_view_lists_key_persons_masked_by_role(services: Services) -> None:
    from disputegraph.dashboard.pages.cluster import key_persons_panel

    analysis = services.analysis(ViewState())
    assert analysis is not None
    homes = analysis.cluster_of("D-004")  # the 翠苑 compound: 7 disputes
    assert homes is not None
    zh = services.cluster_view(ViewState(cluster=homes.id))
    en = services.cluster_view(ViewState(cluster=homes.id, lang="en"), role="officer")
    assert zh is not None and en is not None
    # the owners' committee P-013 joins D-003 to D-004 and what hangs off it: it is the
    # cut vertex of the cluster and first; 吴志明 (P-006, applicant in one dispute and
    # respondent in another) second
    first, second = zh["key_persons"][:2]
    assert (first["entity_id"], first["name"]) == ("P-013", "翠苑一区业主委员会")
    assert first["kind_label"] == "组织" and first["why"].startswith("连接簇内2个部分")
    assert (second["entity_id"], second["name"]) == ("P-006", "吴**")  # masked for analysts
    assert en["key_persons"][1]["name"] == "吴志明"  # an officer sees the name
    assert en["key_persons"][0]["why"].startswith("ties 2 parts of the cluster together")
    children, style = key_persons_panel(zh, "zh")
    assert style == {} and "关键人物与单位" in str(children) and "吴**" in str(children)
    assert "吴志明" not in str(children)
    assert key_persons_panel({"key_persons": []}, "zh") == ([], {"display": "none"})


def test_cluster_view_says_since_when_the_cluster_is_tracked(services: Services) -> None:
    top = services.overview(ViewState())["clusters"][0]["id"]
    en = services.cluster_view(ViewState(cluster=top, lang="en"), role="analyst")
    zh = services.cluster_view(ViewState(cluster=top, lang="zh"), role="analyst")
    assert en is not None and zh is not None
    # one analysis of the sample: every cluster is new, first seen at the as-of date
    assert en["lineage"] == "new" and en["came_from"] == []
    result = services.analysis(ViewState())
    assert result is not None and en["since"] == result.as_of.isoformat()
    assert en["lineage_text"] == f"first seen {en['since']}"
    assert zh["lineage_text"] == f"首次出现于{en['since']}"
