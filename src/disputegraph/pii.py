"""Personal identifiers: never stored raw.

An id number or phone becomes a keyed hash (HMAC-SHA256 over the normalised
value, key from ``settings.pii_key_bytes()``) for matching, and a masked form
for display::

    >>> mask_id_number("330106198503121234")
    '3301**********1234'
    >>> mask_phone("+86 138-1234-5678")
    '138****5678'
    >>> normalise_identifier(" 33010619850312123x ")
    '33010619850312123X'

Search hashes user input the same way with :func:`hash_lookup`, so typing a
phone with spaces or a ``+86`` prefix still finds the party.
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata
from collections.abc import Mapping
from typing import Any

from disputegraph.config import Settings
from disputegraph.exceptions import SchemaError
from disputegraph.schemas import Protector

__all__ = [
    "hash_identifier",
    "hash_lookup",
    "mask_id_number",
    "mask_phone",
    "mask_value",
    "normalise_identifier",
    "protector",
]

_DROP = str.maketrans("", "", " -()\t\u3000")


#: longest phone number without its country prefix (landline with area code)
_PHONE_MAX = 12


def normalise_identifier(value: str) -> str:
    """Width-fold, drop spaces, dashes and brackets, uppercase (``x`` → ``X``),
    and drop a ``+86``/``0086`` country prefix from a phone number.

    The same function serves id numbers and phones. The prefix is dropped only
    when at most 12 characters (a mobile or a landline with its area code)
    remain, so an 18-character id number that happens to start with ``0086``
    keeps its length.
    """
    text = unicodedata.normalize("NFKC", value).translate(_DROP).upper()
    for prefix in ("+86", "0086"):
        if text.startswith(prefix) and 0 < len(text) - len(prefix) <= _PHONE_MAX:
            return text[len(prefix) :]
    return text


def _mask(text: str, head: int, tail: int) -> str:
    """Keep ``head`` leading and ``tail`` trailing characters and hide at least 4;
    values too short for that keep a quarter at each end (at least half hidden)."""
    n = len(text)
    if head + tail + 4 > n:
        head = tail = n // 4
    return text[:head] + "*" * (n - head - tail) + (text[n - tail :] if tail else "")


def mask_id_number(value: str) -> str:
    """``3301**********1234``: first 4 and last 4 of the normalised id number."""
    return _mask(normalise_identifier(value), 4, 4)


def mask_phone(value: str) -> str:
    """``138****5678``: first 3 and last 4 of the normalised phone number."""
    return _mask(normalise_identifier(value), 3, 4)


def mask_value(value: str) -> str:
    """Mask an identifier of unknown kind (for error messages): keeps at most 4 + 4."""
    return _mask(normalise_identifier(value), 4, 4)


def hash_identifier(key: bytes, value: str) -> str:
    """Hex HMAC-SHA256 of the normalised value."""
    return hmac.new(key, normalise_identifier(value).encode("utf-8"), hashlib.sha256).hexdigest()


def hash_lookup(settings: Settings, value: str) -> str:
    """The digest to search for (``store.find_by_hash``) when a user types an id number or phone."""
    return hash_identifier(settings.pii_key_bytes(), value)


_MASKS = {"id_number": mask_id_number, "phone": mask_phone}


def protector(settings: Settings) -> Protector:
    """The :data:`~disputegraph.schemas.Protector` for :func:`~disputegraph.schemas.to_graph`.

    It turns ``id_number``/``phone`` into ``<field>_hash`` and ``<field>_masked``.
    Raises :class:`~disputegraph.exceptions.ConfigError` when no key is configured
    outside demo mode, before any row is touched.
    """
    key = settings.pii_key_bytes()

    def protect(name: str, value: str) -> Mapping[str, Any]:
        mask = _MASKS.get(name)
        if mask is None:
            raise SchemaError(f"no protection rule for private field {name!r}")
        return {f"{name}_hash": hash_identifier(key, value), f"{name}_masked": mask(value)}

    return protect
