"""Dashboard accounts: a JSON file of users with scrypt password hashes, roles and lockout.

The file (``<workspace>/users.json`` unless ``DISPUTEGRAPH_USERS_FILE`` says
otherwise) is written atomically (temp file + rename, mode 0600) under an
exclusive lock, so several server workers and the CLI can share it::

    {"version": 1,
     "users": {"wang": {"role": "officer",
                        "password": "scrypt$16384$8$1$<salt>$<key>",
                        "created_at": "2026-03-01T09:30:00+00:00",
                        "failures": ["2026-03-01T10:00:00+00:00"]}}}

Passwords are hashed with the standard library's ``hashlib.scrypt`` (RFC 7914)
with ``n=2**15, r=8, p=1`` (32 MiB of memory per hash), a 16-byte random salt
and a 32-byte key: about 0.13 s per hash on an idle 2-core server, which makes
guessing slow while a login stays quick. The parameters are stored in each
hash, so they can be raised later without invalidating old hashes.

Lockout: after :data:`LOCKOUT_FAILURES` failed logins within
:data:`LOCKOUT_WINDOW`, a name is refused (even with the right password) until
the oldest of those failures leaves the window. Failures of known users are
kept in the file (shared by every worker); failures of unknown names are kept
in memory, and an unknown name costs the same scrypt work as a known one, so
timing does not tell which names exist.

Roles: ``analyst`` sees person names masked, ``officer`` sees them in full,
``admin`` also manages users (and sees names masked on screen).

>>> encoded = hash_password("correct horse battery", n=2**10)
>>> verify_password("correct horse battery", encoded), verify_password("wrong", encoded)
(True, False)
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import re
import secrets
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal, get_args

from disputegraph.exceptions import AuthError, ConfigError
from disputegraph.files import lock_beside, write_private

__all__ = [
    "LOCKOUT_FAILURES",
    "LOCKOUT_WINDOW",
    "MIN_PASSWORD_LENGTH",
    "ROLES",
    "SCRYPT_N",
    "SCRYPT_P",
    "SCRYPT_R",
    "Role",
    "User",
    "UserStore",
    "check_identifier",
    "hash_password",
    "verify_password",
]

Role = Literal["analyst", "officer", "admin"]
ROLES: tuple[Role, ...] = get_args(Role)

#: scrypt cost parameters for new hashes (RFC 7914): CPU/memory cost, block size, parallelism
SCRYPT_N = 2**15
SCRYPT_R = 8
SCRYPT_P = 1
_SALT_BYTES = 16
_KEY_BYTES = 32
_MAXMEM = 256 * 1024 * 1024

#: failed logins within :data:`LOCKOUT_WINDOW` that lock a name
LOCKOUT_FAILURES = 5
LOCKOUT_WINDOW = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 10
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def hash_password(
    password: str, *, n: int | None = None, r: int | None = None, p: int | None = None
) -> str:
    """``scrypt$n$r$p$salt$key`` for ``password`` (fresh random salt; the module's
    ``SCRYPT_*`` parameters unless given)."""
    n, r, p = n or SCRYPT_N, r or SCRYPT_R, p or SCRYPT_P
    salt = secrets.token_bytes(_SALT_BYTES)
    key = hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=_MAXMEM, dklen=_KEY_BYTES
    )
    return f"scrypt${n}${r}${p}${_b64(salt)}${_b64(key)}"


def verify_password(password: str, encoded: str) -> bool:
    """Whether ``password`` matches an ``scrypt$…`` hash (constant-time compare).

    A malformed hash never matches.
    """
    try:
        scheme, n, r, p, salt, key = encoded.split("$")
        if scheme != "scrypt":
            return False
        expected = _unb64(key)
        got = hashlib.scrypt(
            password.encode("utf-8"),
            salt=_unb64(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            maxmem=_MAXMEM,
            dklen=len(expected),
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, expected)


#: a hash of a random password: unknown names are checked against it (same work)
_DUMMY_HASH: str | None = None


def _dummy_hash() -> str:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = hash_password(secrets.token_urlsafe(16))
    return _DUMMY_HASH


@dataclass(frozen=True)
class User:
    """One account as the dashboard sees it (never the hash)."""

    name: str
    role: Role
    created_at: str
    locked_until: datetime | None = None
    #: changes with every password change: sessions from before it end
    epoch: int = 0
    #: an officer's agency (Agency id): the work orders they see and answer
    agency: str | None = None


def _copy(data: dict[str, Any]) -> dict[str, Any]:
    """A deep copy of plain JSON data (callers change what they read)."""
    copied: dict[str, Any] = json.loads(json.dumps(data))
    return copied


def _now() -> datetime:
    return datetime.now(UTC)


def check_identifier(name: str, pattern: re.Pattern[str], what: str, allowed: str) -> str:
    """``name`` if ``pattern`` matches it, else :class:`AuthError` naming ``what``, ``allowed``."""
    if not pattern.match(name or ""):
        raise AuthError(
            f"{what} {name!r} is not allowed: use 1–64 {allowed}, starting with a letter or digit"
        )
    return name


def check_name(name: str) -> str:
    """A valid user name, or :class:`AuthError` saying what is allowed."""
    return check_identifier(name, _NAME_RE, "user name", "letters, digits, '_', '.', '@' or '-'")


def check_role(role: str) -> Role:
    """A known role, or :class:`AuthError` listing them."""
    if role not in ROLES:
        raise AuthError(f"unknown role {role!r}; roles are: {', '.join(ROLES)}")
    return role


def check_password(password: str) -> str:
    """A password long enough to keep, or :class:`AuthError`."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AuthError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    return password


class UserStore:
    """The accounts file at ``path`` (created on the first :meth:`add`).

    Safe across threads and processes: every change holds an exclusive lock
    on ``<path>.lock`` and replaces the file atomically.
    """

    def __init__(
        self,
        path: Path,
        *,
        max_failures: int = LOCKOUT_FAILURES,
        window: timedelta = LOCKOUT_WINDOW,
    ) -> None:
        self.path = path
        self.max_failures = max_failures
        self.window = window
        self._unknown_failures: dict[str, list[datetime]] = {}
        self._mem_lock = threading.Lock()
        self._cache: tuple[tuple[int, int, int], dict[str, Any]] | None = None

    # -- file ------------------------------------------------------------
    @contextlib.contextmanager
    def _editing(self, name: str) -> Iterator[dict[str, Any]]:
        """Under the lock: the stored entry of ``name`` to change in place (AuthError
        if there is none), written back when the block ends without an error."""
        with lock_beside(self.path):
            data = self._read()
            entry = data["users"].get(name)
            if entry is None:
                raise AuthError(f"no user {name!r}")
            yield entry
            self._write(data)

    def _read(self) -> dict[str, Any]:
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return {"version": 1, "users": {}}
        stamp = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
        cached = self._cache
        if cached is not None and cached[0] == stamp:
            return _copy(cached[1])
        try:
            data = json.loads(self.path.read_text("utf-8"))
        except (OSError, ValueError) as exc:
            raise ConfigError(
                f"cannot read the accounts file {self.path}: {exc}; restore it from a backup "
                "or move it away and add the users again"
            ) from None
        if not isinstance(data, dict) or not isinstance(data.get("users"), dict):
            raise ConfigError(f"{self.path} is not a disputegraph accounts file (no 'users' map)")
        self._cache = (stamp, data)
        return _copy(data)

    def _write(self, data: dict[str, Any]) -> None:
        text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True)
        write_private(self.path, text, "the accounts file", ConfigError)
        self._cache = None

    # -- accounts --------------------------------------------------------
    def add(self, name: str, password: str, role: str = "analyst") -> User:
        """Create an account; :class:`AuthError` if the name is taken or invalid."""
        check_name(name)
        checked = check_role(role)
        encoded = hash_password(check_password(password))
        with lock_beside(self.path):
            data = self._read()
            if name in data["users"]:
                raise AuthError(f"user {name!r} already exists (use set-role or remove)")
            created = _now().isoformat(timespec="seconds")
            data["users"][name] = {
                "role": checked,
                "password": encoded,
                "created_at": created,
                "failures": [],
            }
            self._write(data)
        return User(name, checked, created)

    def remove(self, name: str) -> None:
        """Delete an account; its sessions stop working at their next request."""
        with lock_beside(self.path):
            data = self._read()
            if data["users"].pop(name, None) is None:
                raise AuthError(f"no user {name!r}")
            self._write(data)

    def set_role(self, name: str, role: str) -> User:
        """Change a role; it applies from the user's next request."""
        checked = check_role(role)
        with self._editing(name) as entry:
            entry["role"] = checked
        return self._user(name, entry)

    def set_agency(self, name: str, agency: str | None) -> User:
        """Tie an account to an agency (``None`` unties it)."""
        with self._editing(name) as entry:
            entry["agency"] = agency
        return self._user(name, entry)

    def set_password(self, name: str, password: str) -> None:
        """Replace a password, clear the lockout and end the user's existing sessions."""
        encoded = hash_password(check_password(password))
        with self._editing(name) as entry:
            entry["password"] = encoded
            entry["failures"] = []
            entry["epoch"] = int(entry.get("epoch", 0)) + 1

    def get(self, name: str) -> User | None:
        """The account named ``name`` (cheap: the file is re-read only when it changed)."""
        entry = self._read()["users"].get(name)
        return None if entry is None else self._user(name, entry)

    def list_users(self) -> list[User]:
        """Every account, by name."""
        users = self._read()["users"]
        return [self._user(n, users[n]) for n in sorted(users)]

    def _user(self, name: str, entry: dict[str, Any]) -> User:
        failures = [datetime.fromisoformat(f) for f in entry.get("failures", [])]
        return User(
            name,
            check_role(entry["role"]),
            entry.get("created_at", ""),
            self._locked_until(failures, _now()),
            int(entry.get("epoch", 0)),
            entry.get("agency"),
        )

    # -- login -----------------------------------------------------------
    def _recent(self, failures: list[datetime], now: datetime) -> list[datetime]:
        return [f for f in failures if now - f < self.window]

    def _locked_until(self, failures: list[datetime], now: datetime) -> datetime | None:
        recent = sorted(self._recent(failures, now))
        if len(recent) < self.max_failures:
            return None
        return recent[-self.max_failures] + self.window

    def authenticate(self, name: str, password: str, now: datetime | None = None) -> User:
        """The user when ``password`` is right and the name is not locked.

        Raises :class:`AuthError` ("wrong user name or password", or "locked
        … until HH:MM UTC"); every failure counts towards the lockout.
        """
        now = now or _now()
        locked = self._lock_state(name, now)
        if locked is not None:
            raise AuthError(f"too many failed logins: try again after {locked:%H:%M} UTC")
        entry = self._read()["users"].get(name)
        ok = verify_password(password, entry["password"] if entry else _dummy_hash())
        if ok and entry is not None:
            if entry.get("failures"):
                with lock_beside(self.path):
                    data = self._read()
                    if name in data["users"]:
                        data["users"][name]["failures"] = []
                        self._write(data)
            return self._user(name, entry)
        self._fail(name, now, known=entry is not None)
        raise AuthError("wrong user name or password")

    def _lock_state(self, name: str, now: datetime) -> datetime | None:
        entry = self._read()["users"].get(name)
        if entry is not None:
            failures = [datetime.fromisoformat(f) for f in entry.get("failures", [])]
        else:
            with self._mem_lock:
                failures = list(self._unknown_failures.get(name, []))
        return self._locked_until(failures, now)

    def _fail(self, name: str, now: datetime, *, known: bool) -> None:
        if not known:
            with self._mem_lock:
                kept = [*self._recent(self._unknown_failures.get(name, []), now), now]
                self._unknown_failures[name] = kept[-self.max_failures :]
                if len(self._unknown_failures) > 10_000:  # bound the memory a spray can take
                    self._unknown_failures.pop(next(iter(self._unknown_failures)))
            return
        with lock_beside(self.path):
            data = self._read()
            entry = data["users"].get(name)
            if entry is None:
                return
            failures = [datetime.fromisoformat(f) for f in entry.get("failures", [])]
            kept = [*self._recent(failures, now), now][-self.max_failures :]
            entry["failures"] = [f.isoformat() for f in kept]
            self._write(data)
