"""The tracer's source-records panel and canonical-aware linked disputes.

Unit tests run the service on a hand-built store:

    D1 (12345) ─applicant─ A1 「张三」 ─SAME_AS(id_number, auto)──────▶ C 「张三」
    D2 (网格)  ─applicant─ A2 「張三」 ─SAME_AS(phone_name, accepted)─▶ C
    D3 (网格)  ─applicant─ P0 「李四」 (never merged)

The browser test serves a small generated multi-source city, resolved and
analysed, searches a resolved person by name, and reads the panel and the
linked disputes from the real page.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from dashboard_helpers import SCREENSHOTS, serve_demo

from disputegraph.config import Settings
from disputegraph.dashboard.components.source_records import COLUMNS, source_records_table
from disputegraph.schemas import GraphEdge, GraphNode, NodeLabel, RelType
from disputegraph.store.memory import MemoryStore
from disputegraph.views.services import Services
from disputegraph.views.state import ViewState


def _hand_built() -> MemoryStore:
    store = MemoryStore()
    parties = [("A1", "张三"), ("A2", "張三"), ("P0", "李四")]
    store.upsert_nodes(
        [GraphNode(NodeLabel.PARTY, i, {"name": n, "kind": "person"}) for i, n in parties]
        + [GraphNode(NodeLabel.PARTY, "C", {"name": "张三", "kind": "person", "canonical": True})]
        + [
            GraphNode(
                NodeLabel.DISPUTE,
                d,
                {"title": f"{who}反映欠薪", "status": "accepted", "source": src},
            )
            for d, who, src in (
                ("D1", "张三", "12345"),
                ("D2", "張三", "网格"),
                ("D3", "李四", "网格"),
            )
        ]
    )
    edges = [
        GraphEdge(RelType.PARTY_TO, p, d, "applicant", {"role": "applicant"})
        for p, d in (("A1", "D1"), ("A2", "D2"), ("P0", "D3"))
    ]
    for record, rule, decision, evidence in (
        ("A1", "id_number", "auto", ["same id-number hash"]),
        ("A2", "phone_name", "accepted", ["same phone hash; same name 张三 / 張三"]),
    ):
        props = {
            "rule": rule,
            "confidence": 0.99 if rule == "phone_name" else 1.0,
            "decision": decision,
            "evidence": evidence,
            "matched": [],
            "active": True,
        }
        edges.append(GraphEdge(RelType.SAME_AS, record, "C", "", props))
    store.upsert_edges(edges)
    return store


@pytest.fixture
def hand_built() -> Services:
    return Services(Settings(demo=True, store="memory"), _hand_built())


def test_source_records_of_a_record_masked_for_analysts(hand_built: Services) -> None:
    view = hand_built.source_records("A1", ViewState())
    assert view is not None
    assert view["entity"] == "C" and view["name"] == "张*" and view["kind"] == "Party"
    rows = {r["id"]: r for r in view["rows"]}
    assert sorted(rows) == ["A1", "A2"]
    a1, a2 = rows["A1"], rows["A2"]
    assert (a1["source"], a1["name"], a1["rule"], a1["confidence"]) == (
        "12345",
        "张*",
        "id_number",
        1.0,
    )
    assert a1["decision_label"] == "自动合并" and a1["rule_label"] == "身份证号相同(哈希)"
    assert a1["selected"] and not a2["selected"]
    assert (a2["source"], a2["name"], a2["confidence"]) == ("网格", "張*", 0.99)
    assert a2["decision_label"] == "审核确认"
    assert a2["evidence"] == "same phone hash; same name 张* / 張*"
    assert "张三" not in json.dumps(view, ensure_ascii=False)


def test_source_records_in_full_for_officers_and_in_english(hand_built: Services) -> None:
    view = hand_built.source_records("C", ViewState(lang="en"), role="officer")
    assert view is not None and view["name"] == "张三"
    rows = {r["id"]: r for r in view["rows"]}
    assert rows["A2"]["name"] == "張三" and "张三 / 張三" in rows["A2"]["evidence"]
    assert rows["A2"]["decision_label"] == "Accepted in review"
    assert rows["A1"]["rule_label"] == "Same id-number hash"
    assert not any(r["selected"] for r in view["rows"])  # the entity itself is no record


def test_search_marks_the_resolved_entity(hand_built: Services) -> None:
    hits = {h["id"]: h for h in hand_built.search("C", ViewState())}
    assert hits["C"]["kind_label"] == "当事人（统一实体）"
    hits = {h["id"]: h for h in hand_built.search("A1", ViewState(lang="en"))}
    assert hits["A1"]["kind_label"] == "Party"


def test_no_panel_for_an_entity_that_was_not_merged(hand_built: Services) -> None:
    assert hand_built.source_records("P0", ViewState()) is None
    assert hand_built.source_records("D1", ViewState()) is None
    assert hand_built.source_records("nope", ViewState()) is None


def test_linked_disputes_cross_sources_with_a_masked_reason(hand_built: Services) -> None:
    rows = hand_built.trace("D1", ViewState())
    assert rows is not None
    linked = {r["dispute_id"]: r for r in rows}
    assert sorted(linked) == ["D2"]
    assert linked["D2"]["hops"] == 2 and "跨来源记录 12345:A1 / 网格:A2" in linked["D2"]["reason"]
    assert "張三" not in linked["D2"]["reason"] and "張*" in linked["D2"]["reason"]
    assert "张三" not in linked["D2"]["path"]


def _texts(component: Any) -> list[str]:
    """Every string in a Dash component tree, depth first."""
    if isinstance(component, str):
        return [component]
    children = getattr(component, "children", None)
    if children is None:
        return []
    if not isinstance(children, list):
        children = [children]
    return [s for child in children for s in _texts(child)]


def test_the_panel_builder_shows_every_column(hand_built: Services) -> None:
    view = hand_built.source_records("A2", ViewState(lang="en"))
    assert view is not None
    texts = _texts(source_records_table(view, "en"))
    for header in ("Source system", "Record id", "Rule", "Confidence", "Evidence", "Decision"):
        assert header in texts
    for row in view["rows"]:
        assert row["id"] in texts and row["source"] in texts and row["decision_label"] in texts
    assert "0.99" in texts and len(COLUMNS) == 7


# ---------------------------------------------------------------------------
# the real page, in headless Chromium


@pytest.fixture(scope="module")
def resolved_server(
    tmp_path_factory: pytest.TempPathFactory, chromium_path: str
) -> Iterator[tuple[str, MemoryStore, Settings]]:
    """A small city split across 3 sources, loaded, resolved and analysed into a
    workspace, served by ``disputegraph serve --demo`` (stopped by its pid)."""
    from disputegraph.analytics import run_analysis
    from disputegraph.resolution import run_resolution
    from disputegraph.synthetic import generate_city
    from disputegraph.synthetic.multisource import load_split, split_sources

    base = tmp_path_factory.mktemp("resolved")
    workspace = base / "ws"
    settings = Settings(demo=True, store="memory", workspace=workspace)
    generate_city(base / "plain", scale=300, seed=7)
    split_sources(base / "plain", base / "sources", sources=3, seed=7)
    store = MemoryStore.in_workspace(workspace)
    load_split(base / "sources", store, settings)
    run_resolution(store)
    run_analysis(store)
    store.flush()
    with serve_demo(workspace, base / "server.log") as url:
        yield url, store, settings


def _resolved_person(store: MemoryStore) -> tuple[str, list[str], set[str]]:
    """A record of a resolved person whose records come from two or more named sources,
    the other records, and the disputes only those other records are named in."""
    from disputegraph.analytics import trace
    from disputegraph.resolution import canonical_map, explain

    for entity in sorted(set(canonical_map(store).values())):
        node = store.get(entity)
        if node is None or node.label is not NodeLabel.PARTY or node.props["kind"] != "person":
            continue
        members = explain(store, entity)["members"]
        sources = {m["source"] for m in members}
        if len(sources) < 2 or "" in sources:
            continue
        record, *others = [m["id"] for m in members]

        def named(r: str) -> set[str]:
            return {e.target for e in store.edges_of(r, [RelType.PARTY_TO], "out")}

        siblings = set().union(*(named(o) for o in others)) - named(record)
        if siblings and siblings & {link.dispute_id for link in trace(store, record).linked}:
            return record, others, siblings
    raise AssertionError("the generated city has no resolved person across named sources")


@pytest.mark.browser
@pytest.mark.slow
def test_search_a_resolved_person_and_read_the_source_records_panel(
    resolved_server: tuple[str, MemoryStore, Settings], page: Any
) -> None:
    url, store, settings = resolved_server
    record, others, siblings = _resolved_person(store)
    node = store.get(record)
    assert node is not None
    name = str(node.props["name"])
    expected = Services(settings, store).source_records(record, ViewState())
    assert expected is not None

    page.goto(url + "/tracer")
    page.locator("#tracer-search").fill(name)
    page.locator("#tracer-search").press("Enter")
    link = page.locator(f'a.result-link[href*="entity={record}"]').first
    link.click()
    panel = page.locator("#tracer-sources")
    panel.locator("tr.source-record").first.wait_for()
    shown = [
        {field: tr.locator(f"td.col-{field}").inner_text() for field, _ in COLUMNS}
        for tr in panel.locator("tr.source-record").all()
    ]
    want = [
        {
            field: (f"{r[field]:.2f}" if field == "confidence" else str(r[field])) or "—"
            for field, _ in COLUMNS
        }
        for r in expected["rows"]
    ]
    assert shown == want
    assert {row["id"] for row in shown} == {record, *others}
    assert len({row["source"] for row in shown}) >= 2 and "—" not in {r["source"] for r in shown}
    assert all(row["evidence"] != "—" and row["decision_label"] != "—" for row in shown)
    assert panel.locator("tr.source-record.selected td.col-id").inner_text() == record
    assert name not in panel.inner_text()  # the demo serves the analyst view

    rows: list[dict[str, Any]] = []
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            rows = list(
                page.evaluate(
                    """async (id) => {
                      const api = await dash_ag_grid.getApiAsync(id);
                      const rows = [];
                      api.forEachNodeAfterFilterAndSort((n) => rows.push(n.data));
                      return rows;
                    }""",
                    "tracer-linked",
                )
            )
        except Exception:  # the grid is not mounted yet
            rows = []
        if rows:
            break
        page.wait_for_timeout(200)
    crossing = [r for r in rows if r["dispute_id"] in siblings]
    assert crossing, (siblings, [r["dispute_id"] for r in rows])
    assert all("跨来源记录" in r["reason"] for r in crossing)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(600)  # let plotly finish its transitions
    page.screenshot(path=str(SCREENSHOTS / "tracer-sources.png"), full_page=True)
