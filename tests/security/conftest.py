"""Fixtures of the security tests.

Password hashing is deliberately slow (scrypt, n=2**14); tests that are not
about the KDF itself use a cheap cost so the suite stays fast (the ``real_kdf``
marker-free tests in ``test_users.py`` check the production parameters).
"""

from __future__ import annotations

import pytest

import disputegraph.users as users_module


@pytest.fixture(autouse=True)
def cheap_kdf(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    if "real_kdf" in request.fixturenames:
        return
    monkeypatch.setattr(users_module, "SCRYPT_N", 2**10)
    monkeypatch.setattr(users_module, "_DUMMY_HASH", None)


@pytest.fixture
def real_kdf() -> None:
    """Request this to hash with the production scrypt parameters."""
