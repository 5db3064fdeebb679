"""An optional identifier in bad shape is set aside with a warning; its row loads.

``tests/data/typos`` holds one employer with a 17-character credit code (``TE-1``)
and the dispute, involvements, employments and contract that name it, plus
parties with a wrong id-number check character, a short phone and an
organisation credit code with an ``O``; ``TE-3`` and ``TP-4`` repeat the typos
of ``TE-1`` and ``TP-1``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from disputegraph.config import Settings
from disputegraph.ingest import load_bundle, validate_bundle
from disputegraph.resolution import run_resolution
from disputegraph.schemas import RelType
from disputegraph.store import MemoryStore

TYPOS = Path(__file__).parent.parent / "data" / "typos"
SET_ASIDE = "; set aside: the row loads without this value"

#: (file, line, column, masked value, reason)
EXPECTED = [
    (
        "parties.csv",
        2,
        "id_number",
        "3301**********1241",
        "not a resident id number (居民身份证号码): check character should be X, got 1",
    ),
    ("parties.csv", 3, "phone", "1***2", "not a phone number: 6 to 20 digits expected, got 5"),
    (
        "parties.csv",
        4,
        "id_number",
        "9111**********000R",
        "not a unified social credit code (统一社会信用代码): position 12 of the "
        "organisation code (9–17) must be digits and capital letters except I, O, S, V, Z",
    ),
    (
        "parties.csv",
        5,
        "id_number",
        "3301**********1241",
        "not a resident id number (居民身份证号码): check character should be X, got 1",
    ),
    (
        "employers.csv",
        2,
        "credit_code",
        "9133*********K7L5",
        "not a unified social credit code (统一社会信用代码): 18 characters expected, got 17",
    ),
    (
        "employers.csv",
        4,
        "credit_code",
        "9133*********K7L5",
        "not a unified social credit code (统一社会信用代码): 18 characters expected, got 17",
    ),
]


def _named(issues: list[dict[str, object]]) -> list[tuple[object, ...]]:
    return [(i["file"], i["line"], i["column"], i["value"], i["reason"]) for i in issues]


def test_validate_names_each_set_aside_value_as_a_warning(settings: Settings) -> None:
    report = validate_bundle(TYPOS, settings)
    assert report.ok and report.errors == [] and report.bad_rows == 0
    got = _named([i.model_dump() for i in report.warnings])
    assert got == [(f, n, c, v, r + SET_ASIDE) for f, n, c, v, r in EXPECTED]
    assert all(w.table in ("parties", "employers") for w in report.warnings)
    assert {t: (c.rows, c.good) for t, c in report.tables.items()} == {
        "disputes": (1, 1),
        "parties": (4, 4),
        "employers": (3, 3),
        "involvements": (5, 5),
        "employments": (2, 2),
        "contracts": (1, 1),
    }


@pytest.mark.parametrize("strict", [False, True])
def test_the_employer_loads_with_everything_that_names_it(settings: Settings, strict: bool) -> None:
    store = MemoryStore()
    result = load_bundle(TYPOS, store, settings, strict=strict)
    assert result.rejected == 0 and result.rejects_path is None
    employer = store.get("TE-1")
    assert employer is not None and "credit_code" not in employer.props
    good = store.get("TE-2")
    assert good is not None and good.props["credit_code"] == "91330106MA27WQ1R3G"
    edges = {
        (e.type, e.source, e.target) for rel in RelType for b in store.iter_edges(rel) for e in b
    }
    assert (RelType.PARTY_TO, "TE-1", "TY-1") in edges
    assert (RelType.EMPLOYED_BY, "TP-1", "TE-1") in edges
    assert (RelType.SUBCONTRACTOR_OF, "TE-2", "TE-1") in edges
    party = store.get("TP-1")
    assert party is not None
    assert not any(k.startswith("id_number") for k in party.props)  # no hash, no mask
    assert "phone_hash" in party.props
    assert "phone_hash" not in store.get("TP-2").props  # type: ignore[union-attr]
    assert "id_number_hash" in store.get("TP-2").props  # type: ignore[union-attr]
    # the report next to the rejects holds the warnings, masked
    assert result.report_path is not None
    text = result.report_path.read_text(encoding="utf-8")
    report = json.loads(text)
    assert report["ok"] is True
    assert _named(report["issues"]) == [(f, n, c, v, r + SET_ASIDE) for f, n, c, v, r in EXPECTED]
    assert "330106198503121241" not in text and "91330106MA2H3K7L5" not in text


def _with_valid_identifiers(tmp_path: Path) -> Path:
    """The typos bundle with the repeated typos corrected (a control)."""
    folder = tmp_path / "fixed"
    shutil.copytree(TYPOS, folder)
    for name, old, new in (
        ("employers.csv", "91330106MA2H3K7L5,", "91330106MA2H3K7L5P,"),
        ("parties.csv", "330106198503121241", "330106198503121178"),
    ):
        path = folder / name
        path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    return folder


def test_resolution_does_not_match_on_a_set_aside_value(settings: Settings, tmp_path: Path) -> None:
    def canonical(bundle: Path) -> dict[str, str]:
        store = MemoryStore()
        load_bundle(bundle, store, settings)
        return run_resolution(store).canonical

    fixed = canonical(_with_valid_identifiers(tmp_path))
    # the control: the same valid codes merge the two employers and the two people
    assert fixed["TE-1"] == fixed["TE-3"] and fixed["TP-1"] == fixed["TP-4"]
    typos = canonical(TYPOS)
    assert typos.get("TE-1", "TE-1") != typos.get("TE-3", "TE-3")
    assert typos.get("TP-1", "TP-1") != typos.get("TP-4", "TP-4")
