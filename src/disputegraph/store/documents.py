"""Stored documents (analysis results, review decisions) as JSON, the same in every store.

A document is a JSON object given as a dict or as a pydantic model. A model
is serialised by pydantic straight to JSON, a long list of models a thousand
at a time (:func:`iter_document`: a million-dispute analysis never becomes a
dict of dicts, nor 700 MB of JSON in one piece); in a dict, dates and datetimes are tagged so
they come back as themselves (``{"$datetime": "..."}``), sets and tuples
become lists. Reading gives a new dict every time, so a caller can change it
without changing what is stored.

>>> from datetime import date
>>> load_document(dump_document("k", "1", {"day": date(2026, 1, 10), "n": (1, 2)}))
{'day': datetime.date(2026, 1, 10), 'n': [1, 2]}
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel
from pydantic_core import to_json

from disputegraph.exceptions import StoreError

__all__ = ["Document", "dump_document", "iter_document", "load_document"]

#: What ``put_document`` accepts.
Document = dict[str, Any] | BaseModel


#: Items of a list of models serialised at a time.
_PIECE = 1000


def dump_document(kind: str, key: str, doc: Document) -> bytes:
    """The document as UTF-8 JSON; :class:`StoreError` if it is not JSON-shaped."""
    return b"".join(iter_document(kind, key, doc))


def iter_document(kind: str, key: str, doc: Document) -> Iterator[bytes]:
    """The document as UTF-8 JSON in pieces (joined, what :func:`dump_document` gives).

    A model's fields are serialised one by one by its own serializer, and a list of
    models in pieces of ``_PIECE`` items, each by the items' serializer.
    """
    if not isinstance(doc, BaseModel):
        try:
            yield json.dumps(doc, ensure_ascii=False, default=_encode).encode()
        except (TypeError, ValueError) as exc:
            raise StoreError(f"document {kind}/{key} cannot be stored as JSON: {exc}") from None
        return
    serializer = doc.__pydantic_serializer__
    yield b"{"
    for i, name in enumerate(type(doc).model_fields):
        value = getattr(doc, name)
        if i:
            yield b","
        if isinstance(value, list) and value and isinstance(value[0], BaseModel):
            yield to_json(name) + b":["
            for start in range(0, len(value), _PIECE):
                items = (to_json(item) for item in value[start : start + _PIECE])
                yield (b"," if start else b"") + b",".join(items)
            yield b"]"
        else:  # the field alone, as the model serialises it: '{"name":value}'
            yield serializer.to_json(doc, include={name})[1:-1]
    yield b"}"


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
