"""Overdue work orders on the overview and the agency page: the orders past their
due date with something still due from the agency, the ones the viewer may see."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import flask

from disputegraph.config import Settings
from disputegraph.dashboard.app import create_app
from disputegraph.dashboard.pages import agencies, overview
from disputegraph.dashboard.session import G_KEY, Viewer
from disputegraph.schemas.workflow import OrderAction
from disputegraph.store.memory import MemoryStore
from disputegraph.store.workflow import WorkflowStore
from disputegraph.views.state import ViewState
from disputegraph.views.workflow import Actor, act_on_order, assign_order

LABOUR, HOUSING = "AG-XH-LAB", "AG-XH-HOU"


def _orders(ws: Path, store: MemoryStore) -> tuple[str, str, str]:
    """One overdue order for each agency, one not yet due, one overdue but verified."""
    workflow = WorkflowStore.in_workspace(ws)
    ana = Actor("ana", "analyst")
    now = datetime.now(UTC)
    past, future = date.today() - timedelta(days=3), date.today() + timedelta(days=3)
    late = assign_order(workflow, store, "C-x", LABOUR, past, "约谈", ana, now)
    late2 = assign_order(workflow, store, "C-y", HOUSING, past, "核查", ana, now)
    assign_order(workflow, store, "C-z", LABOUR, future, "回访", ana, now)
    done = assign_order(workflow, store, "C-w", LABOUR, past, "复核", ana, now)
    wang = Actor("wang", "officer", LABOUR)
    act_on_order(workflow, done.id, OrderAction.ACCEPT, wang, now)
    act_on_order(workflow, done.id, OrderAction.FEEDBACK, wang, now, "已办结")
    act_on_order(workflow, done.id, OrderAction.VERIFY, ana, now)
    return late.id, late2.id, done.id


def _ids(children: list[object]) -> list[str]:
    return re.findall(r"id='overdue-(WO-\w+)'", repr(children))


def test_overdue_orders_are_flagged_for_whoever_may_see_them(
    tmp_path: Path, analysed_store: MemoryStore
) -> None:
    settings = Settings(demo=True, store="memory", workspace=tmp_path)
    late, late2, done = _orders(tmp_path, analysed_store)
    app = create_app(settings, analysed_store)
    data = ViewState().as_dict()
    with app.server.test_request_context():
        card = overview.render(data)[-1]
        assert sorted(_ids(card)) == sorted([late, late2])  # not the future, not the verified
        assert "超期交办工单 2 张" in repr(card) and "西湖区劳动保障监察大队 · 截止" in repr(card)
        assert _ids(agencies.render(data)[-1]) == _ids(card)
    with app.server.test_request_context():
        setattr(flask.g, G_KEY, Viewer("wang", "officer", agency=LABOUR))
        assert _ids(overview.render(data)[-1]) == [late]  # only their agency's
        assert _ids(agencies.render(data)[-1]) == [late]
    with app.server.test_request_context():
        setattr(flask.g, G_KEY, Viewer("zhao", "officer"))  # no agency: none
        assert overview.render(data)[-1] == []
    assert done not in (late, late2)


def test_no_card_without_overdue_orders(tmp_path: Path, analysed_store: MemoryStore) -> None:
    app = create_app(Settings(demo=True, store="memory", workspace=tmp_path), analysed_store)
    with app.server.test_request_context():
        assert overview.render(ViewState().as_dict())[-1] == []
