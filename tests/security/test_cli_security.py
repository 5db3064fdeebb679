"""`users` and `audit` commands through the CLI runner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from disputegraph.audit import AuditLog
from disputegraph.cli import app
from disputegraph.users import UserStore

PASSWORD = "correct horse battery"


@pytest.fixture
def ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DISPUTEGRAPH_WORKSPACE", str(tmp_path / "ws"))
    for name in ("DISPUTEGRAPH_USERS_FILE", "DISPUTEGRAPH_AUDIT_LOG", "DISPUTEGRAPH_AUDIT_KEY"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path / "ws"


runner = CliRunner()


def add(name: str, role: str = "analyst", password: str = PASSWORD) -> object:
    return runner.invoke(
        app, ["users", "add", name, "--role", role, "--password-stdin"], input=password + "\n"
    )


def test_users_lifecycle(ws: Path) -> None:
    assert add("wang", "officer").exit_code == 0
    assert add("li").exit_code == 0
    result = runner.invoke(app, ["users", "list", "--format", "json"])
    assert result.exit_code == 0
    listed = json.loads(result.stdout)
    assert [(u["name"], u["role"]) for u in listed] == [("li", "analyst"), ("wang", "officer")]
    assert "scrypt" not in result.stdout and PASSWORD not in result.stdout
    assert runner.invoke(app, ["users", "set-role", "li", "admin"]).exit_code == 0
    assert UserStore(ws / "users.json").get("li").role == "admin"  # type: ignore[union-attr]
    assert runner.invoke(app, ["users", "remove", "li"]).exit_code == 0
    assert UserStore(ws / "users.json").get("li") is None
    result = runner.invoke(
        app, ["users", "set-password", "wang", "--password-stdin"], input="another long one\n"
    )
    assert result.exit_code == 0
    assert UserStore(ws / "users.json").authenticate("wang", "another long one").name == "wang"
    actions = [e["action"] for e in AuditLog(ws / "audit.jsonl").entries()]
    assert actions == ["user_add", "user_add", "user_set_role", "user_remove", "user_set_password"]


def test_password_is_never_an_argument(ws: Path) -> None:
    result = runner.invoke(app, ["users", "add", "wang", "--password", PASSWORD])
    assert result.exit_code == 2  # no such option
    result = runner.invoke(app, ["users", "add", "wang"], input="")  # no terminal, no stdin flag
    assert result.exit_code == 2 and "--password-stdin" in result.output
    assert UserStore(ws / "users.json").get("wang") is None


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["users", "add", "wang", "--role", "boss", "--password-stdin"], PASSWORD, "unknown role"),
        (["users", "add", "wang", "--password-stdin"], "short", "at least 10"),
        (["users", "add", "bad name", "--password-stdin"], PASSWORD, "not allowed"),
        (["users", "add", "wang", "--password-stdin"], "", "no password line"),
        (["users", "remove", "ghost"], "", "no user 'ghost'"),
        (["users", "set-role", "ghost", "officer"], "", "no user 'ghost'"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    ws: Path, args: list[str], stdin: str, message: str
) -> None:
    result = runner.invoke(app, args, input=stdin + "\n" if stdin else "")
    assert result.exit_code == 2
    lines = [x for x in result.output.splitlines() if x.strip()]
    assert len(lines) == 1 and message in lines[0]


def test_audit_show_and_verify(ws: Path) -> None:
    log = AuditLog(ws / "audit.jsonl")
    log.record("wang", "login")
    log.record("wang", "search", text="张三", result_size=2)
    log.record("li", "query", name="party_disputes", result_size=5)
    result = runner.invoke(app, ["audit", "show", "--user", "wang", "--format", "json"])
    assert result.exit_code == 0
    assert [e["action"] for e in json.loads(result.stdout)] == ["login", "search"]
    result = runner.invoke(app, ["audit", "show", "--since", "2999-01-01", "--format", "json"])
    assert json.loads(result.stdout) == []
    result = runner.invoke(app, ["audit", "show", "--since", "yesterday"])
    assert result.exit_code == 2
    result = runner.invoke(app, ["audit", "show", "--format", "csv"])
    assert result.exit_code == 0 and "张三" in result.stdout
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 0 and "intact: 3 lines" in result.output


def test_audit_verify_names_the_first_edited_line(ws: Path) -> None:
    log = AuditLog(ws / "audit.jsonl")
    for i in range(5):
        log.record("wang", "search", text=f"q{i}")
    lines = log.path.read_text("utf-8").splitlines(keepends=True)
    lines[2] = lines[2].replace('"q2"', '"harmless"')
    log.path.write_text("".join(lines), "utf-8")
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 2
    out = [x for x in result.output.splitlines() if x.strip()]
    assert len(out) == 1 and "broken at line 3" in out[0] and "edited" in out[0]
