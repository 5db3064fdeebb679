"""The backtest against a planted truth: hand-worked lead and precision@k; on a
generated city, a planted escalation found ahead of its onset; and no row dated
after an as-of date changes the analysis at that date."""

from __future__ import annotations

import csv
import json
import shutil
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from disputegraph.analytics.backtest import Sample, replay, run_backtest
from disputegraph.analytics.backtest_truth import PlantedCluster, score_truth
from disputegraph.cli import app
from disputegraph.cli.common import settings, store_session
from disputegraph.config import Settings
from disputegraph.exceptions import AnalysisError
from disputegraph.ingest import load_bundle
from disputegraph.store import MemoryStore
from disputegraph.synthetic import generate_city
from disputegraph.views.backtest import load_backtest, read_truth

D1, D2, D3 = date(2026, 1, 1), date(2026, 1, 8), date(2026, 1, 15)


def _s(day: date, cid: str, disputes: set[str], score: float, level: str = "none") -> Sample:
    return Sample(day, cid, frozenset(disputes), "x", score, {}, False, None, level)


def test_lead_and_precision_hand_worked() -> None:
    truth = [
        PlantedCluster("esc", "wage_arrears", D3, frozenset({"e1", "e2"})),
        PlantedCluster("late", "noise", date(2026, 1, 20), frozenset({"l1"})),
        PlantedCluster("twin", "wage_arrears", None, frozenset({"t1"})),
    ]
    samples = [
        # D1: esc is third (not in the top 2), twin is first
        _s(D1, "T", {"t1"}, 90),
        _s(D1, "B", {"b"}, 80),
        _s(D1, "E", {"e1"}, 70),
        _s(D1, "L", {"l1"}, 10, level="orange"),  # flagged by its level, not its rank
        # D2: esc is first; the twin second
        _s(D2, "E", {"e1", "e2"}, 95),
        _s(D2, "T", {"t1"}, 60),
        _s(D2, "B", {"b"}, 50),
        # D3 is esc's onset: it no longer counts
        _s(D3, "E", {"e1", "e2"}, 99),
        _s(D3, "T", {"t1"}, 10),
        _s(D3, "B", {"b"}, 50),
    ]
    score = score_truth(samples, truth, k=2)
    lead = {x.key: x for x in score.leads}
    assert lead["esc"].first_flagged == D2 and lead["esc"].lead_days == 7
    assert lead["esc"].best_rank == 1
    assert lead["late"].first_flagged == D1 and lead["late"].lead_days == 19
    assert lead["twin"].first_flagged == D1 and lead["twin"].lead_days is None
    assert score.caught == 2 and score.median_lead_days == 13.0
    assert score.twins_flagged == 1
    # picks of planted clusters in the top 2: D1 twin; D2 esc, twin; D3 neither (B, E gone)
    assert score.picks == 3 and score.precision_at_k == pytest.approx(round(1 / 3, 4))


def test_truth_file_bad_rows(tmp_path: Path) -> None:
    bad = tmp_path / "t.csv"
    bad.write_text("cluster_key,category,onset,benign,disputes\nx,wage,2026-13-01,0,D1\n", "utf-8")
    with pytest.raises(AnalysisError, match="line 2"):
        read_truth(bad)
    with pytest.raises(AnalysisError, match="cannot read"):
        read_truth(tmp_path / "missing.csv")


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any], MemoryStore]:
    root = tmp_path_factory.mktemp("bt")
    bundle = root / "city"
    planted = generate_city(bundle, scale=300, seed=7)
    store = MemoryStore()
    load_bundle(bundle, store, Settings(demo=True, workspace=root / "ws"))
    return bundle, planted, store


def test_a_planted_escalation_is_found_ahead_of_its_onset(
    city: tuple[Path, dict[str, Any], MemoryStore],
) -> None:
    bundle, planted, store = city
    esc = next(e for e in planted["escalations"] if e["name"] == "wage_escalation_2")
    onset = date.fromisoformat(esc["onset"])
    res = run_backtest(
        store, onset - timedelta(days=28), onset - timedelta(days=7), 7, k=5, horizon_days=14
    )
    truth = score_truth(res.samples, read_truth(bundle / "truth" / "escalations.csv"), 5)
    lead = next(x for x in truth.leads if x.key == "wage_escalation_2")
    assert lead.lead_days is not None and lead.lead_days >= 7
    # and the backtest's own labels see the same escalation coming
    mine = [s for s in res.samples if s.disputes & set(esc["disputes"])]
    assert mine and all(not s.escalated_now for s in mine)
    assert any(s.escalated_on is not None and s.escalated_on >= onset for s in mine)


_DATED = {"disputes": "reported_at", "reports": "received_at", "handlings": "started_at"}
_BY_DISPUTE = ("involvements", "dispute_properties", "handlings", "reports", "dispute_links")


def _rewrite(path: Path, keep: Any, change: Any = None) -> int:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        fields, rows = list(reader.fieldnames or []), list(reader)
    kept = [change(r) if change else r for r in rows if keep(r)]
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(kept)
    return len(rows) - len(kept)


def _cut(src: Path, dst: Path, day: date) -> int:
    """The bundle as it would have been exported at the end of ``day``: no dispute,
    report or hand-off dated after it (nor the rows of the disputes left out), and
    each dispute's status and ``closed_at`` as they were then (a status changed
    later becomes the one its last hand-off step by ``day`` gives). The rows dropped."""
    shutil.copytree(src, dst)
    cut = day.isoformat()
    late: set[str] = set()
    last_step: dict[str, str] = {}
    changed: set[str] = set()

    def keep_step(r: dict[str, str]) -> bool:
        if r["started_at"][:10] > cut:
            changed.add(r["dispute_id"])
            return False
        if r["action"] != "followed_up":
            last_step[r["dispute_id"]] = r["action"]
        return True

    with (dst / "disputes.csv").open(encoding="utf-8", newline="") as fh:
        late = {r["id"] for r in csv.DictReader(fh) if r["reported_at"][:10] > cut}
    dropped = 0
    for table in _BY_DISPUTE:
        col = _DATED.get(table)
        dropped += _rewrite(
            dst / f"{table}.csv",
            lambda r, col=col, table=table: (
                r["dispute_id"] not in late
                and r.get("other_id") not in late
                and (keep_step(r) if table == "handlings" else not col or r[col][:10] <= cut)
            ),
        )

    def then(r: dict[str, str]) -> dict[str, str]:
        if r["id"] in changed or r["closed_at"][:10] > cut:
            settled = last_step.get(r["id"]) in ("resolved", "closed")
            r = {**r, "status": "resolved" if settled else "in_mediation", "closed_at": ""}
        return r

    dropped += _rewrite(dst / "disputes.csv", lambda r: r["id"] not in late, then)
    return dropped


def _key(samples: list[Sample]) -> list[tuple[Any, ...]]:
    return sorted(
        (sorted(s.disputes), s.score, s.level, s.escalated_now, sorted(s.factors.items()))
        for s in samples
    )


def test_rows_after_the_as_of_date_change_nothing_at_it(
    city: tuple[Path, dict[str, Any], MemoryStore], tmp_path: Path
) -> None:
    bundle, planted, store = city
    esc = next(e for e in planted["escalations"] if e["name"] == "land_escalation_1")
    day = date.fromisoformat(esc["onset"]) - timedelta(days=3)  # just before its onset
    dropped = _cut(bundle, tmp_path / "cut", day)
    assert dropped > 100  # the later months are really gone
    short = MemoryStore()
    load_bundle(tmp_path / "cut", short, Settings(demo=True, workspace=tmp_path / "ws"))
    full_at, short_at = replay(store, [day]), replay(short, [day])
    assert full_at and _key(full_at) == _key(short_at)
    # the later rows do count at a later date
    later = day + timedelta(days=14)
    assert _key(replay(store, [later])) != _key(replay(short, [later]))


def test_cli_backtest_with_truth_stores_its_figures(
    runner: CliRunner, city: tuple[Path, dict[str, Any], MemoryStore]
) -> None:
    bundle, planted, _ = city
    assert runner.invoke(app, ["load", str(bundle), "--reset"]).exit_code == 0
    onset = next(e for e in planted["escalations"] if e["name"] == "wage_escalation_2")["onset"]
    day = date.fromisoformat(onset)
    args = [
        "backtest",
        "--from",
        str(day - timedelta(days=14)),
        "--to",
        str(day - timedelta(days=7)),
    ]
    truth = bundle / "truth" / "escalations.csv"
    res = runner.invoke(app, [*args, "--horizon-days", "14", "--truth", str(truth), "-f", "json"])
    assert res.exit_code == 0, res.output
    body = json.loads(res.stdout)
    leads = {x["key"]: x for x in body["truth"]["leads"]}
    assert leads["wage_escalation_2"]["lead_days"] == 14  # flagged at the first step
    assert leads["wage_benign_twin"]["lead_days"] is None
    # the figures are kept in the store for the briefing pack
    with store_session(settings()) as store:
        doc = load_backtest(store)
    assert doc is not None and doc["from"] == body["from"] and doc["run_at"]
    assert doc["overall"] == body["overall"] and doc["truth"]["caught"] == body["truth"]["caught"]
    bad = runner.invoke(app, [*args, "--truth", str(bundle / "nope.csv")])
    assert bad.exit_code != 0 and "cannot read the truth file" in bad.output
