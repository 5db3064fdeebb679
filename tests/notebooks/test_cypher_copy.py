"""Copy as Cypher: the named queries of each view, run against Neo4j, return what
the view shows (same store, same analysis, through the dashboard's services)."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from typing import Any

import pytest
from notebook_helpers import Neo4jCity

from disputegraph.dashboard.cypher_copy import CypherCopy, cypher_for, cypher_literal
from disputegraph.exceptions import QueryError
from disputegraph.queries import run
from disputegraph.queries.runner import bind
from disputegraph.views.services import Services
from disputegraph.views.state import ViewState

# --- without a server ---------------------------------------------------------


def test_every_view_maps_to_known_queries_with_valid_parameters() -> None:
    state = ViewState(
        as_of=date(2026, 2, 3),
        window=90,
        district="城东区",
        category="wage_arrears",
        status="open",
        cluster="C-0123456789",
        entity="P-1",
        dispute="D-1",
    )
    names = {}
    for view in ("overview", "cluster", "tracer", "agencies"):
        copy = cypher_for(view, state)
        names[view] = [c.name for c in copy.calls]
        for call in copy.calls:
            from disputegraph.queries import get

            bind(get(call.name), call.params)  # raises on an unknown or missing parameter
            assert call.name in copy.cypher and f'run("{call.name}"' in copy.python
    assert names == {
        "overview": ["dashboard_disputes"],
        "cluster": ["cluster_members", "edges_among"],
        "tracer": ["trace_disputes", "dispute_chain"],
        "agencies": ["agency_handoffs_window", "overdue_handoffs"],
    }
    overview = cypher_for("/", state)
    params = overview.calls[0].params
    assert params["since"].isoformat() == "2025-11-06T00:00:00+08:00"  # 90 days before 02-04
    assert params["until"].isoformat() == "2026-02-04T00:00:00+08:00"
    assert params["district"] == "城东区" and params["category"] == "wage_arrears"
    assert "in_mediation" in params["statuses"] and "closed" not in params["statuses"]
    assert ":param district => '城东区';" in overview.cypher
    assert 'district="城东区"' in overview.python


def test_literals_and_missing_context() -> None:
    assert cypher_literal("it's \\") == "'it\\'s \\\\'"
    assert cypher_literal([1, None, True]) == "[1, null, true]"
    with pytest.raises(QueryError, match="search"):
        cypher_for("tracer", ViewState())
    with pytest.raises(QueryError, match="cluster"):
        cypher_for("cluster", ViewState())
    with pytest.raises(QueryError, match="unknown view"):
        cypher_for("nowhere", ViewState())


# --- against Neo4j ------------------------------------------------------------


def _run(city: Neo4jCity, copy: CypherCopy, index: int, **override: Any) -> Any:
    call = copy.calls[index]
    return run(call.name, driver=city.driver, **{**call.params, **override})


@pytest.fixture(scope="module")
def services(neo4j_city: Neo4jCity) -> Services:
    return Services(neo4j_city.settings, neo4j_city.store, default_role="analyst")


@pytest.mark.neo4j
@pytest.mark.parametrize(
    "filters",
    [{}, {"status": "open"}, {"category": "wage_arrears", "window": 90}],
    ids=["all", "open", "wage-90d"],
)
def test_overview_cypher_counts_what_the_overview_shows(
    neo4j_city: Neo4jCity, services: Services, filters: dict[str, Any]
) -> None:
    state = ViewState.from_values(filters)
    view = services.overview(state)
    copy = cypher_for("overview", state, services)
    rows = _run(neo4j_city, copy, 0)
    assert len(rows) > 0
    open_rows = rows[rows["open"]]
    assert len(open_rows) == view["kpis"]["open_disputes"]
    assert int(open_rows["headcount"].sum()) == view["kpis"]["people"]
    assert float(open_rows["amount_yuan"].sum()) == pytest.approx(view["kpis"]["amount_yuan"])
    shown = {r["code"]: r["open"] + r["closed"] for r in view["by_district"]}
    counted = Counter(rows["district"].fillna("—"))
    assert dict(counted) == shown


@pytest.mark.neo4j
def test_cluster_cypher_returns_the_cluster_and_its_network(
    neo4j_city: Neo4jCity, services: Services
) -> None:
    wage = neo4j_city.pattern("wage_arrears_chain")
    found = neo4j_city.analysis.cluster_of(wage["disputes"][0])
    assert found is not None
    state = ViewState().with_page(cluster=found.id)
    view = services.cluster_view(state)
    assert view is not None and view["found"]
    copy = cypher_for("cluster", state, services)
    docs = _run(neo4j_city, copy, 0)
    assert len(docs) == 1
    stored = next(c for c in json.loads(docs.json[0])["clusters"] if c["id"] == found.id)
    assert stored["score"] == pytest.approx(view["score"], abs=0.05)
    assert len(stored["disputes"]) == view["disputes"]
    edges = _run(neo4j_city, copy, 1)
    assert len(edges) == view["network"]["total_edges"]
    drawn = {
        (e["data"]["source"], e["data"]["target"])
        for e in view["network"]["elements"]
        if "source" in e["data"]
    }
    assert {(s, t) for s, t in zip(edges.source, edges.target, strict=True)} == drawn


@pytest.mark.neo4j
@pytest.mark.parametrize(
    "pattern", ["wage_arrears_chain", "elevator_building", "land_rent_village"]
)
def test_tracer_cypher_lists_the_linked_disputes_and_the_chain(
    neo4j_city: Neo4jCity, services: Services, pattern: str
) -> None:
    planted = neo4j_city.pattern(pattern)
    entity = planted["anchor"]
    dispute = planted["disputes"][0]
    state = ViewState().with_page(entity=entity, dispute=dispute)
    shown = services.trace(entity, state)
    assert shown
    copy = cypher_for("tracer", state, services)
    linked = _run(neo4j_city, copy, 0)
    assert sorted(zip(linked.dispute_id, linked.hops, strict=True)) == sorted(
        (r["dispute_id"], r["hops"]) for r in shown
    )
    chain = services.chain(dispute, state)
    assert chain is not None and chain["steps"]
    steps = _run(neo4j_city, copy, 1)
    assert list(zip(steps.seq, steps.agency_id, strict=True)) == [
        (s["seq"], s["agency_id"]) for s in chain["steps"]
    ]


@pytest.mark.neo4j
def test_agencies_cypher_counts_the_handoffs_the_page_shows(
    neo4j_city: Neo4jCity, services: Services
) -> None:
    state = ViewState()
    view = services.agencies(state)
    assert view is not None and view["pairs"]
    copy = cypher_for("agencies", state, services)
    flows = _run(neo4j_city, copy, 0)
    counted = {
        (a, b): (int(n), int(r))
        for a, b, n, r in zip(
            flows.from_agency, flows.to_agency, flows.handoffs, flows.returned, strict=True
        )
    }
    shown = {(p["source"], p["target"]): (p["count"], p["returned"]) for p in view["pairs"]}
    assert counted == shown
    overdue = _run(neo4j_city, copy, 1)
    stalled = neo4j_city.pattern("stalled_case")["disputes"][0]
    assert stalled in set(overdue.dispute_id)


@pytest.mark.neo4j
def test_python_snippets_run_as_pasted(
    neo4j_city: Neo4jCity, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DISPUTEGRAPH_STORE", neo4j_city.uri)
    wage = neo4j_city.pattern("wage_arrears_chain")
    cluster = neo4j_city.analysis.cluster_of(wage["disputes"][0])
    assert cluster is not None
    state = ViewState().with_page(cluster=cluster.id)
    namespace: dict[str, Any] = {}
    exec(cypher_for("cluster", state, services).python, namespace)
    assert namespace["cluster"]["id"] == cluster.id
    assert len(namespace["edges"]) > 0
    namespace = {}
    exec(cypher_for("overview", ViewState(), services).python, namespace)
    assert len(namespace["disputes"]) > 0


@pytest.mark.neo4j
def test_chain_cypher_shows_the_bounces(neo4j_city: Neo4jCity, services: Services) -> None:
    dispute = neo4j_city.pattern("bounced_case")["disputes"][0]
    state = ViewState().with_page(entity=dispute, dispute=dispute)
    chain = services.chain(dispute, state)
    assert chain is not None and "bounced" in {f["code"] for f in chain["flags"]}
    steps = _run(neo4j_city, cypher_for("tracer", state, services), 1)
    assert list(steps.action) == [s["action"] for s in chain["steps"]]
    assert (steps.action == "returned").sum() >= 2


def test_copy_panel_and_snippets_on_the_sample(tmp_path: Any) -> None:
    from dash import html

    from disputegraph.analytics import run_analysis
    from disputegraph.config import Settings
    from disputegraph.dashboard.cypher_copy import (
        CYPHER_BUTTON,
        copy_cypher_panel,
        snippet_for,
    )
    from disputegraph.ingest import load_bundle
    from disputegraph.store.memory import MemoryStore

    panel = copy_cypher_panel("/cluster", "en")
    button = next(c for c in panel.children if isinstance(c, html.Button))
    assert button.id == {"type": CYPHER_BUTTON, "view": "cluster"}
    assert button.children == "Copy as Cypher"
    with pytest.raises(QueryError):
        copy_cypher_panel("/nowhere")

    settings = Settings(demo=True, store="memory", workspace=tmp_path / "ws")
    store = MemoryStore()
    from pathlib import Path

    load_bundle(Path(__file__).parents[1] / "data" / "sample", store, settings)
    analysis = run_analysis(store)
    svc = Services(settings, store)
    shown, copied = snippet_for("cluster", ViewState().as_dict(), svc)
    top = analysis.clusters[0]
    assert shown == copied and top.id in copied and "edges_among" in copied
    assert f"{analysis.as_of.isoformat()}:{analysis.window_days}" in copied
    shown, copied = snippet_for("tracer", ViewState().as_dict(), svc)
    assert copied == "" and "search" in shown  # nothing traced yet: a hint, nothing to copy
