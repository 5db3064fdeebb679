"""An analysis that reuses the kept one equals a full analysis of the same data.

Two stores get the same generated city and the same deltas; one is analysed with a
:class:`~disputegraph.analytics.Kept` carried from one analysis to the next, the other
in full every time. After each delta the two results are the same (all but the time
they were computed), and the kept one computed only what the delta reached.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from analytics_city import City

from disputegraph.analytics import Kept, default_as_of, load_risk_config, run_analysis
from disputegraph.analytics.agencies import agency_aggregates
from disputegraph.analytics.config import RiskConfig
from disputegraph.analytics.incremental import _changed_ids
from disputegraph.analytics.projection import Projection, project_with
from disputegraph.analytics.records import AgencyInfo, HandlingInfo, PartyInfo
from disputegraph.config import Settings
from disputegraph.ingest import load_bundle
from disputegraph.schemas import AnalysisResult, NodeLabel
from disputegraph.store import MemoryStore
from disputegraph.synthetic import generate_city

Delta = Callable[[City], None]


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("city") / "city"
    generate_city(out, scale=800, seed=7)
    return out


@pytest.fixture(scope="module")
def small_cap() -> RiskConfig:
    """The shipped settings with a cluster size cap low enough that some components of
    the small city are split (so unchanged splits are reused too)."""
    config = load_risk_config()
    return config.model_copy(
        update={"clusters": config.clusters.model_copy(update={"size_cap": 30})}
    )


def _city(bundle: Path, root: Path) -> City:
    city = City()
    city.store = MemoryStore()
    load_bundle(bundle, city.store, Settings(demo=True, workspace=root))
    return city


def _same(a: AnalysisResult, b: AnalysisResult) -> None:
    da, db = (r.model_dump(mode="json", exclude={"computed_at"}) for r in (a, b))
    assert da.keys() == db.keys()
    for key in da:
        assert da[key] == db[key], key


def _ids(store: MemoryStore, label: NodeLabel) -> list[str]:
    return sorted(row[0] for batch in store.iter_node_values(label, []) for row in batch)


def _deltas(store: MemoryStore, first: AnalysisResult) -> list[tuple[str, Delta]]:
    """Named deltas, each a few rows as a day's export brings them (ids drawn from the
    city with a fixed seed, so both stores get the same; the disputes handed on or
    called about again are in the window, with a chain)."""
    rng = random.Random(3)
    as_of = first.as_of
    parties = _ids(store, NodeLabel.PARTY)
    disputes = sorted(first.chain_metrics)
    agencies = _ids(store, NodeLabel.AGENCY)
    day = (as_of - timedelta(days=2)).isoformat()
    picks = rng.sample(parties, 6)
    old = rng.sample(disputes, 3)

    def new_tickets(c: City) -> None:  # new disputes naming existing parties
        for k, p in enumerate(picks[:3]):
            c.dispute(f"D-NEW-{k}", reported=f"{day}T09:00:00", category="wage_arrears")
            c.involve(f"D-NEW-{k}", p)

    def merge(c: City) -> None:  # one new dispute ties two clusters together
        c.dispute("D-NEW-M", reported=f"{day}T10:00:00", headcount=12)
        c.involve("D-NEW-M", picks[3]).involve("D-NEW-M", picks[4], role="respondent")

    def hand_off(c: City) -> None:  # an existing dispute is handed on; another escalates
        c.handle(old[0], 90, agencies[0], "assigned", f"{day}T11:00:00")
        c.handle(old[1], 91, agencies[1], "escalated", f"{day}T12:00:00")

    def report(c: City) -> None:  # a repeat call about an existing dispute
        c.report("R-NEW-1", old[2], f"{day}T13:00:00", reporter=picks[5])

    def nothing(c: City) -> None:
        pass

    return [
        ("new tickets", new_tickets),
        ("merge", merge),
        ("hand-off", hand_off),
        ("report", report),
        ("nothing", nothing),
    ]


def test_every_delta_gives_the_full_analysis(
    bundle: Path, tmp_path: Path, small_cap: RiskConfig
) -> None:
    full, inc = _city(bundle, tmp_path / "a"), _city(bundle, tmp_path / "b")
    as_of = default_as_of(full.store)
    kept = Kept()
    first = run_analysis(inc.store, as_of=as_of, config=small_cap, kept=kept)
    _same(first, run_analysis(full.store, as_of=as_of, config=small_cap))
    assert any(c.split_from for c in first.clusters) and kept.splits
    assert kept.reused["clusters"] == 0 and kept.reused["chains"] == 0
    total = len(first.clusters)
    for name, delta in _deltas(full.store, first):
        delta(full)
        delta(inc)
        b = run_analysis(inc.store, as_of=as_of, config=small_cap, kept=kept)
        a = run_analysis(full.store, as_of=as_of, config=small_cap)
        _same(a, b)
        r = kept.reused
        assert r["clusters"] + r["clusters_computed"] == len(b.clusters), name
        if name == "nothing":
            assert r["clusters_computed"] == 0 and r["chains_computed"] == 0
        else:  # the delta reached a few clusters; the others were taken over
            assert 1 <= r["clusters_computed"] <= 0.1 * total, (name, r)
        if name == "hand-off":
            assert r["chains_computed"] == 2, r
        elif name in ("new tickets", "merge"):  # new disputes have no hand-offs
            assert r["chains_computed"] == 0, r


def test_a_merge_is_scored_again_as_one_cluster(
    bundle: Path, tmp_path: Path, small_cap: RiskConfig
) -> None:
    inc = _city(bundle, tmp_path)
    as_of = default_as_of(inc.store)
    kept = Kept()
    first = run_analysis(inc.store, as_of=as_of, config=small_cap, kept=kept)
    small = [c for c in first.clusters if c.split_from is None and len(c.members) >= 1]
    a, b = small[0], small[-1]
    inc.dispute("D-NEW-M", reported=f"{as_of}T08:00:00", headcount=12)
    inc.involve("D-NEW-M", a.members[0]).involve("D-NEW-M", b.members[0])
    result = run_analysis(inc.store, as_of=as_of, config=small_cap, kept=kept)
    (merged,) = [c for c in result.clusters if "D-NEW-M" in c.disputes]
    assert set(merged.disputes) == {*a.disputes, *b.disputes, "D-NEW-M"}
    assert merged.lineage == "merged" and set(merged.came_from) == {a.id, b.id}
    assert merged.id in (a.id, b.id)
    assert {a.id, b.id} & {c.id for c in result.clusters} == {merged.id}
    assert kept.reused["clusters_computed"] == 1
    assert kept.reused["clusters"] == len(first.clusters) - 2


def test_the_kept_tallies_stay_as_they_were_until_an_analysis_is_kept(
    bundle: Path, tmp_path: Path, small_cap: RiskConfig
) -> None:
    """What an analysis may reuse holds a copy of the kept agency tallies, less the chain
    a delta reached: an analysis that fails after the comparison leaves the kept ones."""
    inc = _city(bundle, tmp_path)
    as_of = default_as_of(inc.store)
    kept = Kept()
    first = run_analysis(inc.store, as_of=as_of, config=small_cap, kept=kept)
    agencies = _ids(inc.store, NodeLabel.AGENCY)
    did = sorted(kept.chains)[0]
    inc.handle(did, 90, agencies[0], "assigned", f"{as_of}T11:00:00")
    proj = project_with(inc.store, as_of, 180, small_cap)
    _, reuse = kept.reuse(proj, small_cap.model_dump_json())
    assert reuse is not None and did not in reuse.chains and did in kept.chains
    others = [ch for d, ch in kept.chains.items() if d != did]
    assert reuse.tally.stats(proj.agencies) == agency_aggregates(others, proj.agencies)
    assert kept.tally.stats(proj.agencies) == (first.agencies, first.handoffs)


@pytest.mark.parametrize(
    "change",
    [
        {"as_of": 1},  # another day: every age and open duration moves
        {"config": "bands"},  # other settings
    ],
)
def test_nothing_is_reused_across_days_or_settings(
    bundle: Path, tmp_path: Path, small_cap: RiskConfig, change: dict[str, Any]
) -> None:
    inc = _city(bundle, tmp_path)
    as_of = default_as_of(inc.store)
    kept = Kept()
    run_analysis(inc.store, as_of=as_of, config=small_cap, kept=kept)
    config = small_cap
    if "config" in change:
        risk = small_cap.risk.model_copy(update={"group_threshold": 99})
        config = small_cap.model_copy(update={"risk": risk})
    day = as_of + timedelta(days=change.get("as_of", 0))
    result = run_analysis(inc.store, as_of=day, config=config, kept=kept)
    assert kept.reused["clusters"] == 0 and kept.reused["chains"] == 0
    assert kept.reused["clusters_computed"] == len(result.clusters)


def _bare(**tables: Any) -> Projection:
    """A projection with no nodes, only the tables a test names."""
    empty = np.zeros(0, dtype=np.int32)
    base: dict[str, Any] = {
        "as_of": date(2026, 6, 30),
        "window_days": 90,
        "ids": [],
        "index": {},
        "kind": np.zeros(0, dtype=np.int8),
        "src": empty,
        "dst": empty,
        "etype": np.zeros(0, dtype=np.int8),
        **{t: {} for t in ("disputes", "parties", "employers", "properties", "agencies")},
        **{t: {} for t in ("involvements", "concerns", "reports", "handlings", "links")},
    }
    return Projection(**(base | tables))


def test_the_comparison_names_each_changed_row_by_hand() -> None:
    """Worked out by hand: which ids each kind of change names."""
    at = datetime(2026, 6, 1, 9)
    step = HandlingInfo("D1", 1, "A1", "ACCEPT", at, None, None, None, None)
    old = _bare(
        parties={
            "P1": PartyInfo("P1", "PERSON", "甲", ()),
            "P2": PartyInfo("P2", "PERSON", "乙", ()),
        },
        agencies={"A1": AgencyInfo("A1", "街道", "STREET_OFFICE", "STREET")},
        handlings={"D1": [step], "D2": []},
        contracts=[("E2", "E1")],
        employments=[("P1", "E2")],
        unpaid={("E2", "E1"): 1000.0},
    )
    assert _changed_ids(old, old) == set()
    # a renamed party, a dropped party: each names itself only
    renamed = _bare(**(vars(old) | {"parties": {"P1": PartyInfo("P1", "PERSON", "丙", ())}}))
    assert _changed_ids(old, renamed) == {"P1", "P2"}
    # an agency's row changed: the disputes handed to it (the agency is no node)
    agency = _bare(
        **(vars(old) | {"agencies": {"A1": AgencyInfo("A1", "街道办", "STREET_OFFICE", "STREET")}})
    )
    assert _changed_ids(old, agency) == {"D1"}
    # a second contract between the same pair counts; so does a changed unpaid sum
    second = _bare(**(vars(old) | {"contracts": [("E2", "E1"), ("E2", "E1")]}))
    assert _changed_ids(old, second) == {"E1", "E2"}
    owed = _bare(**(vars(old) | {"unpaid": {("E2", "E1"): 2000.0}}))
    assert _changed_ids(old, owed) == {"E1", "E2"}
    # an employment ended: both its ends
    left = _bare(**(vars(old) | {"employments": []}))
    assert _changed_ids(old, left) == {"P1", "E2"}
