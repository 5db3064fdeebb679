"""The workflow store's other writers at once: senders of the outbox and officers
taking the same step on the same work orders, each in its own process."""

from __future__ import annotations

import multiprocessing
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from disputegraph.config import NotifySettings
from disputegraph.exceptions import WorkflowError
from disputegraph.schemas.notify import DeliveryStatus
from disputegraph.schemas.workflow import Alert, OrderAction, OrderEvent, OrderState, WorkOrder
from disputegraph.store.workflow import WorkflowStore
from disputegraph.views.notify import enqueue_alerts, send_due
from disputegraph.views.workflow import Actor, act_on_order
from workflow_helpers import RAISED, Received, make_alert, run_processes, webhook_receiver

PROCESSES = 3
ALERTS = 24
ORDERS = 20
T0 = RAISED


def _alert(n: int) -> Alert:
    return make_alert(f"A-{n:04d}", subject_id=f"C-{n}")


@pytest.fixture
def store(tmp_path: Path) -> WorkflowStore:
    """An empty workflow store, which each process of a test opens again by its path."""
    return WorkflowStore(tmp_path / "workflow.sqlite")


@pytest.fixture
def receiver() -> Iterator[tuple[str, Received]]:
    with webhook_receiver() as got:
        yield got


def _send(path: Path, url: str) -> None:
    cfg = NotifySettings(webhook_url=url)
    for _ in range(5):
        send_due(WorkflowStore(path), cfg, T0)


def test_parallel_senders_send_each_delivery_once(
    store: WorkflowStore, receiver: tuple[str, Received]
) -> None:
    url, received = receiver
    queued = enqueue_alerts(
        store, [_alert(n) for n in range(ALERTS)], NotifySettings(webhook_url=url), T0
    )
    run_processes(_send, [(store.path, url)] * PROCESSES)
    assert Counter(b["delivery_id"] for b in received.bodies) == Counter({d.id: 1 for d in queued})
    sent = store.deliveries()
    assert len(sent) == ALERTS and all(d.status is DeliveryStatus.SENT for d in sent)
    assert all(len(d.attempts) == 1 for d in sent)


def _accept(path: Path, done: Any) -> None:
    store = WorkflowStore(path)
    wang = Actor("wang", "officer", "AG-1")
    for n in range(ORDERS):
        try:
            act_on_order(store, f"WO-{n:04d}", OrderAction.ACCEPT, wang, T0)
        except WorkflowError:
            continue  # another process accepted it first: refused, says why
        with done.get_lock():
            done.value += 1


def test_one_step_taken_at_once_by_several_processes_happens_once(store: WorkflowStore) -> None:
    with store.transaction() as tx:
        for n in range(ORDERS):
            event = OrderEvent(
                action=OrderAction.ASSIGN, by="ana", at=T0, state=OrderState.ASSIGNED
            )
            tx.put_order(
                WorkOrder(
                    id=f"WO-{n:04d}",
                    agency_id="AG-1",
                    due=date(2026, 2, 10),
                    instructions="约谈",
                    assigned_by="ana",
                    assigned_at=T0,
                    history=[event],
                )
            )
    ctx = multiprocessing.get_context("spawn")
    done = ctx.Value("i", 0)
    run_processes(_accept, [(store.path, done)] * PROCESSES)
    assert done.value == ORDERS  # each order accepted by exactly one process
    for order in store.orders():
        assert order.state is OrderState.ACCEPTED
        assert [e.action for e in order.history] == [OrderAction.ASSIGN, OrderAction.ACCEPT]


_KILLED_SENDER = """
import sys, time
sys.path[:0] = {paths!r}
from datetime import datetime
from pathlib import Path
from disputegraph.config import NotifySettings
from disputegraph.schemas.notify import NotifyChannel
from disputegraph.store.workflow import WorkflowStore
from disputegraph.views.notify import send_due

def hang(delivery, cfg):
    print(delivery.id, flush=True)  # claimed, being sent
    time.sleep(600)

send_due(WorkflowStore(Path({db!r})), NotifySettings(webhook_url="http://127.0.0.1:9/"),
         datetime.fromisoformat({now!r}), {{NotifyChannel.WEBHOOK: hang}})
"""


def test_a_sender_killed_mid_send_loses_no_delivery(
    store: WorkflowStore, receiver: tuple[str, Received]
) -> None:
    import os
    import signal
    import subprocess
    import sys
    from datetime import timedelta

    url, received = receiver
    cfg = NotifySettings(webhook_url=url)
    queued = enqueue_alerts(store, [_alert(1), _alert(2)], cfg, T0)
    code = _KILLED_SENDER.format(paths=sys.path, db=str(store.path), now=T0.isoformat())
    with subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True) as proc:
        assert proc.stdout is not None
        claimed = proc.stdout.readline().strip()
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(30)
    assert claimed in {d.id for d in queued}
    # both still queued; while the dead sender's claim lasts, nobody sends them
    assert len(store.deliveries(DeliveryStatus.QUEUED)) == 2
    assert send_due(store, cfg, T0 + timedelta(seconds=1)).sent == []
    later = send_due(store, cfg, T0 + timedelta(hours=1))
    assert sorted(d.id for d in later.sent) == sorted(d.id for d in queued)
    assert sorted(b["delivery_id"] for b in received.bodies) == sorted(d.id for d in queued)
