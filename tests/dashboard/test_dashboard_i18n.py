"""UI strings: every key the dashboard uses exists in both languages."""

from __future__ import annotations

import re
from pathlib import Path

import disputegraph.dashboard as dashboard
from disputegraph.i18n import STRINGS, enum_label, enum_options, t


def test_every_used_key_is_defined_in_both_languages() -> None:
    root = Path(dashboard.__file__).parent
    used: set[str] = set()
    for path in root.rglob("*.py"):
        used |= set(re.findall(r"\bt\(\s*\"(\w+)\"", path.read_text(encoding="utf-8")))
    assert used, "no t(...) calls found: the pattern is wrong"
    assert used <= set(STRINGS), sorted(used - set(STRINGS))
    for key in used:
        zh, en = STRINGS[key]
        assert zh and en


def test_enum_labels_come_from_the_schema() -> None:
    assert enum_label("category", "wage_arrears", "en") == "Wage arrears"
    assert enum_label("flag", "bounced", "zh") == "推诿退回"
    assert enum_label("category", "no_such_code", "zh") == "no_such_code"
    assert {o["value"] for o in enum_options("level")} >= {"red", "orange", "yellow", "blue"}
    assert t("overview", "en") == "Overview"
