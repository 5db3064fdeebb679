"""Helpers of the workflow tests: an alert to store, processes run side by side, and
a local HTTP receiver of webhook notifications."""

from __future__ import annotations

import json
import multiprocessing
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from disputegraph.schemas import RiskLevel
from disputegraph.schemas.rules import RuleSubject
from disputegraph.schemas.workflow import Alert

RAISED = datetime(2026, 2, 3, 9, 0, tzinfo=UTC)


def make_alert(alert_id: str, **fields: Any) -> Alert:
    """A yellow cluster alert of rule ``r`` raised at :data:`RAISED` (``fields`` override)."""
    day = date(2026, 2, 3)
    values: dict[str, Any] = {
        "id": alert_id,
        "rule_id": "r",
        "version": 1,
        "subject": RuleSubject.CLUSTER,
        "subject_id": "C-1",
        "severity": RiskLevel.YELLOW,
        "title_zh": "规则",
        "title_en": "Rule",
        "explanation_zh": "成立",
        "explanation_en": "holds",
        "raised_at": RAISED,
        "as_of": day,
        "seen_as_of": day,
    }
    return Alert(**{**values, **fields})


def run_processes(target: Callable[..., None], args: Sequence[tuple[Any, ...]]) -> None:
    """Run ``target`` once per ``args`` in spawned processes at once; each must succeed."""
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=target, args=a) for a in args]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0


@dataclass
class Received:
    """What a :func:`webhook_receiver` got: the JSON bodies it accepted, every call."""

    fail: int = 0
    bodies: list[dict[str, Any]] = field(default_factory=list)
    calls: int = 0


@contextmanager
def webhook_receiver(fail: int = 0) -> Iterator[tuple[str, Received]]:
    """A local HTTP server answering 503 to the first ``fail`` POSTs, then 200."""
    state = Received(fail)
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            with lock:
                state.calls += 1
                ok = state.calls > state.fail
                if ok:
                    state.bodies.append(json.loads(body))
            self.send_response(200 if ok else 503)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/alerts", state
    finally:
        server.shutdown()
        server.server_close()
