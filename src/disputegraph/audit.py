"""The append-only audit log: who did what, when, with which parameters — hash-chained.

Every login (success and failure), search, view of a person, named query,
export and briefing is one JSON line in ``<workspace>/audit.jsonl`` (or
``DISPUTEGRAPH_AUDIT_LOG``)::

    {"seq": 7, "ts": "2026-03-01T09:30:00.123456+00:00", "user": "wang",
     "action": "search", "params": {"text": "张"}, "result_size": 3,
     "prev": "<hash of line 6>", "hash": "<hash of this line>"}

``hash`` is the SHA-256 (or, with ``DISPUTEGRAPH_AUDIT_KEY``, the
HMAC-SHA256) of the line's canonical JSON without ``hash``; ``prev`` is the
previous line's ``hash`` (64 zeros for the first). A side file
``audit.jsonl.head`` holds the last ``seq`` and ``hash``. :meth:`AuditLog.verify`
recomputes the chain, so an edited, inserted, reordered or deleted line breaks
it, and a cut-off tail (or an emptied file) no longer matches the head.

Limits: the chain proves the lines were not changed *in the middle*; someone
who can write both files can still cut the tail and rewrite the head to match
an earlier line. Against that, keep the head elsewhere too: ``audit verify``
prints the last line's hash — note it (a ticket, syslog, a signed mail) and
compare later. With ``DISPUTEGRAPH_AUDIT_KEY`` nobody without the key can
add or change lines.

Appends hold an exclusive ``flock`` on the log, so threads and processes
(server workers, the CLI) can write at once; each line is fsynced before the
call returns.

>>> import tempfile, pathlib
>>> log = AuditLog(pathlib.Path(tempfile.mkdtemp()) / "audit.jsonl")
>>> log.record("wang", "search", text="张", result_size=3)["seq"]
1
>>> log.verify().ok
True
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import Enum
from pathlib import Path
from typing import Any

from disputegraph.exceptions import AuditError

__all__ = ["ACTIONS", "GENESIS", "AuditLog", "Verification"]

#: the first line's ``prev``
GENESIS = "0" * 64

#: actions the code records (others are allowed; these are the documented ones)
ACTIONS = (
    "login",
    "login_failed",
    "logout",
    "search",
    "view_entity",
    "view_person",
    "view_cluster",
    "query",
    "export_chart",
    "export_briefing",
    "copy_cypher",
    "user_add",
    "user_remove",
    "user_set_role",
    "user_set_password",
)
_KEYS = ("seq", "ts", "user", "action", "params", "result_size", "prev", "hash")


def _plain(value: Any) -> Any:
    """Parameters as JSON-safe values (dates as ISO text, enums as their value)."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return _plain(value.value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def _canonical(entry: dict[str, Any]) -> bytes:
    body = {k: v for k, v in entry.items() if k != "hash"}
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode(
        "utf-8"
    )


@dataclass(frozen=True)
class Verification:
    """The result of :meth:`AuditLog.verify`."""

    ok: bool
    lines: int
    #: 1-based line number of the first bad line (``lines + 1`` when the tail is missing)
    bad_line: int | None = None
    reason: str = ""
    #: the hash of the last line (keep it elsewhere to detect a rewritten tail later)
    head: str = GENESIS

    def __str__(self) -> str:
        if self.ok:
            return f"audit log intact: {self.lines} lines, last hash {self.head}"
        return f"audit log broken at line {self.bad_line}: {self.reason}"


class AuditLog:
    """The audit log at ``path``; ``key`` makes the chain an HMAC chain."""

    def __init__(self, path: Path, key: bytes | None = None) -> None:
        self.path = path
        self.head_path = path.with_name(path.name + ".head")
        self.key = key

    @classmethod
    def from_settings(cls, settings: Any) -> AuditLog:
        """The log named by the settings (``audit_path``, ``audit_key``)."""
        key = settings.audit_key.get_secret_value().encode() if settings.audit_key else None
        return cls(settings.audit_path, key=key or None)

    def _digest(self, entry: dict[str, Any]) -> str:
        data = _canonical(entry)
        if self.key:
            return hmac.new(self.key, data, hashlib.sha256).hexdigest()
        return hashlib.sha256(data).hexdigest()

    # -- writing ---------------------------------------------------------
    def record(
        self, user: str, action: str, *, result_size: int | None = None, **params: Any
    ) -> dict[str, Any]:
        """Append one line and return it. :class:`AuditError` if it cannot be written
        (callers must then refuse the action: nothing happens unaudited)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
        except OSError as exc:
            raise AuditError(f"cannot open the audit log {self.path}: {exc.strerror}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            seq, prev = self._tail(fd)
            entry: dict[str, Any] = {
                "seq": seq + 1,
                "ts": datetime.now(UTC).isoformat(),
                "user": str(user),
                "action": str(action),
                "params": _plain(params),
                "result_size": result_size,
                "prev": prev,
            }
            entry["hash"] = self._digest(entry)
            line = (json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
            written = os.write(fd, line)
            if written != len(line):
                raise OSError(28, "short write")
            os.fsync(fd)
            self._write_head(entry["seq"], entry["hash"])
        except OSError as exc:
            raise AuditError(
                f"cannot append to the audit log {self.path}: {exc.strerror or exc}"
            ) from None
        finally:
            os.close(fd)
        return entry

    def _tail(self, fd: int) -> tuple[int, str]:
        """(seq, hash) of the last line (0 and GENESIS for an empty log)."""
        size = os.lseek(fd, 0, os.SEEK_END)
        if size == 0:
            return 0, GENESIS
        chunk = b""
        pos = size
        while pos > 0:
            step = min(4096, pos)
            pos -= step
            chunk = os.pread(fd, step, pos) + chunk
            lines = chunk.rstrip(b"\n").split(b"\n")
            if len(lines) > 1 or pos == 0:
                last = lines[-1]
                break
        try:
            entry = json.loads(last)
            return int(entry["seq"]), str(entry["hash"])
        except (ValueError, KeyError, TypeError):
            raise AuditError(
                f"the last line of {self.path} is damaged; run `disputegraph audit verify` "
                "and keep the file as evidence before starting a new log"
            ) from None

    def _write_head(self, seq: int, digest: str) -> None:
        tmp = self.head_path.with_name(f".{self.head_path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, json.dumps({"seq": seq, "hash": digest}).encode())
            os.fsync(fd)
        finally:
            os.close(fd)
        tmp.replace(self.head_path)

    # -- reading ---------------------------------------------------------
    def _lines(self) -> Iterator[tuple[int, bytes]]:
        try:
            with self.path.open("rb") as fh:
                yield from enumerate(fh, start=1)
        except FileNotFoundError:
            return

    def entries(
        self, user: str | None = None, since: datetime | None = None, action: str | None = None
    ) -> Iterator[dict[str, Any]]:
        """The lines (as dicts), optionally only one user's, one action's, or from ``since``."""
        if since is not None and since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
        for number, raw in self._lines():
            try:
                entry: dict[str, Any] = json.loads(raw)
            except ValueError:
                raise AuditError(
                    f"{self.path} line {number} is not JSON; run `disputegraph audit verify`"
                ) from None
            if user is not None and entry.get("user") != user:
                continue
            if action is not None and entry.get("action") != action:
                continue
            if since is not None:
                try:
                    when = datetime.fromisoformat(str(entry.get("ts")))
                except ValueError:
                    continue
                if when < since:
                    continue
            yield entry

    def verify(self) -> Verification:
        """Recompute the chain; the first bad line and why, or ok."""
        prev = GENESIS
        count = 0
        for number, raw in self._lines():
            count = number
            if not raw.endswith(b"\n"):
                return Verification(False, number, number, "the line is cut off (no newline)")
            try:
                entry = json.loads(raw)
            except ValueError:
                return Verification(False, number, number, "not valid JSON")
            if not isinstance(entry, dict) or sorted(entry) != sorted(_KEYS):
                return Verification(False, number, number, "fields missing or added")
            if entry["seq"] != number:
                return Verification(
                    False, number, number, f"seq is {entry['seq']}, expected {number}"
                )
            if entry["prev"] != prev:
                return Verification(
                    False, number, number, "prev does not match the previous line's hash"
                )
            if not hmac.compare_digest(str(entry["hash"]), self._digest(entry)):
                return Verification(False, number, number, "hash mismatch: the line was edited")
            prev = entry["hash"]
        head = self._head()
        if head is None:
            if count:
                return Verification(
                    False, count, count + 1, f"the head file {self.head_path.name} is missing"
                )
            return Verification(True, 0)
        if head["seq"] != count or head["hash"] != prev:
            if head["seq"] > count:
                reason = f"lines {count + 1}–{head['seq']} are missing (truncated)"
            else:
                reason = "the head file does not match the last line"
            return Verification(False, count, count + 1, reason)
        return Verification(True, count, head=prev)

    def _head(self) -> dict[str, Any] | None:
        try:
            head = json.loads(self.head_path.read_text("utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            return {"seq": -1, "hash": ""}
        if not isinstance(head, dict):
            return {"seq": -1, "hash": ""}
        return head
