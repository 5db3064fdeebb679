"""Masking by role on every output path: search results, network canvas and tooltips,
notes, linked-dispute tables, cluster views and chart exports.

``analyst`` and ``admin`` must never receive a person's full name; ``officer``
receives names in full. Raw id numbers and phones are never sent to anyone
(they are not even stored): only their masked forms.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import flask
import pytest
from security_helpers import call, dash_payload, login, state_data

from disputegraph.dashboard import export, ids
from disputegraph.dashboard.auth import RoleAwareServices
from disputegraph.dashboard.context import EXTENSION
from disputegraph.dashboard.session import Viewer
from disputegraph.pii import mask_phone, normalise_identifier
from disputegraph.views.services import mask_name
from disputegraph.views.state import ViewState

SAMPLE = Path(__file__).parents[1] / "data" / "sample"
with (SAMPLE / "parties.csv").open(encoding="utf-8-sig") as _fh:
    PARTIES = list(csv.DictReader(_fh))
PERSONS = {r["id"]: r["name"] for r in PARTIES if r["kind"] == "person"}
RAW_IDENTIFIERS = [
    normalise_identifier(r[k]) for r in PARTIES for k in ("id_number", "phone") if r[k]
]
USERS = {"analyst": "ana", "officer": "off", "admin": "adm"}


def cluster_of(app: Any, entity: str) -> str:
    svc = app.server.extensions[EXTENSION]
    analysis = svc.analysis(ViewState())
    return next(c.id for c in analysis.clusters if entity in c.members)


def outputs(app: Any, client: Any) -> dict[str, str]:
    """The JSON text of every person-bearing callback, for one logged-in client."""
    entity = "P-001"
    cluster = cluster_of(app, entity)
    traced = state_data(entity=entity)
    calls = {
        "search_name": dash_payload(
            app,
            "tracer-results.children",
            {"tracer-search-go.n_clicks": 1, "tracer-search.value": "张", "state.data": traced},
        ),
        "search_phone": dash_payload(
            app,
            "tracer-results.children",
            {
                "tracer-search-go.n_clicks": 1,
                "tracer-search.value": "138 1234 5678",
                "state.data": traced,
            },
        ),
        "tracer_network": dash_payload(
            app,
            "tracer-network.elements",
            {"tracer-expanded.data": {"entity": entity, "nodes": []}, "state.data": traced},
        ),
        "tracer_expanded": dash_payload(
            app,
            "tracer-network.elements",
            {
                "tracer-expanded.data": {"entity": entity, "nodes": ["D-001", "E-001"]},
                "state.data": traced,
            },
        ),
        "linked": dash_payload(app, "tracer-linked.rowData", {"state.data": traced}),
        "cluster": dash_payload(
            app, "cluster-pick.options", {"state.data": state_data(cluster=cluster)}
        ),
        "overview": dash_payload(app, "overview-note.children", {"state.data": state_data()}),
    }
    texts = {}
    for name, payload in calls.items():
        resp = call(client, payload)
        assert resp.status_code == 200, (name, resp.get_data(as_text=True)[:300])
        texts[name] = json.dumps(resp.get_json(), ensure_ascii=False)
    return texts


def full_names_in(text: str) -> set[str]:
    """Full person names of the sample found in ``text`` (dispute titles name some too)."""
    return {n for n in PERSONS.values() if n in text}


@pytest.mark.parametrize("role", ["analyst", "admin"])
def test_masked_roles_never_receive_a_full_name(secure_app: Any, role: str) -> None:
    client = secure_app.server.test_client()
    assert login(client, USERS[role]).status_code == 303
    texts = outputs(secure_app, client)
    for name, text in texts.items():
        assert full_names_in(text) == set(), f"{role} got full names in {name}"
        assert not any(raw in text for raw in RAW_IDENTIFIERS), f"raw identifier in {name}"
    # the masked forms are there instead (the test would prove nothing otherwise)
    assert mask_name(PERSONS["P-001"]) in texts["search_name"]
    assert "P-001" in texts["search_phone"] and mask_phone("13812345678") in texts["search_phone"]
    assert mask_name(PERSONS["P-001"]) in texts["tracer_network"]
    assert mask_name(PERSONS["P-001"]) in texts["cluster"]


def test_officer_receives_names_in_full(secure_app: Any) -> None:
    client = secure_app.server.test_client()
    login(client, "off")
    texts = outputs(secure_app, client)
    assert PERSONS["P-001"] in texts["search_name"]
    assert PERSONS["P-001"] in texts["tracer_network"]
    assert PERSONS["P-001"] in texts["cluster"]
    assert full_names_in(texts["cluster"])  # other members of the cluster too
    for name, text in texts.items():  # officers see names, never raw identifiers
        assert not any(raw in text for raw in RAW_IDENTIFIERS), f"raw identifier in {name}"
    assert mask_phone("13812345678") in texts["search_phone"]


def test_role_change_applies_at_the_next_request(secure_app: Any, accounts: Any) -> None:
    client = secure_app.server.test_client()
    login(client, "off")
    assert PERSONS["P-001"] in outputs(secure_app, client)["tracer_network"]
    accounts.set_role("off", "analyst")
    assert full_names_in(outputs(secure_app, client)["tracer_network"]) == set()


# -- exports: built from the same service calls, for the viewer's role ------------


def export_texts(app: Any, role: str, asked: str | None = None) -> dict[str, str]:
    svc = app.server.extensions[EXTENSION]
    assert isinstance(svc, RoleAwareServices)
    cluster = cluster_of(app, "P-001")
    texts = {}
    with app.server.test_request_context("/"):
        flask.g.dg_viewer = Viewer(USERS[role], role)  # what the login guard sets
        for chart, state in (
            (ids.CLUSTER_NETWORK, ViewState().with_page(cluster=cluster)),
            (ids.TRACER_NETWORK, ViewState().with_page(entity="P-001")),
            (ids.CLUSTER_TIMELINE, ViewState().with_page(cluster=cluster)),
        ):
            fig, _stem = export.chart_figure(svc, chart, state, asked)  # type: ignore[arg-type]
            texts[chart] = json.dumps(fig.to_plotly_json(), ensure_ascii=False, default=str)
    return texts


@pytest.mark.parametrize("role", ["analyst", "admin"])
def test_exports_are_masked_like_the_screen(secure_app: Any, role: str) -> None:
    texts = export_texts(secure_app, role)
    for chart, text in texts.items():
        assert full_names_in(text) == set(), f"{role} export {chart} shows full names"
    assert mask_name(PERSONS["P-001"]) in texts[ids.TRACER_NETWORK]


def test_a_caller_cannot_ask_for_more_than_the_viewer_may_see(secure_app: Any) -> None:
    texts = export_texts(secure_app, "analyst", asked="officer")
    assert all(full_names_in(t) == set() for t in texts.values())


def test_officer_exports_show_names(secure_app: Any) -> None:
    texts = export_texts(secure_app, "officer")
    assert PERSONS["P-001"] in texts[ids.TRACER_NETWORK]


@pytest.mark.slow  # starts headless Chromium through kaleido
def test_rendered_svg_export_is_masked(secure_app: Any, chromium_path: str) -> None:
    svc = secure_app.server.extensions[EXTENSION]
    with secure_app.server.test_request_context("/"):
        flask.g.dg_viewer = Viewer("ana", "analyst")
        chart = export.export_chart(
            svc, ids.TRACER_NETWORK, ViewState().with_page(entity="P-001"), "svg"
        )
    svg = chart.content.decode("utf-8")
    assert mask_name(PERSONS["P-001"]) in svg and full_names_in(svg) == set()


# -- audit of what was looked at ---------------------------------------------------


def test_searches_and_person_views_are_audited(secure_app: Any, secure_settings: Any) -> None:
    from disputegraph.audit import AuditLog

    client = secure_app.server.test_client()
    login(client, "ana")
    outputs(secure_app, client)
    log = AuditLog(secure_settings.audit_path)
    actions = [(e["action"], e["params"]) for e in log.entries(user="ana")]
    assert ("search", {"text": "张"}) in actions
    assert ("search", {"text": "138 1234 5678"}) in actions
    assert ("view_person", {"entity_id": "P-001", "kind": "Party"}) in actions
    assert any(a == "view_cluster" for a, _ in actions)
    sizes = [e["result_size"] for e in log.entries(user="ana", action="search")]
    assert all(isinstance(s, int) and s >= 1 for s in sizes)
    assert log.verify().ok


# -- briefing packs ------------------------------------------------------------------


@pytest.mark.slow  # renders the charts with kaleido
@pytest.mark.parametrize("role", ["analyst", "officer"])
def test_briefing_pack_is_masked_for_its_role(
    secure_app: Any, role: str, chromium_path: str
) -> None:
    from disputegraph.briefing import build_briefing

    svc = secure_app.server.extensions[EXTENSION]
    with secure_app.server.test_request_context("/"):
        flask.g.dg_viewer = Viewer(USERS[role], role)
        pack = build_briefing(svc, ViewState(), top=3)
    if role == "analyst":
        assert full_names_in(pack.html) == set()
        assert "张*" in pack.html or "masked" in pack.html or "脱敏" in pack.html
    else:
        assert "个人姓名完整显示" in pack.html  # the cover says names are in full


def test_titles_naming_a_person_are_masked_for_analysts(secure_app: Any) -> None:
    svc = secure_app.server.extensions[EXTENSION]
    with secure_app.server.test_request_context("/"):
        flask.g.dg_viewer = Viewer("ana", "analyst")
        rows = svc.trace("P-010", ViewState()) or []
        hits = svc.search("D-006", ViewState())
    text = json.dumps([rows, hits], ensure_ascii=False)
    assert "D-006" in text
    assert full_names_in(text) == set()
