"""Accounts: scrypt hashes, the accounts file, roles and the login lockout."""

from __future__ import annotations

import hashlib
import json
import stat
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from disputegraph.exceptions import AuthError, ConfigError
from disputegraph.users import (
    LOCKOUT_FAILURES,
    SCRYPT_N,
    SCRYPT_P,
    SCRYPT_R,
    UserStore,
    hash_password,
    verify_password,
)
from shared_helpers import in_threads

PASSWORD = "correct horse battery"


@pytest.fixture
def users(tmp_path: Path) -> UserStore:
    store = UserStore(tmp_path / "users.json")
    store.add("wang", PASSWORD, "officer")
    return store


def test_hash_format_parameters_and_salt(real_kdf: None) -> None:
    a, b = hash_password(PASSWORD), hash_password(PASSWORD)
    assert a != b  # fresh salt each time
    scheme, n, r, p, _salt, _key = a.split("$")
    assert (scheme, int(n), int(r), int(p)) == ("scrypt", SCRYPT_N, SCRYPT_R, SCRYPT_P)
    assert SCRYPT_N >= 2**14 and SCRYPT_R == 8
    assert verify_password(PASSWORD, a) and verify_password(PASSWORD, b)
    assert not verify_password(PASSWORD + "x", a)
    assert not verify_password(PASSWORD, "md5$abc")
    assert not verify_password(PASSWORD, "scrypt$x$8$1$aa$bb")
    assert not verify_password(PASSWORD, "")


def test_hash_is_really_scrypt() -> None:
    import base64

    encoded = hash_password("pw-1234567890", n=2**10)
    _, _n, _r, _p, salt, key = encoded.split("$")
    raw = base64.urlsafe_b64decode(salt + "=" * (-len(salt) % 4))
    expected = hashlib.scrypt(b"pw-1234567890", salt=raw, n=1024, r=8, p=1, dklen=32)
    assert base64.urlsafe_b64decode(key + "=" * (-len(key) % 4)) == expected


def test_hash_is_slow_enough(real_kdf: None) -> None:
    """The KDF must cost real work (documented: ~0.1-0.2 s on a 2-core server)."""
    started = time.perf_counter()
    hash_password(PASSWORD)
    assert time.perf_counter() - started > 0.03  # a fast hash (sha256) takes microseconds


def test_file_holds_no_password_and_is_private(users: UserStore) -> None:
    text = users.path.read_text("utf-8")
    assert PASSWORD not in text
    data = json.loads(text)
    assert data["users"]["wang"]["password"].startswith("scrypt$")
    assert stat.S_IMODE(users.path.stat().st_mode) == 0o600


def test_add_list_set_role_remove(users: UserStore) -> None:
    users.add("li", PASSWORD)  # analyst by default
    assert [(u.name, u.role) for u in users.list_users()] == [
        ("li", "analyst"),
        ("wang", "officer"),
    ]
    assert users.set_role("li", "admin").role == "admin"
    assert users.get("li") is not None and users.get("li").role == "admin"  # type: ignore[union-attr]
    users.remove("li")
    assert users.get("li") is None
    with pytest.raises(AuthError, match="no user 'li'"):
        users.remove("li")
    with pytest.raises(AuthError, match="already exists"):
        users.add("wang", PASSWORD)
    with pytest.raises(AuthError, match="unknown role 'boss'"):
        users.set_role("wang", "boss")
    with pytest.raises(AuthError, match="at least 10 characters"):
        users.add("zhao", "short")
    with pytest.raises(AuthError, match="not allowed"):
        users.add("bad name", PASSWORD)
    with pytest.raises(AuthError, match="not allowed"):
        users.add("../etc", PASSWORD)


def test_changes_by_another_process_are_seen(users: UserStore) -> None:
    other = UserStore(users.path)
    assert other.get("wang") is not None
    users.set_role("wang", "analyst")
    assert other.get("wang").role == "analyst"  # type: ignore[union-attr]


def test_authenticate(users: UserStore) -> None:
    assert users.authenticate("wang", PASSWORD).role == "officer"
    with pytest.raises(AuthError, match="wrong user name or password"):
        users.authenticate("wang", "nope-nope-nope")
    with pytest.raises(AuthError, match="wrong user name or password"):
        users.authenticate("nobody", PASSWORD)  # same message: names are not revealed


def test_lockout_after_five_failures_in_fifteen_minutes(users: UserStore) -> None:
    t0 = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=6)
    until = f"{t0 + timedelta(minutes=15):%H:%M}"
    for i in range(LOCKOUT_FAILURES):
        with pytest.raises(AuthError, match="wrong"):
            users.authenticate("wang", "bad-password-1", now=t0 + timedelta(minutes=i))
    # locked: even the right password is refused, and it says until when
    with pytest.raises(AuthError, match=f"too many failed logins: try again after {until} UTC"):
        users.authenticate("wang", PASSWORD, now=t0 + timedelta(minutes=5))
    assert users.get("wang").locked_until is not None  # type: ignore[union-attr]
    # another process sees the lock (it is in the file)
    with pytest.raises(AuthError, match="too many failed logins"):
        UserStore(users.path).authenticate("wang", PASSWORD, now=t0 + timedelta(minutes=6))
    # once the first failure leaves the window, one more try is allowed, and success clears it
    assert users.authenticate("wang", PASSWORD, now=t0 + timedelta(minutes=15, seconds=1))
    data = json.loads(users.path.read_text("utf-8"))
    assert data["users"]["wang"]["failures"] == []


def test_failures_spread_out_do_not_lock(users: UserStore) -> None:
    t0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    for i in range(LOCKOUT_FAILURES + 3):
        with pytest.raises(AuthError, match="wrong"):
            users.authenticate("wang", "bad-password-1", now=t0 + timedelta(minutes=4 * i))
    assert users.authenticate("wang", PASSWORD, now=t0 + timedelta(minutes=4 * 8)).name == "wang"


def test_unknown_names_lock_too(users: UserStore) -> None:
    t0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    for _ in range(LOCKOUT_FAILURES):
        with pytest.raises(AuthError, match="wrong"):
            users.authenticate("ghost", PASSWORD, now=t0)
    with pytest.raises(AuthError, match="too many"):
        users.authenticate("ghost", PASSWORD, now=t0)


def test_removed_user_cannot_log_in(users: UserStore) -> None:
    users.remove("wang")
    with pytest.raises(AuthError, match="wrong"):
        users.authenticate("wang", PASSWORD)


def test_concurrent_adds_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "users.json"
    errors: list[Exception] = []

    def add(i: int) -> None:
        try:
            UserStore(path).add(f"user{i}", PASSWORD)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    in_threads(add, 6)
    assert errors == []
    assert len(UserStore(path).list_users()) == 6


def test_damaged_file_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "users.json"
    path.write_text("{not json", "utf-8")
    with pytest.raises(ConfigError, match="cannot read the accounts file"):
        UserStore(path).get("x")
    path.write_text("[]", "utf-8")
    with pytest.raises(ConfigError, match="not a disputegraph accounts file"):
        UserStore(path).get("x")
