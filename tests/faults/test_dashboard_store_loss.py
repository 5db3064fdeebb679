"""The dashboard when the store goes away and comes back: a clear message, then recovery."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from disputegraph.config import Settings
from disputegraph.dashboard.auth import create_secure_app
from disputegraph.dashboard.store_guard import NOTICE_ID, STORE_DOWN
from disputegraph.exceptions import StoreError
from disputegraph.store.memory import MemoryStore
from disputegraph.views.state import ViewState

sys.path.insert(0, str(Path(__file__).parents[1] / "security"))
from security_helpers import call, dash_payload, state_data

SAMPLE = Path(__file__).parents[1] / "data" / "sample"


class FlakyStore:
    """A store that can be switched off: every call raises StoreError, like a lost Bolt link."""

    def __init__(self, inner: MemoryStore) -> None:
        self.inner = inner
        self.down = False

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self.inner, name)
        if not callable(attr):
            return attr

        def guarded(*args: Any, **kwargs: Any) -> Any:
            if self.down:
                raise StoreError("Neo4j (neo4j): read failed: Failed to establish connection")
            return attr(*args, **kwargs)

        return guarded


@pytest.fixture(scope="module")
def analysed() -> MemoryStore:
    from disputegraph.analytics import run_analysis
    from disputegraph.ingest import load_bundle

    store = MemoryStore()
    load_bundle(SAMPLE, store, Settings(demo=True, store="memory"))
    run_analysis(store)
    return store


@pytest.fixture
def flaky(analysed: MemoryStore) -> FlakyStore:
    return FlakyStore(analysed)


@pytest.fixture
def app(flaky: FlakyStore, tmp_path: Path) -> Any:
    settings = Settings(demo=True, store="memory", workspace=tmp_path / "ws")
    return create_secure_app(settings, flaky, demo=True)  # type: ignore[arg-type]


def text(resp: Any) -> str:
    """A response body as text with non-ASCII characters unescaped."""
    return json.dumps(resp.get_json(), ensure_ascii=False)


def probe(app: Any, client: Any) -> str:
    resp = call(
        client, dash_payload(app, f"{NOTICE_ID}.children", {"dg-store-probe.n_intervals": 1})
    )
    assert resp.status_code == 200
    return str(resp.get_json()["response"][NOTICE_ID]["children"])


def search(app: Any, client: Any, text: str) -> Any:
    return call(
        client,
        dash_payload(
            app,
            "tracer-results.children",
            {
                "tracer-search-go.n_clicks": 1,
                "tracer-search.value": text,
                "state.data": state_data(),
            },
        ),
    )


def test_lost_store_gives_a_clear_message_then_recovers(app: Any, flaky: FlakyStore) -> None:
    client = app.server.test_client()
    assert probe(app, client) == ""
    assert "P-001" in search(app, client, "张伟").get_data(as_text=True)

    flaky.down = True
    resp = search(app, client, "张伟")
    assert resp.status_code == 200  # not a server error the user never sees
    body = resp.get_json()
    assert json.dumps(body.get("sideUpdate", {}), ensure_ascii=False).count(STORE_DOWN) == 1
    assert "P-001" not in resp.get_data(as_text=True)
    assert probe(app, client) == STORE_DOWN
    overview = call(
        client, dash_payload(app, "overview-note.children", {"state.data": state_data()})
    )
    assert overview.status_code == 200 and STORE_DOWN in text(overview)

    flaky.down = False  # the server is back
    assert probe(app, client) == ""
    assert "P-001" in search(app, client, "张伟").get_data(as_text=True)
    overview = call(
        client, dash_payload(app, "overview-note.children", {"state.data": state_data()})
    )
    assert overview.status_code == 200 and STORE_DOWN not in overview.get_data(as_text=True)


def test_page_requested_while_down_says_so(app: Any, flaky: FlakyStore) -> None:
    from disputegraph.dashboard.context import EXTENSION

    client = app.server.test_client()
    app.server.extensions[EXTENSION]._frame = None  # nothing cached yet
    flaky.down = True
    resp = client.get("/_dash-layout")
    assert resp.status_code == 200 and STORE_DOWN in text(resp)
    flaky.down = False
    resp = client.get("/_dash-layout")
    assert resp.status_code == 200 and STORE_DOWN not in text(resp)
    assert "filter-district" in text(resp)


def test_analysis_missing_while_down_is_not_remembered(app: Any, flaky: FlakyStore) -> None:
    from disputegraph.dashboard.context import EXTENSION

    svc = app.server.extensions[EXTENSION]
    state = ViewState(as_of=None)
    flaky.down = True
    with pytest.raises(StoreError):  # said as "store down", not "no analysis computed"
        svc.analysis(state)
    flaky.down = False
    assert svc.analysis(state) is not None  # loaded now, not the cached failure


def test_other_errors_are_not_hidden(
    app: Any, flaky: FlakyStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    from disputegraph.dashboard.context import EXTENSION

    svc = app.server.extensions[EXTENSION]

    def broken(*_a: Any, **_k: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr(svc, "overview", broken)
    client = app.server.test_client()
    resp = call(client, dash_payload(app, "overview-note.children", {"state.data": state_data()}))
    assert resp.status_code == 500
