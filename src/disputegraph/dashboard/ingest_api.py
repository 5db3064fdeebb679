"""``POST /api/ingest/<source>``: rows from a source system, loaded as ``disputegraph load``
loads a bundle (docs/architecture.md §8; the work is :mod:`disputegraph.ingest.upload`).

- **Auth.** ``Authorization: Bearer dgi_…``, a token of that source
  (``disputegraph tokens create SOURCE``); no session cookie is needed or used.
  401: no or a bad (unknown, revoked) token; 403: a token of another source.
- **Limits.** A token bucket per token, in this process (each gunicorn worker
  keeps its own): ``burst`` requests at once, refilled at ``rate`` per second;
  429 with ``Retry-After`` beyond it. Bodies above ``max_bytes`` (20 MB): 413.
- **Body.** By ``Content-Type``: ``text/csv``, ``application/x-ndjson`` (JSON
  Lines), ``application/json`` (an array of row objects) or the .xlsx type;
  anything else 415. ``?table=`` names the table (see the module above for when
  it may be left out); ``?strict=1`` writes nothing if any row is bad.
- **Answer.** The :class:`~disputegraph.ingest.upload.UploadReport` as JSON:
  200 when rows loaded (``status`` ``loaded``, or ``partial`` with the rejected
  rows listed by file, line, column, value and reason), 422 when nothing was
  written (the body unreadable, a mapping problem, no valid row, a strict
  upload with a bad row). Records are upserted by id: posting the same body
  again changes nothing.
- **Audit.** Every request, answered or refused, goes to the audit log as user
  ``token:<id>`` (``-`` without a valid token).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import flask

from disputegraph.audit import AuditLog
from disputegraph.config import Settings
from disputegraph.dashboard.session import no_store
from disputegraph.exceptions import DisputeGraphError
from disputegraph.ingest.tokens import TokenStore
from disputegraph.ingest.upload import (
    MAX_BODY_BYTES,
    BodyTooLarge,
    Upload,
    UploadError,
    body_format,
    ingest_upload,
    source_mapping,
)
from disputegraph.store.protocol import GraphStore
from disputegraph.taxonomy import Taxonomy

__all__ = ["API_PREFIX", "TokenBucket", "install_ingest_api", "writer_of"]

API_PREFIX = "/api/ingest/"
WriterFactory = Callable[[], AbstractContextManager[GraphStore]]


class TokenBucket:
    """``burst`` requests at once per key, refilled at ``rate`` per second (in memory)."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = burst
        self.buckets: dict[str, tuple[float, float]] = {}
        self.lock = threading.Lock()

    def take(self, key: str) -> float:
        """0 when a request may go now (and it is counted), else the seconds to wait."""
        now = time.monotonic()
        with self.lock:
            tokens, last = self.buckets.get(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                self.buckets[key] = (tokens - 1.0, now)
                return 0.0
            self.buckets[key] = (tokens, now)
            return (1.0 - tokens) / self.rate if self.rate > 0 else 3600.0


def writer_of(settings: Settings) -> WriterFactory:
    """Opens a writer of the configured store for one commit (closed after it)."""

    @contextmanager
    def open_writer() -> Iterator[GraphStore]:
        # a store of its own that holds the writer lock (one writer at a time on
        # the embedded store), read fresh so no other process's commit is lost
        from disputegraph.store import open_store

        store = open_store(settings, writer=True)
        try:
            yield store
        finally:
            store.close()

    return open_writer


def _answer(status: int, payload: dict[str, Any], **headers: str) -> flask.Response:
    response = flask.make_response(flask.jsonify(payload), status)
    response.headers.update(headers)
    return no_store(response)


def install_ingest_api(
    server: flask.Flask,
    settings: Settings,
    *,
    audit: AuditLog | None = None,
    tokens: TokenStore | None = None,
    open_writer: WriterFactory | None = None,
    taxonomy: Taxonomy | None = None,
    max_bytes: int = MAX_BODY_BYTES,
    rate: float = 1.0,
    burst: int = 10,
    after_ingest: Callable[[], None] = lambda: None,
) -> None:
    """Add ``POST /api/ingest/<source>`` to ``server`` (see the module docstring);
    ``after_ingest`` is called after each commit (``serve``: the re-analysis)."""
    tokens = tokens or TokenStore.for_settings(settings)
    writer = open_writer or writer_of(settings)
    bucket = TokenBucket(rate, burst)

    def record(user: str, action: str, **params: Any) -> None:
        if audit is not None:
            audit.record(user, action, ip=flask.request.remote_addr, **params)

    def refuse(status: int, error: str, user: str = "-", **params: Any) -> flask.Response:
        source = flask.request.view_args.get("source") if flask.request.view_args else None
        record(user, "ingest_refused", source=source, status=status, reason=error, **params)
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else {}
        return _answer(status, {"error": error}, **headers)

    @server.route(API_PREFIX + "<source>", methods=["POST"])
    def _ingest(source: str) -> flask.Response:
        request = flask.request
        scheme, _, text = request.headers.get("Authorization", "").partition(" ")
        token = tokens.authenticate(text.strip()) if scheme.lower() == "bearer" else None
        if token is None:
            return refuse(401, "a valid API token is required: Authorization: Bearer <token>")
        user = f"token:{token.id}"
        if token.source != source:
            return refuse(403, f"this token is for source {token.source!r}, not {source!r}", user)
        wait = bucket.take(token.id)
        if wait > 0:
            return _rate_limited(refuse(429, "too many requests for this token", user), wait)
        if (request.content_length or 0) > max_bytes:
            return refuse(413, f"the body is larger than {max_bytes:,} bytes", user)
        fmt = body_format(request.content_type)
        if fmt is None:
            return refuse(
                415,
                f"unsupported content type {request.content_type or '(none)'!r}: send text/csv, "
                "application/x-ndjson, application/json (an array of rows) or an .xlsx workbook",
                user,
            )
        body = request.stream.read(max_bytes + 1)
        if len(body) > max_bytes:
            return refuse(413, f"the body is larger than {max_bytes:,} bytes", user)
        strict = request.args.get("strict", "").lower() in ("1", "true", "yes")
        table = request.args.get("table") or None
        upload = Upload(source, body, fmt, table)
        try:
            mapping = source_mapping(settings, source, taxonomy)
            with writer() as store:
                report = ingest_upload(
                    upload, store, settings, mapping=mapping, strict=strict, by=user
                )
        except BodyTooLarge as exc:
            return refuse(413, str(exc), user)
        except UploadError as exc:
            return refuse(422, str(exc), user, table=table)
        except DisputeGraphError as exc:  # the source's mapping, the PII key, the store
            return refuse(500, f"the server cannot ingest for {source!r}: {exc}", user)
        record(
            user,
            "ingest",
            source=source,
            table=table,
            upload=report.upload,
            status=report.status,
            strict=strict,
            bytes=len(body),
            rows=report.rows,
            loaded=report.good if report.committed else 0,
            rejected=report.rejected,
            result_size=report.good if report.committed else 0,
        )
        if report.committed:
            after_ingest()
        code = 422 if report.status == "rejected" else 200
        return _answer(code, report.model_dump(mode="json"))


def _rate_limited(response: flask.Response, wait: float) -> flask.Response:
    response.headers["Retry-After"] = str(max(1, int(wait + 0.999)))
    return response
