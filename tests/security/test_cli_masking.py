"""The CLI masks person names like the dashboard: by the role of whoever runs it.

The role comes from the accounts file (the OS user's account) or
``DISPUTEGRAPH_ROLE``, which may only lower it; without either it is
``analyst`` (masked).
"""

from __future__ import annotations

import getpass
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from disputegraph.cli import app
from disputegraph.cli.query import _row_ids
from disputegraph.config import Settings
from disputegraph.schemas import RiskLevel
from disputegraph.store.memory import MemoryStore
from disputegraph.users import UserStore
from disputegraph.views.contract import analysis_report, stored_analysis
from disputegraph.views.masking import cli_role, mask_rows

SAMPLE = Path(__file__).parents[1] / "data" / "sample"
NAME = "张伟"  # P-001 of the sample, representative of D-001
MASKED = "张*"

runner = CliRunner()


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    ws = tmp_path_factory.mktemp("ws")
    env = {
        "DISPUTEGRAPH_WORKSPACE": str(ws),
        "DISPUTEGRAPH_STORE": "memory",
        "DISPUTEGRAPH_DEMO": "1",
    }
    assert runner.invoke(app, ["load", str(SAMPLE)], env=env).exit_code == 0
    assert runner.invoke(app, ["analyze"], env=env).exit_code == 0
    return ws


@pytest.fixture
def env(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    for name in ("DISPUTEGRAPH_ROLE", "DISPUTEGRAPH_USERS_FILE"):
        monkeypatch.delenv(name, raising=False)
    users = workspace.parent / f"users-{id(monkeypatch)}.json"
    monkeypatch.setenv("DISPUTEGRAPH_USERS_FILE", str(users))
    return {
        "DISPUTEGRAPH_WORKSPACE": str(workspace),
        "DISPUTEGRAPH_STORE": "memory",
        "DISPUTEGRAPH_DEMO": "1",
        "DISPUTEGRAPH_USERS_FILE": str(users),
    }


def _account(env: dict[str, str], role: str) -> None:
    UserStore(Path(env["DISPUTEGRAPH_USERS_FILE"])).add(getpass.getuser(), "long enough pw 1", role)


def _trace(env: dict[str, str], fmt: str = "json", **extra: str) -> str:
    result = runner.invoke(app, ["trace", "P-001", "--format", fmt], env={**env, **extra})
    assert result.exit_code == 0, result.output
    return result.stdout


def test_default_is_the_masked_analyst_view(env: dict[str, str]) -> None:
    for fmt in ("json", "csv"):
        text = _trace(env, fmt)
        assert NAME not in text and MASKED in text
    assert NAME not in _trace(env, "table").replace("\n", "").replace("│", "")
    reasons = [link["reason_zh"] for link in json.loads(_trace(env))["linked"]]
    assert any(MASKED in r for r in reasons)


def test_officer_by_environment_when_there_is_no_account(env: dict[str, str]) -> None:
    text = _trace(env, DISPUTEGRAPH_ROLE="officer")
    assert NAME in text


def test_the_environment_cannot_raise_an_account(env: dict[str, str]) -> None:
    _account(env, "analyst")
    assert NAME not in _trace(env, DISPUTEGRAPH_ROLE="officer")


def test_an_officer_account_sees_names_and_may_lower_itself(env: dict[str, str]) -> None:
    _account(env, "officer")
    assert NAME in _trace(env)
    assert NAME not in _trace(env, DISPUTEGRAPH_ROLE="analyst")


def test_an_unknown_role_is_a_one_line_error(env: dict[str, str]) -> None:
    result = runner.invoke(app, ["trace", "P-001"], env={**env, "DISPUTEGRAPH_ROLE": "boss"})
    assert result.exit_code == 2
    assert "DISPUTEGRAPH_ROLE" in result.output and "analyst" in result.output


def test_cli_role_rule(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings(demo=True, workspace=tmp_path, store="memory")
    monkeypatch.delenv("DISPUTEGRAPH_ROLE", raising=False)
    assert cli_role(settings, "nobody") == "analyst"
    UserStore(settings.users_path).add("wang", "long enough pw 1", "officer")
    UserStore(settings.users_path).add("li", "long enough pw 1", "admin")
    assert cli_role(settings, "wang") == "officer"
    assert cli_role(settings, "li") == "admin"
    monkeypatch.setenv("DISPUTEGRAPH_ROLE", "officer")
    assert cli_role(settings, "li") == "admin"  # not raised
    assert cli_role(settings, "nobody") == "officer"
    monkeypatch.setenv("DISPUTEGRAPH_ROLE", "analyst")
    assert cli_role(settings, "wang") == "analyst"  # lowered


def test_query_rows_mask_the_persons_they_name(workspace: Path) -> None:
    """The ``query`` command masks the names of the persons its rows name by id
    (here on the memory store: masking does not depend on the backend)."""
    store = MemoryStore.in_workspace(workspace)
    try:
        rows = [
            {"dispute_id": "D-001", "party_ids": ["P-001", "P-002"], "note": f"{NAME} 与 李强"},
            {"employer_id": "E-001", "name": "鑫达劳务有限公司"},
        ]
        ids = _row_ids(rows)
        assert ids == ["D-001", "P-001", "P-002", "E-001"]
        masked = mask_rows(rows, "analyst", store.get_many(ids))
        assert masked[0]["note"] == f"{MASKED} 与 李*"
        assert masked[1] == rows[1]  # organisations are not masked
        assert mask_rows(rows, "officer", store.get_many(ids)) == rows
    finally:
        store.close()


def test_the_analysis_summary_masks_the_names_in_its_reasons(workspace: Path) -> None:
    """``analyze`` prints the top clusters' reasons: a respondent who is a person
    (a neighbour, a family member) is named there and must be masked like in ``risk``."""
    store = MemoryStore.in_workspace(workspace)
    try:
        result = stored_analysis(store)
        flagged = next(c for c in result.clusters if c.level is not RiskLevel.NONE)
        named = flagged.model_copy(
            update={
                "members": [*flagged.members, "P-001"],
                "reasons_zh": [f"被申请人{NAME}"],
                "reasons_en": [f"by {NAME}"],
            }
        )
        result = result.model_copy(update={"clusters": [named]})
        for lang in ("zh", "en"):
            masked = analysis_report(store, result, "analyst", lang)
            text = json.dumps([masked.payload, masked.rows], ensure_ascii=False, default=str)
            assert NAME not in text and MASKED in text
            seen = analysis_report(store, result, "officer", lang)
            assert NAME in json.dumps([seen.payload, seen.rows], ensure_ascii=False, default=str)
    finally:
        store.close()
