"""The escalations planted with a known onset, and their benign twins: the truth file,
quiet before the onset (no petition, no 110, headcount under the group threshold),
escalated at it, the twins never; the warning signs the risk model can see."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from disputegraph.synthetic import generate_city

GROUP = 5
LOUD = {"police_110", "petition_letter", "petition_visit", "petition_online"}


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    out = tmp_path_factory.mktemp("esc") / "bundle"
    return out, generate_city(out, scale=500, seed=7)


def _table(out: Path, name: str) -> list[dict[str, str]]:
    with (out / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_truth_file_matches_the_planted_record(city: tuple[Path, dict[str, Any]]) -> None:
    out, planted = city
    rows = _table(out, "truth/escalations")
    assert [r["cluster_key"] for r in rows] == [e["name"] for e in planted["escalations"]]
    assert len(rows) == 12
    cats = {r["category"] for r in rows}
    assert cats == {"wage_arrears", "elevator_retrofit", "land_transfer", "property_management"}
    for r in rows:
        benign = r["benign"] == "1"
        assert benign == (r["onset"] == ""), r
        if not benign:
            assert date(2025, 9, 1) < date.fromisoformat(r["onset"]) < date(2026, 2, 3)
    assert sum(r["benign"] == "1" for r in rows) == 4
    # two escalations and one twin per category
    for c in cats:
        assert sorted(r["benign"] for r in rows if r["category"] == c) == ["0", "0", "1"]


def test_quiet_before_the_onset_escalated_at_it(city: tuple[Path, dict[str, Any]]) -> None:
    out, planted = city
    disputes = {d["id"]: d for d in _table(out, "disputes")}
    reports = _table(out, "reports")
    handlings = _table(out, "handlings")
    for e in planted["escalations"]:
        mine = [disputes[d] for d in e["disputes"]]
        assert all(d["category"] == e["category"] for d in mine)
        my_reports = [r for r in reports if r["dispute_id"] in e["disputes"]]
        if e["benign"]:
            assert sum(int(d["headcount"]) for d in mine) < GROUP
            assert not any(d["channel"] in LOUD for d in mine)
            assert not any(r["channel"] in LOUD for r in my_reports)
            assert len(my_reports) == len(mine)  # one contact each
            assert all(d["status"] == "closed" for d in mine)
            continue
        onset = e["onset"]
        before = [d for d in mine if d["reported_at"][:10] < onset]
        at = [d for d in mine if d["reported_at"][:10] == onset]
        assert len(before) == 3 and len(at) == 1, e["name"]
        assert sum(int(d["headcount"]) for d in before) < GROUP
        assert not any(d["channel"] in LOUD for d in before)
        assert not any(r["channel"] in LOUD for r in my_reports if r["received_at"][:10] < onset)
        assert at[0]["channel"] in LOUD and int(at[0]["headcount"]) >= GROUP
        assert any(
            r["channel"] == "police_110" and r["received_at"][:10] == onset for r in my_reports
        )
        # warning signs: repeat contacts and a hand-off step past its due date at the onset
        first = before[0]["id"]
        calls = [
            r for r in my_reports if r["dispute_id"] == first and r["received_at"][:10] < onset
        ]
        assert len(calls) >= 4
        overdue = [
            h
            for h in handlings
            if h["dispute_id"] in {d["id"] for d in before}
            and h["due_at"]
            and h["due_at"][:10] < onset
            and (not h["ended_at"] or h["ended_at"][:10] > onset)
        ]
        assert overdue, e["name"]


def test_escalations_are_the_same_at_every_scale(tmp_path: Path) -> None:
    small = generate_city(tmp_path / "s", scale=300)
    large = generate_city(tmp_path / "l", scale=1500)
    assert small["escalations"] == large["escalations"]
    assert (tmp_path / "s" / "truth" / "escalations.csv").read_bytes() == (
        tmp_path / "l" / "truth" / "escalations.csv"
    ).read_bytes()
