"""The audit log: append, filter, and a hash chain that catches every kind of tampering."""

from __future__ import annotations

import itertools
import json
import os
import stat
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from disputegraph.audit import GENESIS, AuditLog, Verification
from disputegraph.exceptions import AuditError
from shared_helpers import in_threads


@pytest.fixture
def log(tmp_path: Path) -> AuditLog:
    audit = AuditLog(tmp_path / "audit.jsonl")
    audit.record("wang", "login")
    audit.record("wang", "search", text="张三", result_size=2)
    audit.record("li", "query", name="party_disputes", params={"party_id": "P-1"}, result_size=5)
    audit.record("wang", "export", chart="network", fmt="png")
    return audit


def lines(log: AuditLog) -> list[str]:
    return log.path.read_text("utf-8").splitlines(keepends=True)


def test_lines_have_the_documented_fields_and_chain(log: AuditLog) -> None:
    entries = [json.loads(x) for x in lines(log)]
    assert [e["seq"] for e in entries] == [1, 2, 3, 4]
    assert set(entries[0]) == {
        "seq",
        "ts",
        "user",
        "action",
        "params",
        "result_size",
        "prev",
        "hash",
    }
    assert entries[0]["prev"] == GENESIS
    assert all(b["prev"] == a["hash"] for a, b in itertools.pairwise(entries))
    assert entries[1]["params"] == {"text": "张三"} and entries[1]["result_size"] == 2
    assert "张三" in log.path.read_text("utf-8")  # UTF-8, not escaped
    assert stat.S_IMODE(log.path.stat().st_mode) == 0o600
    assert log.verify().ok and log.verify().lines == 4


def test_filters(log: AuditLog) -> None:
    assert [e["action"] for e in log.entries(user="wang")] == ["login", "search", "export"]
    assert [e["user"] for e in log.entries(action="query")] == ["li"]
    future = datetime.now(UTC) + timedelta(hours=1)
    assert list(log.entries(since=future)) == []
    assert len(list(log.entries(since=datetime(2000, 1, 1)))) == 4  # naive = UTC


def _rewrite_second_line(log: AuditLog, text: list[str], entry: dict[str, Any]) -> Verification:
    """Put ``entry`` back as the log's second line, write the log and verify it."""
    text[1] = json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n"
    log.path.write_text("".join(text), "utf-8")
    return log.verify()


def test_edited_line_is_caught(log: AuditLog) -> None:
    text = lines(log)
    entry = json.loads(text[1])
    entry["params"]["text"] = "李四"  # hide what was searched
    result = _rewrite_second_line(log, text, entry)
    assert not result.ok and result.bad_line == 2 and "edited" in result.reason


def test_edited_line_with_recomputed_hash_breaks_the_next_link(log: AuditLog) -> None:
    text = lines(log)
    entry = json.loads(text[1])
    entry["user"] = "someone-else"
    entry["hash"] = log._digest(entry)  # a careful forger recomputes this line's hash
    result = _rewrite_second_line(log, text, entry)
    assert not result.ok and result.bad_line == 3 and "prev" in result.reason


def test_deleted_line_is_caught(log: AuditLog) -> None:
    text = lines(log)
    del text[2]
    log.path.write_text("".join(text), "utf-8")
    result = log.verify()
    assert not result.ok and result.bad_line == 3


def test_truncated_tail_is_caught(log: AuditLog) -> None:
    log.path.write_text("".join(lines(log)[:2]), "utf-8")
    result = log.verify()
    assert not result.ok and result.bad_line == 3 and "missing (truncated)" in result.reason


def test_cut_off_last_line_is_caught(log: AuditLog) -> None:
    data = log.path.read_bytes()
    log.path.write_bytes(data[:-20])
    result = log.verify()
    assert not result.ok and result.bad_line == 4


def test_emptied_log_is_caught(log: AuditLog) -> None:
    log.path.write_bytes(b"")
    result = log.verify()
    assert not result.ok and result.bad_line == 1 and "truncated" in result.reason


def test_missing_head_is_caught(log: AuditLog) -> None:
    log.head_path.unlink()
    assert not log.verify().ok


def test_reordered_lines_are_caught(log: AuditLog) -> None:
    text = lines(log)
    text[1], text[2] = text[2], text[1]
    log.path.write_text("".join(text), "utf-8")
    assert log.verify().bad_line == 2


def test_rewritten_chain_without_the_key_is_caught(tmp_path: Path) -> None:
    keyed = AuditLog(tmp_path / "a.jsonl", key=b"audit-secret")
    keyed.record("wang", "search", text="x")
    keyed.record("wang", "search", text="y")
    assert keyed.verify().ok
    # a forger without the key rebuilds the whole chain with plain SHA-256
    forger = AuditLog(tmp_path / "forged.jsonl")
    forger.record("wang", "search", text="x")
    forger.record("wang", "search", text="nothing to see")
    keyed.path.write_bytes(forger.path.read_bytes())
    keyed.head_path.write_bytes(forger.head_path.read_bytes())
    assert not keyed.verify().ok
    assert not AuditLog(keyed.path, key=b"wrong").verify().ok


def test_empty_log_verifies(tmp_path: Path) -> None:
    assert AuditLog(tmp_path / "none.jsonl").verify().ok


def test_appending_after_damage_refuses(log: AuditLog) -> None:
    with log.path.open("ab") as fh:
        fh.write(b'{"broken')
    with pytest.raises(AuditError, match=r"last line .* is damaged"):
        log.record("wang", "search", text="x")


def test_unwritable_log_raises_audit_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    audit = AuditLog(tmp_path / "audit.jsonl")
    audit.record("wang", "login")

    def full(fd: int, data: bytes) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "write", full)
    with pytest.raises(AuditError, match="No space left"):
        audit.record("wang", "search", text="x")
    monkeypatch.undo()
    assert audit.verify().ok  # nothing half-written


def test_parameters_are_made_json_safe(tmp_path: Path) -> None:
    from datetime import date

    from disputegraph.schemas import NodeLabel

    audit = AuditLog(tmp_path / "audit.jsonl")
    entry = audit.record("u", "query", day=date(2026, 3, 1), label=NodeLabel.PARTY, ids={"b"})
    assert entry["params"] == {"day": "2026-03-01", "label": "Party", "ids": ["b"]}
    assert audit.verify().ok


def test_concurrent_threads_keep_one_chain(tmp_path: Path) -> None:
    audit = AuditLog(tmp_path / "audit.jsonl")

    def work(i: int) -> None:
        for j in range(20):
            AuditLog(audit.path).record(f"u{i}", "search", text=str(j))

    in_threads(work, 5)
    result = audit.verify()
    assert result.ok and result.lines == 100


_APPEND = (
    "import sys; from pathlib import Path; from disputegraph.audit import AuditLog\n"
    "log = AuditLog(Path(sys.argv[1]))\n"
    "for j in range(25): log.record(sys.argv[2], 'search', text=str(j))\n"
)


def test_concurrent_processes_keep_one_chain(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    procs = [
        subprocess.Popen([sys.executable, "-c", _APPEND, str(path), f"p{i}"]) for i in range(3)
    ]
    assert [p.wait(timeout=60) for p in procs] == [0, 0, 0]
    result = AuditLog(path).verify()
    assert result.ok and result.lines == 75
