"""The one zh/en string table: every key in both languages with the same placeholders,
every key the code asks for defined, no second table anywhere else in the package,
and each type name meaning one thing (``Role`` is the account role)."""

from __future__ import annotations

import ast
import functools
import re
import string
from collections.abc import Iterator
from pathlib import Path

import pytest

import disputegraph
from disputegraph import schemas
from disputegraph.i18n import (
    ENUMS,
    STRINGS,
    bilingual,
    decision_label,
    enum_label,
    enum_options,
    rule_label,
    t,
)
from disputegraph.schemas import PartyRole

SRC = Path(disputegraph.__file__).parent
TABLE = SRC / "i18n.py"
_CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
_LATIN = re.compile(r"[A-Za-z]")

#: modules allowed to hold a zh/en table of their own, with the reason
ALLOWED: dict[str, str] = {}


@functools.cache
def _modules() -> list[tuple[Path, ast.Module]]:
    return [
        (path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
        for path in sorted(SRC.rglob("*.py"))
    ]


def _placeholders(text: str) -> list[tuple[str, str, str]]:
    return sorted(
        (name, spec or "", conv or "")
        for _, name, spec, conv in string.Formatter().parse(text)
        if name is not None
    )


@pytest.mark.parametrize("key", sorted(STRINGS))
def test_every_key_has_both_languages_with_the_same_placeholders(key: str) -> None:
    pair = STRINGS[key]
    assert isinstance(pair, tuple) and len(pair) == 2, f"{key}: not a (zh, en) pair: {pair!r}"
    zh, en = pair
    assert isinstance(zh, str) and zh.strip(), f"{key}: empty zh text"
    assert isinstance(en, str) and en.strip(), f"{key}: empty en text"
    assert _placeholders(zh) == _placeholders(en), (
        f"{key}: placeholders differ: zh {_placeholders(zh)} vs en {_placeholders(en)}"
    )


def _is_pair(node: ast.AST) -> bool:
    """A ``("中文", "English")`` tuple literal."""
    if not (isinstance(node, ast.Tuple) and len(node.elts) == 2):
        return False
    zh, en = node.elts
    return (
        isinstance(zh, ast.Constant)
        and isinstance(zh.value, str)
        and isinstance(en, ast.Constant)
        and isinstance(en.value, str)
        and bool(_CJK.search(zh.value))
        and not _CJK.search(en.value)
        and bool(_LATIN.search(en.value))
    )


def _tables(tree: ast.Module) -> Iterator[tuple[int, str]]:
    for node in ast.walk(tree):
        if not isinstance(node, ast.Dict):
            continue
        keys = {k.value for k in node.keys if isinstance(k, ast.Constant)}
        if keys == {"zh", "en"}:
            yield node.lineno, 'a dict keyed by "zh" and "en"'
        elif sum(_is_pair(v) for v in node.values) >= 2:
            yield node.lineno, "a dict of (zh, en) pairs"


def test_the_scan_finds_a_table() -> None:
    """The scan itself: both shapes of a second table are found."""
    found = _tables(ast.parse('A = {"a": ("甲", "A"), "b": ("乙", "B")}\nB = {"zh": 1, "en": 2}'))
    assert [why for _, why in found] == [
        "a dict of (zh, en) pairs",
        'a dict keyed by "zh" and "en"',
    ]
    assert [why for _, why in _tables(ast.parse(TABLE.read_text(encoding="utf-8")))]


def test_no_module_but_i18n_holds_a_zh_en_table() -> None:
    found = [
        f"{path.relative_to(SRC)}:{line}: {why}"
        for path, tree in _modules()
        if path != TABLE and str(path.relative_to(SRC)) not in ALLOWED
        for line, why in _tables(tree)
    ]
    assert not found, "zh/en strings belong in i18n.STRINGS:\n" + "\n".join(found)


def _constants(node: ast.AST) -> Iterator[str]:
    """The string literals a key argument can evaluate to (``"a" if x else "b"`` gives both)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, ast.IfExp):
        yield from _constants(node.body)
        yield from _constants(node.orelse)


def _used(function: str) -> set[tuple[str, str]]:
    used: set[tuple[str, str]] = set()
    for path, tree in _modules():
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == function
                and node.args
            ):
                used |= {
                    (f"{path.relative_to(SRC)}:{node.lineno}", k) for k in _constants(node.args[0])
                }
    return used


def test_every_key_the_code_asks_for_is_defined() -> None:
    used = _used("t") | _used("bilingual")
    assert len({k for _, k in used}) > 100, "few t(...) calls found: the scan is wrong"
    missing = sorted(f"{where}: {key!r}" for where, key in used if key not in STRINGS)
    assert not missing, "\n".join(missing)
    families = sorted(
        f"{w}: {k!r}" for w, k in _used("enum_label") | _used("enum_options") if k not in ENUMS
    )
    assert not families, "\n".join(families)


def test_placeholders_are_filled() -> None:
    assert t("brief.more_rows", "en", n=3) == "3 more not listed."
    assert t("brief.more_rows", "zh", n=3) == "另有 3 条未列出。"
    assert t("brief.analysed", "en", disputes=1200, nodes=5, edges=6, clusters=7).startswith(
        "1,200 disputes · 5 nodes"
    )
    assert bilingual("auth.logout") == "退出 · Log out"
    with pytest.raises(KeyError):
        t("no.such.key", "en")


def test_rule_and_decision_labels_come_from_the_table() -> None:
    assert rule_label("id_number", "en") == STRINGS["rule.id_number"][1]
    assert decision_label("review", "zh") == STRINGS["decision.review"][0]
    assert rule_label("no_such_rule", "zh") == "no_such_rule"
    assert decision_label("no_such_decision", "en") == "no_such_decision"


def test_enum_labels_come_from_the_schema() -> None:
    assert enum_label("category", "wage_arrears", "en") == "Wage arrears"
    assert enum_label("flag", "bounced", "zh") == "推诿退回"
    assert enum_label("party_role", "respondent", "zh") == PartyRole.RESPONDENT.zh == "被申请人"
    assert enum_label("category", "no_such_code", "zh") == "no_such_code"
    assert {o["value"] for o in enum_options("level")} >= {"red", "orange", "yellow", "blue"}
    assert t("overview", "en") == "Overview"


def test_role_names_only_the_account_role() -> None:
    """A party's role in a dispute is ``PartyRole``; ``Role`` is defined once, in
    ``users`` (analyst, officer, admin), and every other ``Role`` is that one."""
    defined = sorted(
        f"{path.relative_to(SRC)}:{node.lineno}"
        for path, tree in _modules()
        for node in ast.walk(tree)
        if (isinstance(node, ast.ClassDef) and node.name == "Role")
        or (
            isinstance(node, ast.Assign | ast.AnnAssign)
            and any(
                isinstance(target, ast.Name) and target.id == "Role"
                for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
            )
        )
    )
    assert defined == [f"users.py:{_line_of('users.py', 'Role = ')}"], defined
    assert not hasattr(schemas, "Role")
    assert "role" not in ENUMS and ENUMS["party_role"] is PartyRole


def _line_of(module: str, prefix: str) -> int:
    lines = (SRC / module).read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if line.startswith(prefix))
