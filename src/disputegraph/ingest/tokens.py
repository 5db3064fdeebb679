"""API tokens of the ingest endpoint: one token per source system (docs/architecture.md §8).

A token reads ``dgi_<id>_<secret>``: ``id`` (8 hex digits) names the record,
``secret`` is 32 random bytes (URL-safe base64). Only the SHA-256 of the whole
token is kept — the secret has 256 bits, so a slow hash (scrypt, as for
passwords) would add nothing but latency to every request — in
``<folder of the accounts file>/ingest-tokens.json`` (mode 0600), written
atomically under an exclusive ``flock`` as the accounts file is, so the CLI and
every server worker share it::

    {"version": 1,
     "tokens": {"3f9a0c12": {"source": "hotline-12345", "sha256": "…",
                             "created_at": "2026-03-01T09:30:00+00:00",
                             "created_by": "cli:wang", "note": "", "revoked_at": null}}}

A revoked token stays listed (who made it, when it was revoked) and never
authenticates again.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from disputegraph.exceptions import AuthError, ConfigError
from disputegraph.files import lock_beside, write_private
from disputegraph.users import check_identifier

__all__ = ["TOKENS_FILE", "Token", "TokenStore", "check_source_name"]

TOKENS_FILE = "ingest-tokens.json"
_PREFIX = "dgi"
_TOKEN_RE = re.compile(r"^dgi_([0-9a-f]{8})_([A-Za-z0-9_-]{20,})$")
_SOURCE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


def check_source_name(name: str) -> str:
    """A valid source name (letters, digits, ``_ . -``), or :class:`AuthError`."""
    return check_identifier(name, _SOURCE_RE, "source name", "letters, digits, '_', '.' or '-'")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Token:
    """One token as it is listed (never the secret, never the hash)."""

    id: str
    source: str
    created_at: str
    created_by: str
    note: str = ""
    revoked_at: str | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class TokenStore:
    """The tokens file at ``path`` (created by the first :meth:`create`)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def for_settings(cls, settings: Any) -> TokenStore:
        """The file beside the accounts file (``<workspace>/ingest-tokens.json``)."""
        return cls(Path(settings.users_path).parent / TOKENS_FILE)

    def _read(self) -> dict[str, Any]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {"version": 1, "tokens": {}}
        try:
            data: dict[str, Any] = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ConfigError(f"the tokens file {self.path} is not valid JSON: {exc}") from None
        data.setdefault("tokens", {})
        return data

    def _write(self, data: dict[str, Any]) -> None:
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        write_private(self.path, text, "the tokens file", ConfigError)

    @staticmethod
    def _token(token_id: str, record: dict[str, Any]) -> Token:
        return Token(
            id=token_id,
            source=str(record["source"]),
            created_at=str(record.get("created_at", "")),
            created_by=str(record.get("created_by", "")),
            note=str(record.get("note", "")),
            revoked_at=record.get("revoked_at"),
        )

    def create(self, source: str, *, by: str, note: str = "") -> tuple[Token, str]:
        """A new token for ``source``: its record and the token itself (shown once)."""
        check_source_name(source)
        with lock_beside(self.path):
            data = self._read()
            token_id = secrets.token_hex(4)
            while token_id in data["tokens"]:
                token_id = secrets.token_hex(4)
            text = f"{_PREFIX}_{token_id}_{secrets.token_urlsafe(32)}"
            record = {
                "source": source,
                "sha256": _digest(text),
                "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "created_by": by,
                "note": note,
                "revoked_at": None,
            }
            data["tokens"][token_id] = record
            self._write(data)
        return self._token(token_id, record), text

    def list(self, source: str | None = None) -> list[Token]:
        """Every token (of ``source``), oldest first."""
        tokens = [self._token(i, r) for i, r in self._read()["tokens"].items()]
        tokens = [t for t in tokens if source is None or t.source == source]
        return sorted(tokens, key=lambda t: (t.created_at, t.id))

    def revoke(self, token_id: str) -> Token:
        """Revoke a token by its id; :class:`AuthError` when there is none."""
        with lock_beside(self.path):
            data = self._read()
            record = data["tokens"].get(token_id)
            if record is None:
                known = ", ".join(sorted(data["tokens"])) or "(none)"
                raise AuthError(f"no token with id {token_id!r}; ids: {known}")
            if record.get("revoked_at") is None:
                record["revoked_at"] = datetime.now(UTC).isoformat(timespec="seconds")
                self._write(data)
        return self._token(token_id, record)

    def authenticate(self, text: str) -> Token | None:
        """The active token ``text`` is, or ``None`` (malformed, unknown, wrong or revoked)."""
        match = _TOKEN_RE.match(text or "")
        if match is None:
            return None
        record = self._read()["tokens"].get(match.group(1))
        if record is None or record.get("revoked_at") is not None:
            return None
        if not hmac.compare_digest(str(record.get("sha256", "")), _digest(text)):
            return None
        return self._token(match.group(1), record)
