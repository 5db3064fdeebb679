"""The synthetic city generator: determinism, validity, planted patterns, scale, CLI."""

from __future__ import annotations

import csv
import itertools
import json
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from disputegraph.cli import app
from disputegraph.schemas.enums import Channel, NodeLabel, Status
from disputegraph.schemas.registry import TABLES
from disputegraph.schemas.rows import DisputeRow, HandlingRow, Row
from disputegraph.synthetic import DEFAULT_AS_OF, GenerateError, generate_city
from shared_helpers import planted_pattern

SCALE = 2000


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    out = tmp_path_factory.mktemp("city") / "bundle"
    planted = generate_city(out, scale=SCALE, seed=7)
    return out, planted


@pytest.fixture(scope="module")
def rows(city: tuple[Path, dict[str, Any]]) -> dict[str, list[Row]]:
    out, _ = city
    parsed: dict[str, list[Row]] = {}
    for table, model in TABLES.items():
        with (out / f"{table}.csv").open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            assert reader.fieldnames == model.columns(), table
            parsed[table] = [model.model_validate(r) for r in reader]
    return parsed


def _ids_by_label(rows: dict[str, list[Row]]) -> dict[str, NodeLabel]:
    labels: dict[str, NodeLabel] = {}
    for table, model in TABLES.items():
        if model.label is None:
            continue
        for row in rows[table]:
            rid = row.id  # type: ignore[attr-defined]
            assert rid not in labels, f"id {rid} is not unique across node tables"
            labels[rid] = model.label
    return labels


def _pattern(planted: dict[str, Any], name: str) -> dict[str, Any]:
    return planted_pattern(planted, name)


def _index(rows: dict[str, list[Row]], table: str) -> dict[str, Any]:
    return {r.id: r for r in rows[table]}  # type: ignore[attr-defined]


# --- files and validity --------------------------------------------------------


def test_every_table_is_written_with_the_model_columns(city: tuple[Path, dict[str, Any]]) -> None:
    out, planted = city
    for table, model in TABLES.items():
        with (out / f"{table}.csv").open(encoding="utf-8") as fh:
            header = fh.readline().strip().split(",")
        assert header == model.columns()
        assert planted["counts"][table] > 0, table
    assert json.loads((out / "_planted.json").read_text(encoding="utf-8")) == planted


def test_every_row_validates_and_every_reference_resolves(rows: dict[str, list[Row]]) -> None:
    labels = _ids_by_label(rows)
    dangling = []
    for table, model in TABLES.items():
        for row in rows[table]:
            for fieldname, allowed in model.refs.items():
                target = getattr(row, fieldname)
                if target is not None and labels.get(target) not in allowed:
                    dangling.append((table, fieldname, target))
    assert dangling == []


def test_handling_chains_are_ordered_and_closed_disputes_close(rows: dict[str, list[Row]]) -> None:
    chains: dict[str, list[HandlingRow]] = defaultdict(list)
    for h in rows["handlings"]:
        assert isinstance(h, HandlingRow)
        chains[h.dispute_id].append(h)
    disputes = _index(rows, "disputes")
    assert set(chains) == set(disputes), "every dispute has a hand-off chain"
    now = datetime.fromisoformat(DEFAULT_AS_OF.isoformat() + "T18:00:00+08:00")
    for did, steps in chains.items():
        d: DisputeRow = disputes[did]
        assert [s.seq for s in steps] == list(range(len(steps)))
        assert steps[0].started_at >= d.reported_at
        for a, b in itertools.pairwise(steps):
            assert (a.ended_at is not None and a.ended_at <= b.started_at) or a.ended_at is None
        assert all(s.started_at < now for s in steps)
        if d.status.is_open:
            assert d.closed_at is None
        else:
            assert d.closed_at is not None and d.closed_at < now


def test_realistic_mix(rows: dict[str, list[Row]]) -> None:
    disputes = rows["disputes"]
    cats = Counter(d.category for d in disputes)  # type: ignore[attr-defined]
    assert len(cats) >= 20, "every category appears"
    channels = Counter(d.channel for d in disputes)  # type: ignore[attr-defined]
    assert channels[Channel.HOTLINE_12345] > channels[Channel.PETITION_VISIT]
    open_share = sum(d.status.is_open for d in disputes) / len(disputes)  # type: ignore[attr-defined]
    assert 0.1 < open_share < 0.5
    tags = Counter(t for p in rows["parties"] for t in p.tags)  # type: ignore[attr-defined]
    for tag in ("migrant_worker", "elderly", "disabled", "low_income", "repeat_petitioner"):
        assert tags[tag] > 0, tag
    parties_per_dispute = Counter(i.dispute_id for i in rows["involvements"])  # type: ignore[attr-defined]
    small = sum(1 for n in parties_per_dispute.values() if n <= 3)
    assert small / len(parties_per_dispute) > 0.85, "most background disputes are small"


def test_agencies_form_one_tree(rows: dict[str, list[Row]]) -> None:
    agencies = _index(rows, "agencies")
    roots = [a for a in agencies.values() if a.reports_to is None]
    assert {a.level.value for a in roots} <= {"province", "city"}
    for a in agencies.values():  # every chain ends at a root without cycles
        seen = set()
        while a.reports_to is not None:
            assert a.id not in seen
            seen.add(a.id)
            a = agencies[a.reports_to]
    levels = Counter(a.level.value for a in agencies.values())
    assert set(levels) == {"grid", "community", "township", "county", "city", "province"}


# --- planted patterns ---------------------------------------------------------


def test_planted_record_shape(
    city: tuple[Path, dict[str, Any]], rows: dict[str, list[Row]]
) -> None:
    _, planted = city
    assert planted["seed"] == 7 and planted["scale"] == SCALE and planted["as_of"] == "2026-02-03"
    names = [p["name"] for p in planted["patterns"]]
    assert names == [
        "wage_arrears_chain",
        "elevator_building",
        "land_rent_village",
        "benign_property_manager",
        "bounced_case",
        "stalled_case",
    ]
    labels = _ids_by_label(rows)
    for p in planted["patterns"]:
        assert {
            "name",
            "expect",
            "disputes",
            "members",
            "anchor",
            "description_zh",
            "description_en",
        } <= set(p)
        assert set(p["disputes"]) <= set(p["members"])
        assert p["anchor"] in labels
        assert all(labels[m] is not NodeLabel.AGENCY for m in p["members"])
    assert _pattern(planted, "bounced_case")["expect_flags"] == ["bounced"]
    assert _pattern(planted, "stalled_case")["expect_flags"] == ["overdue"]


def test_planted_members_touch_no_background_entity(
    city: tuple[Path, dict[str, Any]], rows: dict[str, list[Row]]
) -> None:
    """Every edge between non-agency nodes stays inside one pattern or outside all of them."""
    _, planted = city
    owner = {
        m: p["name"] for p in [*planted["patterns"], *planted["escalations"]] for m in p["members"]
    }
    pairs = [(r.dispute_id, r.stakeholder_id) for r in rows["involvements"]]  # type: ignore[attr-defined]
    pairs += [(r.dispute_id, r.property_id) for r in rows["dispute_properties"]]  # type: ignore[attr-defined]
    pairs += [(r.party_id, r.employer_id) for r in rows["employments"]]  # type: ignore[attr-defined]
    pairs += [(r.subcontractor_id, r.contractor_id) for r in rows["contracts"]]  # type: ignore[attr-defined]
    pairs += [(r.dispute_id, r.other_id) for r in rows["dispute_links"]]  # type: ignore[attr-defined]
    pairs += [(r.id, r.part_of) for r in rows["properties"] if r.part_of]  # type: ignore[attr-defined]
    pairs += [(r.stakeholder_id, r.property_id) for r in rows["property_ties"]]  # type: ignore[attr-defined]
    crossing = [(a, b) for a, b in pairs if owner.get(a) != owner.get(b)]
    assert crossing == []


def test_wage_arrears_chain(city: tuple[Path, dict[str, Any]], rows: dict[str, list[Row]]) -> None:
    _, planted = city
    p = _pattern(planted, "wage_arrears_chain")
    assert p["expect"] == "top3"
    # contractor chain: 3-4 SUBCONTRACTOR_OF hops from each labour team up to the developer
    up = {(c.subcontractor_id): c.contractor_id for c in rows["contracts"]}  # type: ignore[attr-defined]
    employers = _index(rows, "employers")
    for team in p["chain"][-1]:
        depth, node = 0, team
        while node in up:
            node, depth = up[node], depth + 1
        assert 3 <= depth <= 4
        assert (
            employers[node].kind.value == "developer"
            and employers[team].kind.value == "labour_team"
        )
    workers = set(p["workers"])
    assert 20 <= len(workers) <= 40
    parties = _index(rows, "parties")
    assert all("migrant_worker" in parties[w].tags for w in workers)
    employed = {e.party_id for e in rows["employments"] if e.employer_id in p["chain"][-1]}  # type: ignore[attr-defined]
    assert employed == workers
    disputes = _index(rows, "disputes")
    ds = [disputes[d] for d in p["disputes"]]
    assert all(d.category.value == "wage_arrears" for d in ds)
    total = sum(d.amount_yuan or 0 for d in ds)
    assert 1_000_000 <= total <= 3_000_000 and total == p["amount_total"]
    as_of = datetime.fromisoformat("2026-02-03T00:00:00+08:00")
    assert all(as_of - timedelta(days=45) <= d.reported_at < as_of for d in ds)
    assert sum(d.status.is_open for d in ds) > len(ds) / 2
    petitions = [d for d in ds if d.channel.is_petition]
    assert len(petitions) >= 2
    reports = Counter(r.dispute_id for r in rows["reports"])  # type: ignore[attr-defined]
    assert sum(reports[d.id] > 1 for d in ds) >= 3
    # the skip-level letter is received by a city-level agency; escalation reaches county and city
    agencies = _index(rows, "agencies")
    first = {h.dispute_id: h for h in rows["handlings"] if h.seq == 0}  # type: ignore[attr-defined]
    assert agencies[first[p["skip_level_petition"]].agency_id].level.value == "city"
    escalated = [
        h
        for h in rows["handlings"]
        if h.dispute_id in p["disputes"]  # type: ignore[attr-defined]
        and h.action.value in ("escalated", "supervised")
    ]
    assert {agencies[h.agency_id].level.value for h in escalated} >= {"county", "city"}


def test_elevator_building(city: tuple[Path, dict[str, Any]], rows: dict[str, list[Row]]) -> None:
    _, planted = city
    p = _pattern(planted, "elevator_building")
    props = _index(rows, "properties")
    building = props[p["building"]]
    assert building.kind.value == "building" and 1990 <= (building.built_year or 0) < 2000
    parties = _index(rows, "parties")
    assert sum("elderly" in parties[u].tags for u in p["upper_floor"]) >= 4
    roles = defaultdict(set)
    for i in rows["involvements"]:
        if i.dispute_id in p["disputes"]:  # type: ignore[attr-defined]
            roles[i.role.value].add(i.stakeholder_id)  # type: ignore[attr-defined]
    assert roles["applicant"] <= set(p["upper_floor"]) and roles["respondent"] <= set(
        p["lower_floor"]
    )
    disputes = _index(rows, "disputes")
    assert all(disputes[d].category.value == "elevator_retrofit" for d in p["disputes"])
    assert disputes[p["rebound_dispute"]].status is Status.REBOUNDED
    outcomes = {(h.dispute_id, h.outcome) for h in rows["handlings"]}  # type: ignore[attr-defined]
    assert (p["rebound_dispute"], "unsatisfied") in outcomes
    assert (p["failed_dispute"], "failed") in outcomes


def test_land_rent_village(city: tuple[Path, dict[str, Any]], rows: dict[str, list[Row]]) -> None:
    _, planted = city
    p = _pattern(planted, "land_rent_village")
    assert 10 <= len(p["parcels"]) <= 20
    leased = {
        t.property_id
        for t in rows["property_ties"]  # type: ignore[attr-defined]
        if t.stakeholder_id == p["operator"] and t.relation.value == "lessee"
    }  # type: ignore[attr-defined]
    assert leased == set(p["parcels"])
    disputes = _index(rows, "disputes")
    ds = [disputes[d] for d in p["disputes"]]
    assert all(d.category.value == "land_transfer" and d.status.is_open for d in ds)
    assert sum(d.channel.is_petition for d in ds) >= 2
    parties = _index(rows, "parties")
    assert sum("elderly" in parties[v].tags for v in p["villagers"]) >= len(p["villagers"]) / 2


def test_benign_cluster_is_big_but_resolved(
    city: tuple[Path, dict[str, Any]], rows: dict[str, list[Row]]
) -> None:
    _, planted = city
    p = _pattern(planted, "benign_property_manager")
    assert p["expect"] == "below_top3" and 40 <= len(p["disputes"]) <= 80
    disputes = _index(rows, "disputes")
    per = Counter(i.dispute_id for i in rows["involvements"] if i.dispute_id in p["disputes"])  # type: ignore[attr-defined]
    assert max(per.values()) <= 2
    for did in p["disputes"]:
        d = disputes[did]
        assert not d.status.is_open and d.closed_at - d.reported_at <= timedelta(days=7)
    follow = {
        h.dispute_id
        for h in rows["handlings"]  # type: ignore[attr-defined]
        if h.action.value == "followed_up" and h.outcome == "satisfied"
    }  # type: ignore[attr-defined]
    assert set(p["disputes"]) <= follow
    days = sorted(disputes[d].reported_at for d in p["disputes"])
    assert days[-1] - days[0] > timedelta(days=120), "spread over the window"


def test_bounced_and_stalled_chains(
    city: tuple[Path, dict[str, Any]], rows: dict[str, list[Row]]
) -> None:
    _, planted = city
    steps = defaultdict(list)
    for h in rows["handlings"]:
        steps[h.dispute_id].append(h)  # type: ignore[attr-defined]
    bounced = _pattern(planted, "bounced_case")
    for did in bounced["disputes"]:
        chain = [h for h in steps[did] if h.agency_id in bounced["bureaus"]]
        hops = [chain[0].agency_id] + [
            b.agency_id for a, b in itertools.pairwise(chain) if a.agency_id != b.agency_id
        ]
        assert len(hops) >= 3 and hops[0] == hops[2] != hops[1]  # A -> B -> A
        assert sum(h.action.value == "returned" for h in steps[did]) >= 2
    stalled = _pattern(planted, "stalled_case")
    (did,) = stalled["disputes"]
    last = steps[did][-1]
    as_of = datetime.fromisoformat("2026-02-03T00:00:00+08:00")
    assert last.ended_at is None and last.agency_id == stalled["stalled_agency"]
    assert last.due_at is not None and as_of - last.due_at > timedelta(days=60)


# --- determinism, scale, formats ---------------------------------------------


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        f.relative_to(folder).as_posix(): f.read_bytes()
        for f in sorted(folder.rglob("*"))
        if f.is_file()
    }


def test_same_seed_gives_identical_bytes_and_another_seed_differs(tmp_path: Path) -> None:
    generate_city(tmp_path / "a", scale=600, seed=3)
    generate_city(tmp_path / "b", scale=600, seed=3)
    generate_city(tmp_path / "c", scale=600, seed=4)
    a, b, c = (_snapshot(tmp_path / x) for x in "abc")
    assert a == b and "truth/escalations.csv" in a
    assert a["disputes.csv"] != c["disputes.csv"]


def test_planted_patterns_are_the_same_at_every_scale(tmp_path: Path) -> None:
    small = generate_city(tmp_path / "s", scale=300)
    large = generate_city(tmp_path / "l", scale=3000)
    assert small["patterns"] == large["patterns"]


@pytest.mark.parametrize("scale", [500, 5000])
def test_scale_is_honoured(tmp_path: Path, scale: int) -> None:
    planted = generate_city(tmp_path / "x", scale=scale)
    assert abs(planted["counts"]["disputes"] - scale) <= scale * 0.1


def test_as_of_moves_every_time(tmp_path: Path) -> None:
    planted = generate_city(tmp_path / "x", scale=300, as_of=date(2025, 6, 1))
    assert planted["as_of"] == "2025-06-01"
    with (tmp_path / "x" / "disputes.csv").open(encoding="utf-8") as fh:
        latest = max(r["reported_at"] for r in csv.DictReader(fh))
    assert "2025-05-31" < latest < "2025-06-01T18:00"


def test_jsonl_rows_validate(tmp_path: Path) -> None:
    generate_city(tmp_path / "j", scale=300, fmt="jsonl")
    for table, model in TABLES.items():
        lines = (tmp_path / "j" / f"{table}.jsonl").read_text(encoding="utf-8").splitlines()
        assert lines, table
        for line in lines:
            record = json.loads(line)
            assert list(record) == model.columns()
            model.model_validate(record)


def test_xlsx_workbook_has_a_sheet_per_table_and_is_deterministic(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    generate_city(tmp_path / "x1", scale=200, fmt="xlsx")
    generate_city(tmp_path / "x2", scale=200, fmt="xlsx")
    assert (tmp_path / "x1" / "city.xlsx").read_bytes() == (
        tmp_path / "x2" / "city.xlsx"
    ).read_bytes()
    wb = load_workbook(tmp_path / "x1" / "city.xlsx", read_only=True)
    assert wb.sheetnames == list(TABLES)
    header = next(wb["disputes"].iter_rows(max_row=1, values_only=True))
    assert list(header) == DisputeRow.columns()
    wb.close()


def test_regenerating_in_another_format_leaves_no_stale_tables(tmp_path: Path) -> None:
    generate_city(tmp_path, scale=200)
    (tmp_path / "notes.txt").write_text("kept", encoding="utf-8")
    generate_city(tmp_path, scale=200, fmt="jsonl")
    assert not list(tmp_path.glob("*.csv"))
    assert len(list(tmp_path.glob("*.jsonl"))) == len(TABLES)
    assert (tmp_path / "notes.txt").exists()


def test_bad_requests_raise_generate_error(tmp_path: Path) -> None:
    with pytest.raises(GenerateError, match="format"):
        generate_city(tmp_path, fmt="parquet")
    with pytest.raises(GenerateError, match="xlsx"):
        generate_city(tmp_path, scale=50_000, fmt="xlsx")
    with pytest.raises(GenerateError, match="scale"):
        generate_city(tmp_path, scale=0)


def test_progress_is_reported(tmp_path: Path) -> None:
    seen: list[tuple[str, int, int]] = []
    generate_city(tmp_path / "p", scale=300, progress=lambda s, d, t: seen.append((s, d, t)))
    assert ("disputes", 300, 300) in seen and seen[0][0] == "city"


# --- CLI ------------------------------------------------------------------------


def test_cli_generate_prints_a_summary(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        [
            "generate",
            str(tmp_path / "cli"),
            "--scale",
            "300",
            "--seed",
            "5",
            "--as-of",
            "2026-01-20",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "disputes" in result.output and "wage_arrears_chain" in result.output
    planted = json.loads((tmp_path / "cli" / "_planted.json").read_text(encoding="utf-8"))
    assert planted["seed"] == 5 and planted["as_of"] == "2026-01-20"


def test_cli_generate_bad_input_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["generate", str(tmp_path / "x"), "--scale", "50000", "--format", "xlsx"]
    )
    assert result.exit_code == 2
    assert "xlsx" in result.output
    result = CliRunner().invoke(app, ["generate", str(tmp_path / "x"), "--as-of", "03/02/2026"])
    assert result.exit_code == 2


def test_cli_generate_help_has_an_example() -> None:
    result = CliRunner().invoke(app, ["generate", "--help"])
    assert result.exit_code == 0
    assert "disputegraph generate" in result.output


# --- end to end: the analytics find what was planted ---------------------------------


@pytest.mark.slow
def test_analytics_find_the_planted_patterns(tmp_path: Path) -> None:
    from disputegraph.analytics import chain, run_analysis
    from disputegraph.config import Settings
    from disputegraph.ingest import load_bundle
    from disputegraph.store.memory import MemoryStore

    planted = generate_city(tmp_path / "city", scale=1500)
    store = MemoryStore()
    cfg = Settings(demo=True, workspace=tmp_path / "ws", store="memory")
    assert load_bundle(tmp_path / "city", store, cfg, strict=True).rejected == 0
    result = run_analysis(store)  # "today" is the latest event's date: the city's as_of
    assert str(result.as_of) == planted["as_of"]
    rank = {d: i for i, c in enumerate(result.clusters) for d in c.disputes}
    top3 = set()
    for p in planted["patterns"]:
        ranks = {rank[d] for d in p["disputes"] if d in rank}
        if p["expect"] == "top3":
            assert len(ranks) == 1, f"{p['name']} is split over clusters {ranks}"
            (i,) = ranks
            top3.add(i)
            cluster = result.clusters[i]
            assert set(cluster.members) | set(cluster.disputes) == set(p["members"]), p["name"]
        elif p["expect"] == "below_top3":
            assert min(ranks) >= 3, p["name"]
        else:
            for d in p["disputes"]:
                assert set(p["expect_flags"]) <= set(chain(store, d).flags), (p["name"], d)
    assert top3 == {0, 1, 2}
