"""The analyze / risk / cluster / trace / chain / agencies commands through the CLI runner,
on the canonical sample bundle (as_of defaults to its latest event, 2026-02-18)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from disputegraph.cli import app

SAMPLE = Path(__file__).parents[1] / "data" / "sample"


@pytest.fixture
def runner(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """The shared CLI fixture, in English, with the sample bundle loaded."""
    monkeypatch.setenv("DISPUTEGRAPH_LANGUAGE", "en")
    loaded = runner.invoke(app, ["load", str(SAMPLE), "--reset"])
    assert loaded.exit_code == 0, loaded.output
    return runner


@pytest.fixture
def analysed(runner: CliRunner) -> CliRunner:
    result = runner.invoke(app, ["analyze", "--format", "json"])
    assert result.exit_code == 0, result.output
    return runner


def _json(runner: CliRunner, *args: str) -> object:
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_risk_needs_an_analysis(runner: CliRunner) -> None:
    for cmd in (["risk"], ["cluster", "D-001"], ["agencies"]):
        result = runner.invoke(app, cmd)
        assert result.exit_code == 2
        assert "run `disputegraph analyze` first" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


def test_analyze_summary(runner: CliRunner) -> None:
    result = runner.invoke(app, ["analyze", "--format", "json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["as_of"] == "2026-02-18" and payload["window_days"] == 180
    assert payload["counts"]["disputes"] == 12
    assert sum(payload["levels"].values()) == payload["counts"]["clusters"]


def test_analyze_bad_date(runner: CliRunner) -> None:
    result = runner.invoke(app, ["analyze", "--as-of", "yesterday"])
    assert result.exit_code == 2


def test_risk_json_shape(analysed: CliRunner) -> None:
    payload = _json(analysed, "risk", "--top", "2")
    assert isinstance(payload, dict)
    assert payload["as_of"] == "2026-02-18"
    clusters = payload["clusters"]
    assert len(clusters) == 2
    for c in clusters:
        assert {
            "id",
            "score",
            "level",
            "size",
            "people",
            "disputes",
            "members",
            "factors",
            "reasons",
        } <= set(c)
        assert c["id"].startswith("C-")
        assert abs(sum(c["factors"].values()) - c["score"]) < 0.2
        assert all(isinstance(r, str) for r in c["reasons"])
    assert clusters[0]["score"] >= clusters[1]["score"]
    # the wage-arrears cluster of the sample ranks first
    assert "D-001" in clusters[0]["disputes"]
    assert "migrant workers" in clusters[0]["reasons"][0]


def test_risk_level_filter_and_csv(analysed: CliRunner) -> None:
    everything = _json(analysed, "risk")
    assert isinstance(everything, dict)
    level = everything["clusters"][-1]["level"]
    payload = _json(analysed, "risk", "--level", level)
    assert isinstance(payload, dict)
    expected = [c["id"] for c in everything["clusters"] if c["level"] == level]
    assert [c["id"] for c in payload["clusters"]] == expected
    bad = analysed.invoke(app, ["risk", "--level", "purple"])
    assert bad.exit_code == 2
    result = analysed.invoke(app, ["risk", "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows and {"id", "score", "level"} <= set(rows[0])


def test_cluster_by_dispute_or_id(analysed: CliRunner) -> None:
    by_dispute = _json(analysed, "cluster", "D-002")
    assert isinstance(by_dispute, dict) and "D-002" in by_dispute["disputes"]
    by_id = _json(analysed, "cluster", by_dispute["id"])
    assert by_id == by_dispute
    assert by_id["reasons"] == by_id["reasons_en"]
    table = analysed.invoke(app, ["cluster", by_dispute["id"]])
    assert table.exit_code == 0 and "scale" in table.stdout
    missing = analysed.invoke(app, ["cluster", "C-0000000000"])
    assert missing.exit_code == 2 and "unknown cluster" in missing.stderr


def test_cluster_names_who_must_pay_a_wage_clusters_wages(analysed: CliRunner) -> None:
    # the sample's chain: developer E-HY-DEV → general contractor E-HD-GC → subcontractor
    # E-LC-SUB → labour team E-WJG-LT; the workers of D-001/D-002 work for the last two
    payload = _json(analysed, "cluster", "D-001")
    assert isinstance(payload, dict)
    payers = payload["liable_payers"]
    assert [(p["employer_id"], p["duty"], p["article"]) for p in payers["payers"]] == [
        ("E-HD-GC", "pay_first", 30),
        ("E-LC-SUB", "direct", 30),
        ("E-WJG-LT", "direct", 30),
    ]
    assert sorted(payers["payers"][0]["for_employers"]) == ["E-LC-SUB", "E-WJG-LT"]
    assert payers["payers"][0]["citation"]["zh"].endswith("第三十条")
    assert [c["employer_id"] for c in payers["chain"]] == [
        "E-HY-DEV",
        "E-HD-GC",
        "E-LC-SUB",
        "E-WJG-LT",
    ]
    table = analysed.invoke(app, ["cluster", "D-001"])
    assert table.exit_code == 0
    text = " ".join(table.stdout.split())
    assert "liable payers:" in text and "(General contractor): Pays first, then recovers" in text
    assert "Migrant Workers (2020), art. 30" in text
    other = _json(analysed, "cluster", "D-004")  # a property-management cluster
    assert isinstance(other, dict) and other["liable_payers"] is None
    assert "liable payers" not in analysed.invoke(app, ["cluster", "D-004"]).stdout


def test_cluster_lists_its_key_persons_masked_for_an_analyst(
    analysed: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the sample's wage cluster (D-001, D-002, D-012): the subcontractor E-LC-SUB is
    # party to all three and on the most paths; the representatives 张伟 (P-001) and
    # 陈建军 (P-004) follow for their role; no account: the analyst's view
    payload = _json(analysed, "cluster", "D-001")
    assert isinstance(payload, dict)
    persons = payload["key_persons"]
    assert persons[0]["entity_id"] == "E-LC-SUB" and persons[0]["label"] == "Employer"
    assert persons[0]["name"] == "杭州力诚建筑劳务分包有限公司"  # organisations in full
    by_id = {p["entity_id"]: p for p in persons}
    assert by_id["P-001"]["name"] == "张*" and by_id["P-004"]["name"] == "陈**"
    assert by_id["P-001"]["roles"] == {"representative": 1}
    assert [r["code"] for r in by_id["P-001"]["reasons"]] == ["representative"]
    assert by_id["P-001"]["reasons_en"] == ["representative in 1 of the cluster's disputes"]
    assert {"score", "betweenness", "cut_off", "cut_off_people", "parts", "kind"} <= set(persons[0])
    table = analysed.invoke(app, ["cluster", "D-001"])
    assert table.exit_code == 0
    text = " ".join(table.stdout.split())
    assert "key persons:" in text and "张伟" not in text
    assert "张* (Person, P-001) 0.07: representative in 1 of the cluster's disputes" in text
    monkeypatch.setenv("DISPUTEGRAPH_ROLE", "officer")  # no account: the variable decides
    officer = _json(analysed, "cluster", "D-001")
    assert isinstance(officer, dict)
    assert {p["entity_id"]: p["name"] for p in officer["key_persons"]}["P-001"] == "张伟"


def test_trace_json_shape(analysed: CliRunner) -> None:
    payload = _json(analysed, "trace", "D-004", "--hops", "2")
    assert isinstance(payload, dict) and payload["source"] == "D-004"
    linked = {x["dispute_id"]: x for x in payload["linked"]}
    assert {"dispute_id", "hops", "path", "reason"} <= set(next(iter(linked.values())))
    assert linked["D-003"]["hops"] == 2 and linked["D-003"]["path"][0] == "D-004"
    missing = analysed.invoke(app, ["trace", "NOPE"])
    assert missing.exit_code == 2 and "unknown id 'NOPE'" in missing.stderr


def test_chain_json_shape(analysed: CliRunner) -> None:
    payload = _json(analysed, "chain", "D-003")
    assert isinstance(payload, dict) and payload["dispute_id"] == "D-003"
    step = payload["steps"][0]
    assert {"seq", "agency_id", "action", "started_at", "ended_at", "dwell_days"} <= set(step)
    assert [s["seq"] for s in payload["steps"]] == [1, 2, 3, 4, 5, 6]
    assert "bounced" in payload["flags"]  # street -> housing -> street -> housing
    table = analysed.invoke(app, ["chain", "D-003"])
    assert table.exit_code == 0 and "Bounced" in table.stdout
    missing = analysed.invoke(app, ["chain", "NOPE"])
    assert missing.exit_code == 2 and len(missing.stderr.strip().splitlines()) == 1


def test_chain_cites_the_time_limit_an_overdue_step_broke(analysed: CliRunner) -> None:
    # D-003: the street returned the case to housing, and housing kept it past the
    # 2-working-day return limit (a local rule, cited as such)
    payload = _json(analysed, "chain", "D-003")
    assert isinstance(payload, dict) and "overdue" in payload["flags"]
    broke = [s for s in payload["steps"] if s["overdue"] and s["limit"]]
    assert broke and all(s["limit_basis"] and s["limit_basis_en"] for s in broke)
    cited = payload["citations"]["overdue"]
    assert {(c["zh"], c["en"]) for c in cited} == {
        (s["limit_basis"], s["limit_basis_en"]) for s in broke
    }
    assert cited[0]["en"] == "Local rule (return of a misassigned ticket)"
    table = analysed.invoke(app, ["chain", "D-003"])
    assert "Overdue (Local rule (return of a misassigned ticket))" in table.stdout


def test_agencies(analysed: CliRunner) -> None:
    payload = _json(analysed, "agencies")
    assert isinstance(payload, dict)
    ids = {a["agency_id"] for a in payload["agencies"]}
    assert "AG-CY-ST" in ids
    pair = next(
        h
        for h in payload["handoffs"]
        if (h["source_agency"], h["target_agency"]) == ("AG-CY-ST", "AG-XH-HOU")
    )
    assert pair["count"] == 2
    pairs = analysed.invoke(app, ["agencies", "--pairs", "--format", "csv"])
    assert pairs.exit_code == 0 and pairs.stdout.startswith("source_agency,target_agency,count")
