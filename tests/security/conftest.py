"""Fixtures of the security tests.

Password hashing is deliberately slow (scrypt, n=2**15); tests that are not
about the KDF itself use a cheap cost so the suite stays fast (the ``real_kdf``
marker-free tests in ``test_users.py`` check the production parameters).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

import disputegraph.users as users_module
from disputegraph.config import Settings
from disputegraph.store.memory import MemoryStore
from disputegraph.users import UserStore


@pytest.fixture(autouse=True)
def cheap_kdf(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    if "real_kdf" in request.fixturenames:
        return
    monkeypatch.setattr(users_module, "SCRYPT_N", 2**10)
    monkeypatch.setattr(users_module, "_DUMMY_HASH", None)


@pytest.fixture
def real_kdf() -> None:
    """Request this to hash with the production scrypt parameters."""


# -- a served dashboard over the sample bundle ---------------------------------

SAMPLE = Path(__file__).parents[1] / "data" / "sample"
SECRET = "test-secret-key-0123456789abcdef"
PASSWORD = "correct horse battery"
PII_KEY = "sample-pii-key-for-tests"


@pytest.fixture(scope="session")
def sample_store() -> MemoryStore:
    """The sample bundle, loaded and analysed once (tests only read it)."""
    from disputegraph.analytics import run_analysis
    from disputegraph.ingest import load_bundle

    store = MemoryStore()
    load_bundle(SAMPLE, store, Settings(store="memory", pii_key=SecretStr(PII_KEY)))
    run_analysis(store)
    return store


@pytest.fixture
def secure_settings(tmp_path: Path) -> Settings:
    return Settings(
        demo=False,
        store="memory",
        workspace=tmp_path / "ws",
        pii_key=SecretStr(PII_KEY),
        secret_key=SecretStr(SECRET),
    )


@pytest.fixture
def accounts(secure_settings: Settings) -> UserStore:
    store = UserStore(secure_settings.users_path)
    for name, role in (("ana", "analyst"), ("off", "officer"), ("adm", "admin")):
        store.add(name, PASSWORD, role)
    return store


@pytest.fixture
def secure_app(secure_settings: Settings, sample_store: MemoryStore, accounts: UserStore) -> Any:
    from disputegraph.dashboard.auth import create_secure_app

    return create_secure_app(secure_settings, sample_store, users=accounts)
