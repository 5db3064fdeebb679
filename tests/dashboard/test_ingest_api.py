"""``POST /api/ingest/<source>`` through Flask's test client, on the embedded store of a
workspace in a temporary folder (the sample bundle loaded first), with logins on."""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from dashboard_helpers import GRID, upload_workspace
from pydantic import SecretStr

from disputegraph.analytics import load_analysis
from disputegraph.audit import AuditLog
from disputegraph.config import Settings
from disputegraph.ingest.tokens import TokenStore
from disputegraph.schemas import NodeLabel, RelType
from disputegraph.store.memory import MemoryStore
from disputegraph.views.reanalyse import Analysed, Reanalyser

HEADER = (
    "id,title,category,status,reported_at,closed_at,channel,headcount,amount_yuan,"
    "district,street,grid,description,source"
)
GOOD_1 = (
    "D-API-1,翠苑一区噪音投诉,noise,accepted,2026-02-01T09:00:00,,hotline_12345,1,,"
    "西湖区,翠苑街道,,夜间施工噪音,12345"
)
GOOD_2 = (
    "D-API-2,三墩镇欠薪,wage_arrears,accepted,2026-02-02T10:00:00,,hotline_12345,4,52000,"
    "西湖区,三墩镇,,欠薪四人,12345"
)
BAD_CATEGORY = (
    "D-API-3,某事,nonsense,accepted,2026-02-03T10:00:00,,hotline_12345,1,,西湖区,,,,12345"
)
CSV = "text/csv"


def _csv(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode("utf-8")


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    ws = tmp_path / "ws"
    return upload_workspace(ws, _settings(ws))


def _settings(ws: Path) -> Settings:
    return Settings(
        store="memory",
        workspace=ws,
        pii_key=SecretStr("ingest-test-pii-key"),
        secret_key=SecretStr("ingest-test-secret-0123456789"),
    )


@pytest.fixture
def client(workspace: Path) -> Iterator[Any]:
    from disputegraph.dashboard.auth import create_secure_app

    settings = _settings(workspace)
    store = MemoryStore.in_workspace(workspace)
    app = create_secure_app(settings, store, audit=AuditLog(workspace / "audit.jsonl"))
    yield app.server.test_client()
    store.close()


def _token(workspace: Path, source: str = "hotline-12345") -> str:
    return TokenStore(workspace / "ingest-tokens.json").create(source, by="test")[1]


def _post(
    client: Any, token: str | None, body: bytes, source: str = "hotline-12345", **kw: Any
) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    query = kw.pop("query", "table=disputes")
    return client.post(
        f"/api/ingest/{source}?{query}",
        data=body,
        headers=headers,
        content_type=kw.pop("content_type", CSV),
    )


def _contents(workspace: Path) -> tuple[list[str], list[str]]:
    store = MemoryStore.in_workspace(workspace)
    return (
        sorted(repr(n) for label in NodeLabel for b in store.iter_nodes(label) for n in b),
        sorted(repr(e) for rel in RelType for b in store.iter_edges(rel) for e in b),
    )


def _node(workspace: Path, node_id: str) -> Any:
    return MemoryStore.in_workspace(workspace).get(node_id)


def test_a_good_token_loads_the_rows_and_a_repost_changes_nothing(
    client: Any, workspace: Path
) -> None:
    token = _token(workspace)
    before = _contents(workspace)
    answer = _post(client, token, _csv(GOOD_1, GOOD_2))
    assert answer.status_code == 200, answer.get_json()
    report = answer.get_json()
    assert report["status"] == "loaded" and report["committed"] is True
    assert report["counts"] == {"disputes": {"rows": 2, "good": 2, "bad": 0}}
    assert report["nodes_written"] == 2 and report["issues"] == []
    node = _node(workspace, "D-API-1")
    assert node is not None and node.props["title"] == "翠苑一区噪音投诉"
    after = _contents(workspace)
    assert len(after[0]) == len(before[0]) + 2
    # the same body again: upserted by id, nothing changes
    again = _post(client, token, _csv(GOOD_1, GOOD_2))
    assert again.status_code == 200 and again.get_json()["status"] == "loaded"
    assert _contents(workspace) == after
    # audited as the token, with what it did
    entries = [e for e in AuditLog(workspace / "audit.jsonl").entries() if e["action"] == "ingest"]
    assert len(entries) == 2
    assert entries[0]["user"] == "token:" + token.split("_")[1]
    assert entries[0]["params"]["source"] == "hotline-12345"
    assert entries[0]["params"]["loaded"] == 2


def test_no_session_is_needed_but_a_token_is(client: Any, workspace: Path) -> None:
    before = _contents(workspace)
    missing = _post(client, None, _csv(GOOD_1))
    assert missing.status_code == 401 and missing.headers["WWW-Authenticate"] == "Bearer"
    token = _token(workspace)
    wrong = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    assert _post(client, wrong, _csv(GOOD_1)).status_code == 401
    assert _post(client, "not-a-token", _csv(GOOD_1)).status_code == 401
    TokenStore(workspace / "ingest-tokens.json").revoke(token.split("_")[1])
    assert _post(client, token, _csv(GOOD_1)).status_code == 401
    assert _contents(workspace) == before
    refused = list(AuditLog(workspace / "audit.jsonl").entries())
    assert [e["params"]["status"] for e in refused] == [401, 401, 401, 401]


def test_a_token_of_another_source_is_forbidden(client: Any, workspace: Path) -> None:
    token = _token(workspace, "grid-platform")
    before = _contents(workspace)
    answer = _post(client, token, _csv(GOOD_1))
    assert answer.status_code == 403
    assert "grid-platform" in answer.get_json()["error"]
    assert _contents(workspace) == before


def test_oversized_and_wrong_content_type(client: Any, workspace: Path) -> None:
    token = _token(workspace)
    before = _contents(workspace)
    big = _csv(GOOD_1) + b"x" * (20 * 1024 * 1024)
    assert _post(client, token, big).status_code == 413
    plain = _post(client, token, _csv(GOOD_1), content_type="text/plain")
    assert plain.status_code == 415 and "text/csv" in plain.get_json()["error"]
    assert _post(client, token, _csv(GOOD_1), content_type="").status_code == 415
    assert _contents(workspace) == before


def test_bad_rows_are_rejected_with_their_place_and_good_rows_load(
    client: Any, workspace: Path
) -> None:
    token = _token(workspace)
    answer = _post(client, token, _csv(GOOD_1, BAD_CATEGORY))
    assert answer.status_code == 200
    report = answer.get_json()
    assert report["status"] == "partial"
    assert (report["good"], report["rejected"]) == (1, 1)
    (issue,) = report["issues"]
    assert (issue["file"], issue["line"], issue["column"], issue["value"]) == (
        "disputes.csv",
        3,
        "category",
        "nonsense",
    )
    assert "is not a Category" in issue["reason"]
    assert _node(workspace, "D-API-1") is not None and _node(workspace, "D-API-3") is None
    rejects = workspace / report["rejects_file"]
    assert "D-API-3" in rejects.read_text(encoding="utf-8-sig")
    assert json.loads((workspace / report["report_file"]).read_text())["ok"] is False


def test_strict_and_whole_body_failures_write_nothing(client: Any, workspace: Path) -> None:
    token = _token(workspace)
    before = _contents(workspace)
    strict = _post(client, token, _csv(GOOD_1, BAD_CATEGORY), query="table=disputes&strict=1")
    assert strict.status_code == 422
    assert strict.get_json()["status"] == "rejected" and strict.get_json()["rejected"] == 1
    everything_bad = _post(client, token, _csv(BAD_CATEGORY))
    assert everything_bad.status_code == 422
    assert everything_bad.get_json()["issues"][0]["line"] == 2
    not_json = _post(client, token, b'[{"id": "D-API-1",', content_type="application/json")
    assert not_json.status_code == 422 and "not valid JSON" in not_json.get_json()["error"]
    an_object = _post(client, token, b'{"id": "D-API-1"}', content_type="application/json")
    assert an_object.status_code == 422 and "array" in an_object.get_json()["error"]
    no_table = _post(client, token, _csv(GOOD_1), query="")
    assert no_table.status_code == 422 and "table=" in no_table.get_json()["error"]
    unknown = _post(client, token, _csv(GOOD_1), query="table=dispute")
    assert unknown.status_code == 422
    not_xlsx = _post(
        client,
        token,
        b"id,title",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    assert not_xlsx.status_code == 422
    assert _contents(workspace) == before
    assert not any((workspace / "ingest").iterdir())  # nothing staged is left behind


def test_a_json_array_of_rows(client: Any, workspace: Path) -> None:
    token = _token(workspace)
    columns = HEADER.split(",")
    rows = [dict(zip(columns, GOOD_1.split(","), strict=True))]
    rows.append({"id": "D-API-9", "title": "缺类别"})
    answer = _post(
        client,
        token,
        json.dumps(rows, ensure_ascii=False).encode(),
        content_type="application/json",
    )
    assert answer.status_code == 200
    report = answer.get_json()
    assert (report["good"], report["rejected"]) == (1, 1)
    assert {i["line"] for i in report["issues"]} == {2}  # the array's second row
    assert _node(workspace, "D-API-1") is not None


def test_a_source_with_a_mapping_reads_its_export(client: Any, workspace: Path) -> None:
    token = _token(workspace, "grid-platform")
    body = (GRID / "事件.csv").read_bytes()
    several = _post(client, token, body, source="grid-platform", query="")
    assert several.status_code == 422 and "事件.csv" in several.get_json()["error"]
    answer = _post(client, token, body, source="grid-platform", query="table=disputes")
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["counts"]["disputes"]["good"] == 3
    node = _node(workspace, "WG-2026-0001")
    assert node is not None and node.props["category"] == "wage_arrears"
    people = _post(
        client,
        token,
        (GRID / "人员.csv").read_bytes(),
        source="grid-platform",
        query="table=involvements",
    )
    assert people.status_code == 200
    assert set(people.get_json()["tables"]) == {"parties", "involvements"}


def test_the_rate_limit_answers_429(client: Any, workspace: Path) -> None:
    token = _token(workspace)
    answers = [_post(client, token, b"x", content_type="text/plain").status_code for _ in range(11)]
    assert answers == [415] * 10 + [429]
    limited = _post(client, token, _csv(GOOD_1))
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) >= 1
    other = _token(workspace)  # the bucket is per token
    assert _post(client, other, _csv(GOOD_1)).status_code == 200


def test_tokens_are_stored_hashed(workspace: Path) -> None:
    tokens = TokenStore(workspace / "ingest-tokens.json")
    record, text = tokens.create("hotline-12345", by="test", note="nightly")
    stored = (workspace / "ingest-tokens.json").read_text()
    secret = text.split("_", 2)[2]
    assert text not in stored and secret not in stored
    assert json.loads(stored)["tokens"][record.id]["sha256"] != ""
    assert (workspace / "ingest-tokens.json").stat().st_mode & 0o077 == 0
    assert tokens.authenticate(text) == record
    assert tokens.authenticate(text + "x") is None


def test_a_workbook_through_the_sources_mapping(client: Any, workspace: Path) -> None:
    hotline = GRID.parent / "hotline-12345"
    shutil.copy(hotline / "mapping.toml", workspace / "sources" / "hotline.toml")
    token = _token(workspace, "hotline")
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    body = (hotline / "工单导出.xlsx").read_bytes()
    answer = _post(client, token, body, source="hotline", query="", content_type=xlsx)
    assert answer.status_code == 200, answer.get_json()
    report = answer.get_json()
    assert report["status"] == "loaded" and report["rejected"] == 0
    assert {"disputes", "parties", "involvements"} <= set(report["tables"])
    first = report["counts"]["disputes"]["good"]
    assert first > 0
    after = _contents(workspace)
    again = _post(client, token, body, source="hotline", query="", content_type=xlsx).get_json()
    assert again["counts"]["disputes"]["good"] == first  # the same records, upserted
    assert _contents(workspace) == after


def test_a_commit_is_analysed_again_and_the_next_one_reuses_the_kept_analysis(
    workspace: Path,
) -> None:
    """``serve``'s way: the API's commits poke a debounced re-analysis in its thread."""
    from disputegraph.dashboard.auth import create_secure_app

    settings = _settings(workspace)
    done: list[Analysed] = []
    analysed = threading.Event()

    def note(result: Analysed) -> None:
        done.append(result)
        analysed.set()

    reanalyser = Reanalyser(settings, debounce=0.3, interval=0.05, analysed=note)
    store = MemoryStore.in_workspace(workspace)
    app = create_secure_app(
        settings, store, audit=AuditLog(workspace / "audit.jsonl"), after_ingest=reanalyser.poke
    )
    client = app.server.test_client()
    try:
        token = _token(workspace)
        refused = _post(client, token, _csv(GOOD_1, BAD_CATEGORY), query="table=disputes&strict=1")
        assert refused.status_code == 422
        assert not analysed.wait(1.0)  # nothing committed: nothing to analyse
        assert _post(client, token, _csv(GOOD_1, GOOD_2)).status_code == 200
        assert analysed.wait(60), "no analysis after the commit"
        first = done[0].result
        assert any("D-API-1" in c.disputes for c in first.clusters)
        stored = load_analysis(MemoryStore.in_workspace(workspace))
        assert stored is not None and stored.computed_at == first.computed_at
        analysed.clear()
        # a second commit of the same day: analysed again, the untouched clusters kept
        later = GOOD_1.replace("D-API-1", "D-API-5")
        assert _post(client, token, _csv(later)).status_code == 200
        assert analysed.wait(60), "no analysis after the second commit"
        second = done[1].result
        assert second.as_of == first.as_of
        assert any("D-API-5" in c.disputes for c in second.clusters)
        reused = reanalyser.kept.reused
        assert reused["clusters_computed"] >= 1
        assert reused["clusters"] == len(second.clusters) - reused["clusters_computed"] > 0
        assert len(done) == 2
    finally:
        reanalyser.stop()
        store.close()


@pytest.mark.parametrize(("value", "keeps"), [(None, True), ("0", False), ("false", False)])
def test_whether_the_analysis_is_kept_comes_from_the_environment(
    workspace: Path, monkeypatch: pytest.MonkeyPatch, value: str | None, keeps: bool
) -> None:
    """``DISPUTEGRAPH_KEEP_ANALYSIS`` (default on): kept, a second analysis of the same
    data takes over every cluster; off, nothing is kept and each analysis is whole."""
    monkeypatch.setenv("DISPUTEGRAPH_WORKSPACE", str(workspace))
    monkeypatch.setenv("DISPUTEGRAPH_STORE", "memory")
    monkeypatch.setenv("DISPUTEGRAPH_PII_KEY", "ingest-test-pii-key")
    if value is None:
        monkeypatch.delenv("DISPUTEGRAPH_KEEP_ANALYSIS", raising=False)
    else:
        monkeypatch.setenv("DISPUTEGRAPH_KEEP_ANALYSIS", value)
    settings = Settings()
    assert settings.keep_analysis is keeps
    reanalyser = Reanalyser(settings, background=False)
    first, second = reanalyser.analyse_now(), reanalyser.analyse_now()
    assert first is not None and second is not None
    assert [(c.id, c.score) for c in second.result.clusters] == [
        (c.id, c.score) for c in first.result.clusters
    ]
    stored = load_analysis(MemoryStore.in_workspace(workspace))
    assert stored is not None and stored.computed_at == second.result.computed_at
    if keeps:
        assert reanalyser.kept is not None
        assert reanalyser.kept.reused["clusters"] == len(second.result.clusters) > 0
        assert reanalyser.kept.reused["clusters_computed"] == 0
    else:
        assert reanalyser.kept is None


def test_an_unexpected_error_does_not_end_the_re_analysis(
    workspace: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A server runs for weeks: an error the analysis does not expect is logged, and the
    next ingest is analysed again all the same."""
    calls: list[Analysed] = []
    second = threading.Event()

    def note(done: Analysed) -> None:
        calls.append(done)
        if len(calls) == 1:
            raise RuntimeError("the first report could not be sent")
        second.set()

    reanalyser = Reanalyser(_settings(workspace), debounce=0.1, interval=0.05, analysed=note)
    try:
        reanalyser.poke()
        for _ in range(600):
            if calls:
                break
            threading.Event().wait(0.1)
        assert len(calls) == 1, "no first analysis"
        reanalyser.poke()
        assert second.wait(60), "the re-analysis ended with the first error"
    finally:
        reanalyser.stop()
    assert "analysis after an ingest failed" in caplog.text
    assert "the first report could not be sent" in caplog.text


def test_an_ingest_commits_while_the_workspace_is_analysed_again(
    workspace: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The re-analysis reads as a reader: an ingest in the middle of it commits at once
    (its writer gives up after 2 s), the result of the older rows is given up and the
    workspace analysed again with the new ones; after ``GIVE_WAY`` results given up in
    a row, the next analysis holds the writer lock throughout and lands."""
    from disputegraph.ingest import load_bundle
    from disputegraph.store.memory import SNAPSHOT_NAME
    from disputegraph.views import reanalyse

    settings = _settings(workspace)
    commits: list[str] = []
    refused: list[str] = []

    def ingest(dispute: str) -> None:
        bundle = tmp_path / dispute
        bundle.mkdir()
        (bundle / "disputes.csv").write_bytes(_csv(GOOD_2.replace("D-API-2", dispute)))
        writer = MemoryStore(workspace / SNAPSHOT_NAME, writer=True, lock_timeout=2.0)
        try:
            load_bundle(bundle, writer, settings)
            writer.flush()
        finally:
            writer.close()
        commits.append(dispute)

    real = reanalyse.run_analysis
    during: list[str] = []  # the ingests to run in the middle of the next analyses

    def analysing(store: Any, **kw: Any) -> Any:
        if during:
            store.counts()  # the graph read (a commit before that would simply be read)
            dispute = during.pop(0)
            try:
                ingest(dispute)
            except Exception as exc:  # the writer lock is held: the commit waits
                refused.append(f"{dispute}: {exc}")
        return real(store, **kw)

    monkeypatch.setattr(reanalyse, "run_analysis", analysing)
    reanalyser = Reanalyser(settings, background=False)
    during.append("D-API-7")
    assert reanalyser.analyse_now() is None  # given up: D-API-7 came in meanwhile
    assert commits == ["D-API-7"] and not refused
    assert reanalyser.pending, "analysed again once the ingests stop"
    assert load_analysis(MemoryStore.in_workspace(workspace)) is None  # nothing written
    done = reanalyser.analyse_now()
    assert done is not None and any("D-API-7" in c.disputes for c in done.result.clusters)
    stored = load_analysis(MemoryStore.in_workspace(workspace))
    assert stored is not None and stored.computed_at == done.result.computed_at

    during.extend(f"D-API-{n}" for n in range(10, 10 + Reanalyser.GIVE_WAY + 1))
    for _ in range(Reanalyser.GIVE_WAY):
        assert reanalyser.analyse_now() is None
    assert len(commits) == 1 + Reanalyser.GIVE_WAY and not refused
    landed = reanalyser.analyse_now()  # holds the writer lock: this ingest waits
    assert landed is not None and len(refused) == 1 and "is locked" in refused[0]
    assert all(any(d in c.disputes for c in landed.result.clusters) for d in commits[1:]), (
        "the rows committed while results were given up are analysed"
    )
    again = load_analysis(MemoryStore.in_workspace(workspace))
    assert again is not None and again.computed_at == landed.result.computed_at
