"""Stored documents (analysis results, review decisions) as JSON, the same in every store.

A document is a JSON object given as a dict or as a pydantic model. A model
is serialised by pydantic straight to JSON (a million-dispute analysis never
becomes a dict of dicts first); in a dict, dates and datetimes are tagged so
they come back as themselves (``{"$datetime": "..."}``), sets and tuples
become lists. Reading gives a new dict every time, so a caller can change it
without changing what is stored.

>>> from datetime import date
>>> load_document(dump_document("k", "1", {"day": date(2026, 1, 10), "n": (1, 2)}))
{'day': datetime.date(2026, 1, 10), 'n': [1, 2]}
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel
from pydantic_core import to_json

from disputegraph.exceptions import StoreError

__all__ = ["Document", "dump_document", "load_document"]

#: What ``put_document`` accepts.
Document = dict[str, Any] | BaseModel


def dump_document(kind: str, key: str, doc: Document) -> bytes:
    """The document as UTF-8 JSON; :class:`StoreError` if it is not JSON-shaped."""
    if isinstance(doc, BaseModel):
        return to_json(doc)  # UTF-8 bytes straight from pydantic-core, no str in between
    try:
        return json.dumps(doc, ensure_ascii=False, default=_encode).encode()
    except (TypeError, ValueError) as exc:
        raise StoreError(f"document {kind}/{key} cannot be stored as JSON: {exc}") from None


def load_document(data: bytes | str) -> dict[str, Any]:
    """A stored document as a new dict."""
    doc: dict[str, Any] = json.loads(data, object_hook=_decode)
    return doc


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _decode(obj: dict[str, Any]) -> Any:
    if len(obj) == 1:
        if "$datetime" in obj:
            return datetime.fromisoformat(obj["$datetime"])
        if "$date" in obj:
            return date.fromisoformat(obj["$date"])
    return obj
