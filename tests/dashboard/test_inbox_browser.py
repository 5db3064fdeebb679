"""The early-warning loop as three accounts work it in headless Chromium, against the
production server (gunicorn + the WSGI factory).

New data has arrived and `analyze` raised its alerts. The analyst sees them in the
inbox, confirms one and assigns it to the labour inspectorate; an officer of
another agency sees no order; the inspectorate's officer accepts it and gives
feedback; the briefing pack lists the order, still open; the analyst verifies and
closes it; the audit log verifies and names each step and who took it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from disputegraph.audit import AuditLog
from disputegraph.config import Settings
from disputegraph.store.memory import MemoryStore
from disputegraph.users import UserStore
from shared_helpers import gunicorn_server

pytestmark = pytest.mark.browser

SAMPLE = Path(__file__).parents[1] / "data" / "sample"
PASSWORD = "correct horse battery"
SECRET = "browser-test-secret-0123456789"
PII_KEY = "browser-test-pii-key"
AGENCY = "AG-XH-LAB"  # 西湖区劳动保障监察大队


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from disputegraph.analytics import run_analysis
    from disputegraph.analytics.alerts import record_alerts
    from disputegraph.ingest import load_bundle
    from disputegraph.store.workflow import WorkflowStore

    ws = tmp_path_factory.mktemp("inbox") / "ws"
    settings = Settings(store="memory", workspace=ws, pii_key=SecretStr(PII_KEY))
    store = MemoryStore.in_workspace(ws)
    load_bundle(SAMPLE, store, settings)
    result = run_analysis(store, as_of=date(2026, 2, 3))
    store.flush()
    raised = record_alerts(WorkflowStore.in_workspace(ws), result, datetime.now(UTC)).raised
    assert raised, "the sample's wage-arrears cluster raises alerts"
    users = UserStore(ws / "users.json")
    users.add("ana", PASSWORD, "analyst")
    users.add("wang", PASSWORD, "officer")
    users.add("li", PASSWORD, "officer")
    users.set_agency("wang", AGENCY)
    users.set_agency("li", "AG-XH-HOU")
    return ws


@pytest.fixture(scope="module")
def server(workspace: Path, chromium_path: str) -> Iterator[str]:
    with gunicorn_server(workspace, SECRET, PII_KEY, workers=2) as url:
        yield url


def _login(page: Any, url: str, name: str) -> None:
    page.goto(url + "/inbox")
    page.fill("#username", name)
    page.fill("#password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(url + "/inbox")


def _logout(page: Any, url: str) -> None:
    page.click("#dg-logout")
    page.wait_for_url(url + "/login")


def _pick(page: Any, grid: str, row_id: str) -> None:
    """Click a row of an AG Grid (selects it)."""
    cell = page.locator(f'#{grid} .ag-row[row-id="{row_id}"] .ag-cell').nth(1)
    cell.wait_for()
    cell.click()
    page.locator(f'#{grid} .ag-row-selected[row-id="{row_id}"]').first.wait_for()


def _press(page: Any, button: str, expect: str) -> str:
    page.click(f"#{button}")
    message = page.locator("#inbox-message", has_text=expect)
    message.wait_for()
    return str(message.inner_text())


def _rows(page: Any, grid: str) -> list[str]:
    page.locator(f"#{grid} .ag-root").wait_for()
    rows = page.locator(f"#{grid} .ag-center-cols-container .ag-row").all()
    return [str(r.get_attribute("row-id")) for r in rows]


def test_three_accounts_close_the_loop(server: str, workspace: Path, new_page: Any) -> None:
    from disputegraph.store.workflow import WorkflowStore

    workflow = WorkflowStore.in_workspace(workspace)
    alert = workflow.alerts()[0]

    page = new_page()
    _login(page, server, "ana")
    page.locator(f'#inbox-alerts .ag-row[row-id="{alert.id}"]').first.wait_for()
    assert page.locator("#nav-waiting").inner_text().isdigit()  # the inbox count
    _pick(page, "inbox-alerts", alert.id)
    page.fill("#inbox-reason", "群体性欠薪，需交办")
    assert alert.id in _press(page, "inbox-confirm", "已确认")  # 已 + 确认
    _pick(page, "inbox-alerts", alert.id)  # confirmed alerts stay to be assigned
    page.click("#inbox-agency")
    page.get_by_text("西湖区劳动保障监察大队", exact=True).last.click()
    page.fill("#inbox-instructions", "约谈总包单位，督促先行清偿")
    message = _press(page, "inbox-assign", "已交办")
    (order,) = workflow.orders()
    assert order.id in message and order.agency_id == AGENCY and order.alert_id == alert.id
    _logout(page, server)

    _login(page, server, "li")  # another agency: nothing to see, nothing waiting
    page.locator("#inbox-note").get_by_text("待办 0 项").wait_for()
    assert _rows(page, "inbox-orders") == []
    _logout(page, server)

    _login(page, server, "wang")
    page.locator(f'#inbox-orders .ag-row[row-id="{order.id}"]').first.wait_for()
    assert _rows(page, "inbox-alerts") == []  # officers answer orders, not alerts
    _pick(page, "inbox-orders", order.id)
    _press(page, "inbox-accept", "已签收")
    _pick(page, "inbox-orders", order.id)
    assert "needs a note" in _press(page, "inbox-feedback", "needs a note")  # refused, says why
    page.fill("#inbox-order-note", "已约谈，2月8日前支付")
    _press(page, "inbox-feedback", "已反馈")
    _pick(page, "inbox-orders", order.id)  # a comment on the order, from the inbox
    page.fill("#inbox-order-comment-text", "总包单位电话已核实")
    page.click("#inbox-order-comment-add")
    page.locator("#inbox-order-comments").get_by_text("总包单位电话已核实").wait_for()
    assert [c.by for c in workflow.comments(order.id)] == ["wang"]
    assert workflow.order(order.id).state.value == "feedback"  # type: ignore[union-attr]
    _logout(page, server)

    # the briefing pack of this workspace lists the order, still open
    from disputegraph.briefing import build_briefing
    from disputegraph.dashboard.export import Exporter
    from disputegraph.views.services import Services
    from disputegraph.views.state import ViewState

    settings = Settings(store="memory", workspace=workspace, pii_key=SecretStr(PII_KEY))
    with Exporter() as ex:
        pack = build_briefing(
            Services(settings, MemoryStore.in_workspace(workspace)), ViewState(), top=1, exporter=ex
        )
    section = pack.html.split("<h2>未销号交办工单</h2>", 1)[1].split("</section>", 1)[0]
    assert order.id in section and "已反馈" in section

    _login(page, server, "ana")
    _pick(page, "inbox-orders", order.id)
    _press(page, "inbox-verify", "已核实")
    _pick(page, "inbox-orders", order.id)
    _press(page, "inbox-close", "已销号")
    assert workflow.order(order.id).state.value == "closed"  # type: ignore[union-attr]

    log = AuditLog(workspace / "audit.jsonl")
    assert log.verify().ok
    steps = [
        (e["user"], e["action"])
        for e in log.entries()
        if e["action"].startswith(("alert_", "order_"))
    ]
    assert steps == [
        ("ana", "alert_confirmed"),
        ("ana", "order_assign"),
        ("wang", "order_accept"),
        ("wang", "order_feedback"),
        ("ana", "order_verify"),
        ("ana", "order_close"),
    ]


def test_an_overdue_order_is_flagged_on_the_overview_and_the_agency_page(
    server: str, workspace: Path, new_page: Any
) -> None:
    from datetime import timedelta

    from disputegraph.store.workflow import WorkflowStore
    from disputegraph.views.workflow import Actor, assign_order

    store = MemoryStore.in_workspace(workspace)
    late = assign_order(
        WorkflowStore.in_workspace(workspace),
        store,
        "C-overdue",
        AGENCY,
        date.today() - timedelta(days=2),
        "限期核查",
        Actor("ana", "analyst"),
        datetime.now(UTC),
    )
    page = new_page()
    _login(page, server, "wang")  # the officer of its agency
    page.goto(server + "/")
    item = page.locator(f"#overview-overdue #overdue-{late.id}")
    item.wait_for()
    assert "西湖区劳动保障监察大队" in item.inner_text()
    assert "超期交办工单" in page.locator("#overview-overdue h3").inner_text()
    page.goto(server + "/agencies")
    page.locator(f"#agency-overdue #overdue-{late.id}").wait_for()
    page.locator(f"#agency-overdue #overdue-{late.id} a").click()
    page.wait_for_url(server + "/inbox*")
    page.locator(f'#inbox-orders .ag-row[row-id="{late.id}"]').first.wait_for()
    _logout(page, server)

    _login(page, server, "li")  # another agency's officer: not theirs
    page.goto(server + "/")
    page.locator("#overview-kpis .kpi-card").first.wait_for()
    page.locator("#overview-grid .ag-root").wait_for()
    assert page.locator(f"#overdue-{late.id}").count() == 0


def test_a_cluster_and_an_entity_are_commented_from_their_pages(
    server: str, workspace: Path, new_page: Any
) -> None:
    from disputegraph.store.workflow import WorkflowStore
    from disputegraph.views.state import ViewState

    workflow = WorkflowStore.in_workspace(workspace)
    cluster = next(a.subject_id for a in workflow.alerts() if a.subject_id.startswith("C-"))
    page = new_page()
    _login(page, server, "ana")
    for path, target, prefix, text in (
        (ViewState().with_page(cluster=cluster).href("/cluster"), cluster, "cluster", "总包已约谈"),
        (ViewState().with_page(entity="P-001").href("/tracer"), "P-001", "tracer", "多次来访"),
    ):
        page.goto(server + path)
        page.locator(f"#{prefix}-comments").get_by_text("暂无备注").wait_for()
        page.click(f"#{prefix}-comment-add")  # empty: refused, says why
        page.locator(f"#{prefix}-comment-message").get_by_text("empty").wait_for()
        page.fill(f"#{prefix}-comment-text", text)
        page.click(f"#{prefix}-comment-add")
        page.locator(f"#{prefix}-comments").get_by_text(text).wait_for()
        assert page.locator(f"#{prefix}-comment-text").input_value() == ""
        (comment,) = workflow.comments(target)
        assert comment.by == "ana" and comment.text == text
        page.reload()  # kept, shown again
        page.locator(f"#{prefix}-comments").get_by_text(text).wait_for()
    log = AuditLog(workspace / "audit.jsonl")
    assert log.verify().ok
    added = [e for e in log.entries() if e["action"] == "comment_add"]
    assert [(e["user"], e["params"]["target"]) for e in added][-2:] == [
        ("ana", cluster),
        ("ana", "P-001"),
    ]
