"""Warning rules: loading (and refusing) rule files, the metrics, and the hits.

Hand-worked cases run on tiny cities as of 2026-01-10 (the repeat window is
(2025-12-11, 2026-01-10]; the Spring Festival 2026 is 38 days later, within the
75-day lead); every expected number is worked out in the test's comment. The
planted patterns of a generated city each raise the rule they should, and the
benign property manager raises none.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from analytics_city import AS_OF, City

from disputegraph.analytics import run_analysis
from disputegraph.analytics.rules import (
    evaluate_cypher_rules,
    evaluate_rules,
    find_rule,
    load_rules,
    read_rules,
)
from disputegraph.config import Settings
from disputegraph.exceptions import RuleError
from disputegraph.ingest import load_bundle
from disputegraph.schemas import AnalysisResult, ClusterAssessment, RiskLevel
from disputegraph.schemas.rules import CHAIN_METRICS, CLUSTER_METRICS, Clause, Rule
from disputegraph.store import MemoryStore
from disputegraph.synthetic import generate_city
from shared_helpers import planted_pattern

# -- the shipped rules ----------------------------------------------------------------


def test_shipped_rules_load_and_use_known_metrics() -> None:
    rules = load_rules()
    ids = {r.id for r in rules}
    assert {
        "risk_band_red",
        "risk_band_orange",
        "risk_band_yellow",
        "risk_band_blue",
        "mass_petition",
        "skip_level_group",
        "festival_wage_arrears",
        "repeat_petitioner",
        "skip_level_petition",
        "bounced_case",
        "overdue_handoff",
    } <= ids
    for r in rules:
        catalogue = CLUSTER_METRICS if r.subject.value == "cluster" else CHAIN_METRICS
        assert all(c.metric in catalogue for c in r.conditions), r.id
        assert r.source.startswith("rules_defaults.toml:")


def test_every_cluster_metric_is_computed(city: City) -> None:
    # a cluster measured on every metric: the stored metrics only omit zeros, so a
    # name outside the catalogue would show up here
    city.party("P1").dispute("D1", status="in_mediation", category="wage_arrears", amount=5e4)
    city.involve("D1", "P1")
    result = run_analysis(city.store, as_of=AS_OF)
    assert set(result.clusters[0].metrics) <= set(CLUSTER_METRICS)
    assert set(result.chain_metrics.get("D1", {})) <= set(CHAIN_METRICS)
    assert result.clusters[0].metrics["wage_open"] == 1
    assert result.clusters[0].metrics["in_festival_lead"] == 1  # 38 days ≤ 75
    assert result.clusters[0].metrics["days_to_festival"] == 38


# -- hand-worked small cities ---------------------------------------------------------


def test_repeat_petitioner_counts_one_reporter_in_30_days(city: City) -> None:
    # D1 (P1): contacts on 12-01 (outside the 30 days), 12-20, 01-02, 01-08 -> 3
    # inside: the rule (>= 3) holds. D2 (P2): 12-20 and 01-05 -> 2: it does not.
    city.party("P1").party("P2")
    city.dispute("D1", reported="2025-12-01T09:00:00").involve("D1", "P1")
    city.dispute("D2", reported="2025-12-20T09:00:00").involve("D2", "P2")
    for rid, day in (("R1", "12-01"), ("R2", "12-20"), ("R3", "01-02"), ("R4", "01-08")):
        year = "2025" if day.startswith("12") else "2026"
        city.report(rid, "D1", f"{year}-{day}T10:00:00", reporter="P1")
    city.report("R5", "D2", "2025-12-20T10:00:00", reporter="P2")
    city.report("R6", "D2", "2026-01-05T10:00:00", reporter="P2")
    result = run_analysis(city.store, as_of=AS_OF)
    by_dispute = {c.disputes[0]: c for c in result.clusters}
    assert by_dispute["D1"].metrics["top_reporter_contacts_30d"] == 3
    assert by_dispute["D2"].metrics["top_reporter_contacts_30d"] == 2
    hits = [h for h in result.rule_hits if h.rule_id == "repeat_petitioner"]
    assert [h.subject_id for h in hits] == [by_dispute["D1"].id]
    assert hits[0].explanation_en == "One reporter made 3 contacts in 30 days."
    assert hits[0].explanation_zh == "同一反映人30天内反映3次。"
    assert hits[0].severity is RiskLevel.BLUE and hits[0].version == 1


@pytest.fixture
def agencies(city: City) -> City:
    for aid, kind, level in [
        ("ST", "street_township_government", "township"),
        ("HOU", "housing_construction", "county"),
    ]:
        city.agency(aid, kind, level)
    return city


def test_bounced_twice_is_a_chain_hit(agencies: City) -> None:
    # D3: ST assigned -> HOU returned -> ST assigned -> HOU returned: 2 returns and
    # the agency runs ST, HOU, ST, HOU hold 2 A→B→A moves -> bounces 2, hops 3: a hit.
    # D4: ST assigned -> HOU returned -> ST resolved: 1 return, 1 A→B→A -> bounces 1.
    c = agencies
    for did in ("D3", "D4"):
        c.party(f"P{did}").dispute(did, reported="2026-01-01T09:00:00").involve(did, f"P{did}")
    c.handle("D3", 1, "ST", "assigned", "2026-01-01T09:00:00", "2026-01-02T09:00:00")
    c.handle("D3", 2, "HOU", "returned", "2026-01-02T09:00:00", "2026-01-03T09:00:00")
    c.handle("D3", 3, "ST", "assigned", "2026-01-03T09:00:00", "2026-01-04T09:00:00")
    c.handle("D3", 4, "HOU", "returned", "2026-01-04T09:00:00", "2026-01-05T09:00:00")
    c.handle("D4", 1, "ST", "assigned", "2026-01-01T09:00:00", "2026-01-02T09:00:00")
    c.handle("D4", 2, "HOU", "returned", "2026-01-02T09:00:00", "2026-01-03T09:00:00")
    c.handle("D4", 3, "ST", "resolved", "2026-01-03T09:00:00")
    result = run_analysis(c.store, as_of=AS_OF)
    assert result.chain_metrics["D3"]["bounces"] == 2
    assert result.chain_metrics["D3"]["hops"] == 3
    assert result.chain_metrics["D4"]["bounces"] == 1
    hits = [h for h in result.rule_hits if h.rule_id == "bounced_case"]
    assert [h.subject_id for h in hits] == ["D3"]
    assert hits[0].explanation_en == "Dispute D3 came back 2 times between agencies (3 hand-offs)."
    assert hits[0].cluster_id == result.cluster_of("D3").id  # type: ignore[union-attr]


def _analysis(*clusters: tuple[str, dict[str, float]], chains: Any = None) -> AnalysisResult:
    return AnalysisResult(
        as_of=date(2026, 1, 10),
        window_days=180,
        computed_at=datetime(2026, 1, 10, tzinfo=UTC),
        clusters=[
            ClusterAssessment(
                id=cid,
                score=m.get("score", 0.0),
                level=RiskLevel.NONE,
                size=1,
                people=1,
                disputes=[f"D-{cid}"],
                members=[],
                factors={},
                metrics=m,
            )
            for cid, m in clusters
        ],
        chain_metrics=chains or {},
    )


def _rule(**over: Any) -> Rule:
    base: dict[str, Any] = {
        "id": "r",
        "title_zh": "规则",
        "title_en": "Rule",
        "severity": "yellow",
        "conditions": [{"metric": "people_open", "op": ">=", "value": 10}],
        "explain_zh": "{id}：{people_open}人",
        "explain_en": "{id}: {people_open} people, {amount_open} yuan",
    }
    return Rule.model_validate({**base, **over})


def test_all_any_and_level_clauses() -> None:
    # A: 12 people, level orange (3); B: 9 people, 2 skip-level petitions; C: nothing
    # (every metric 0). all(people >= 10, level >= orange): A. any(people >= 10,
    # skip >= 1): A and B. level < blue: B and C (no level: 0 < 1).
    analysis = _analysis(
        ("A", {"people_open": 12, "level": 3}),
        ("B", {"people_open": 9, "skip_level_petitions": 2}),
        ("C", {}),
    )
    both = _rule(
        conditions=[
            {"metric": "people_open", "op": ">=", "value": 10},
            {"metric": "level", "op": ">=", "value": "orange"},
        ]
    )
    either = _rule(
        id="e",
        when="any",
        conditions=[
            {"metric": "people_open", "op": ">=", "value": 10},
            {"metric": "skip_level_petitions", "op": ">=", "value": 1},
        ],
    )
    low = _rule(id="low", conditions=[{"metric": "level", "op": "<", "value": "blue"}])
    hits = evaluate_rules([both, either, low], analysis)
    got = sorted((h.rule_id, h.subject_id) for h in hits)
    assert got == [("e", "A"), ("e", "B"), ("low", "B"), ("low", "C"), ("r", "A")]
    a_hit = next(h for h in hits if h.rule_id == "r")
    # integral numbers print without ".0"; a metric the cluster lacks is 0
    assert a_hit.explanation_en == "A: 12 people, 0 yuan"
    assert a_hit.explanation_zh == "A：12人"
    assert a_hit.values == {"people_open": 12.0, "level": 3.0, "amount_open": 0.0}


def test_clause_comparisons() -> None:
    m = {"x": 2.0}
    assert Clause(metric="x", op="==", value=2).holds(m)
    assert Clause(metric="x", op="!=", value=3).holds(m)
    assert not Clause(metric="x", op=">", value=2).holds(m)
    assert Clause(metric="x", op="<=", value=2).holds(m)
    assert Clause(metric="missing", op="==", value=0).holds(m)


# -- bad rule files -------------------------------------------------------------------


def _write(tmp_path: Path, text: str, name: str = "rules.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


_GOOD = """\
[[rule]]
id = "big_group"
version = 1
title_zh = "大群体"
title_en = "Big group"
severity = "orange"
conditions = [
  {{ metric = "{metric}", op = ">=", value = 50 }},
]
explain_zh = "{{people_open}}人"
explain_en = "{{people_open}} people"
"""


def test_user_rule_is_added(tmp_path: Path) -> None:
    rules = load_rules(_write(tmp_path, _GOOD.format(metric="people_open")))
    rule = find_rule(rules, "big_group")
    assert rule.severity is RiskLevel.ORANGE and rule.source == "rules.toml:1"
    assert len(rules) == len(load_rules()) + 1


def test_unknown_metric_names_file_line_and_closest(tmp_path: Path) -> None:
    path = _write(tmp_path, "# my rules\n\n" + _GOOD.format(metric="people_opn"))
    with pytest.raises(RuleError) as exc:
        read_rules(path)
    msg = str(exc.value)
    # the clause is on line 10 (two lines before the table, the clause its 8th line)
    assert f"rules file {path}, line 10" in msg
    assert "unknown cluster metric 'people_opn'; did you mean 'people_open'?" in msg


def test_chain_metric_on_a_cluster_rule_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RuleError, match=r"unknown cluster metric 'bounces'"):
        read_rules(_write(tmp_path, _GOOD.format(metric="bounces")))


def test_toml_syntax_error_names_the_line(tmp_path: Path) -> None:
    path = _write(tmp_path, '[[rule]]\nid = "x"\nversion = \n')
    with pytest.raises(RuleError, match=rf"rules file {path}, line 3: not valid TOML"):
        read_rules(path)


def test_unknown_placeholder_and_field(tmp_path: Path) -> None:
    bad = _GOOD.format(metric="people_open").replace("{people_open} people", "{peple} people")
    with pytest.raises(RuleError, match=r"line 11: .*unknown placeholder \{peple\}; did you mean"):
        read_rules(_write(tmp_path, bad))
    extra = _GOOD.format(metric="people_open").replace('severity = "orange"', 'severty = "orange"')
    with pytest.raises(
        RuleError, match=r"line 6: .*unknown field 'severty'; did you mean 'severity'"
    ):
        read_rules(_write(tmp_path, extra, "extra.toml"))


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (('severity = "orange"', 'severity = "none"'), r"line 6: .*severity must be red"),
        (('severity = "orange"', 'severity = "purple"'), r"line 6: .*severity"),
        (('id = "big_group"', 'id = "Big Group"'), r"line 2: .*id"),
        (("value = 50", 'value = "many"'), r"line 8: .*neither a number nor a risk level"),
        (('op = ">="', 'op = "=~"'), r"line 8: .*op"),
    ],
)
def test_bad_values_are_refused_with_the_line(
    tmp_path: Path, change: tuple[str, str], match: str
) -> None:
    text = _GOOD.format(metric="people_open").replace(*change)
    with pytest.raises(RuleError, match=match):
        read_rules(_write(tmp_path, text))


def test_duplicate_and_override_without_version_bump(tmp_path: Path) -> None:
    twice = _GOOD.format(metric="people_open") * 2
    with pytest.raises(RuleError, match=r"line 12: rule 'big_group' is defined twice"):
        read_rules(_write(tmp_path, twice))
    shipped = find_rule(load_rules(), "skip_level_petition")
    same = _GOOD.format(metric="people_open").replace("big_group", "skip_level_petition")
    with pytest.raises(RuleError, match=r"give it version 2 or more"):
        load_rules(_write(tmp_path, same, "same.toml"))
    bumped = load_rules(_write(tmp_path, same.replace("version = 1", "version = 2"), "b.toml"))
    replaced = find_rule(bumped, "skip_level_petition")
    assert replaced.version == 2 and replaced.title_en == "Big group"
    assert len(bumped) == len(load_rules()) and shipped.version == 1


# -- Cypher rules ---------------------------------------------------------------------

_CYPHER_RULE = """\
[[rule]]
id = "many_petitions_at_bureau"
title_zh = "信访局积案"
title_en = "Backlog at a petition bureau"
severity = "blue"
subject = "cluster"
query = "{file}"
explain_zh = "{{subject_id}}：{{n}}件"
explain_en = "{{n}} open petitions"
"""

_HEADER = """\
// name: {name}
// title: Backlog
// description: Open petitions per cluster.
// params: as_of (date) — the analysis date
// returns: subject_id, n
// mode: read
"""


def _cypher(tmp_path: Path, body: str, name: str = "backlog") -> Path:
    (tmp_path / f"{name}.cypher").write_text(_HEADER.format(name=name) + body, encoding="utf-8")
    return _write(tmp_path, _CYPHER_RULE.format(file=f"{name}.cypher"))


_READ = "MATCH (d:Dispute)\nWHERE d.reported_at <= $as_of\nRETURN d.id AS subject_id, 1 AS n\n"


def test_cypher_rule_loads_and_is_skipped_without_neo4j(tmp_path: Path, city: City) -> None:
    rules = load_rules(_cypher(tmp_path, _READ))
    rule = find_rule(rules, "many_petitions_at_bureau")
    assert rule.cypher is not None and rule.returns == ["subject_id", "n"]
    city.party("P1").dispute("D1").involve("D1", "P1")
    result = run_analysis(city.store, as_of=AS_OF, rules=rules)
    assert result.rules_skipped == ["many_petitions_at_bureau@1"]
    assert "many_petitions_at_bureau@1" not in result.rules
    assert not any(h.rule_id == "many_petitions_at_bureau" for h in result.rule_hits)


def test_cypher_rule_rows_become_hits(tmp_path: Path) -> None:
    rule = find_rule(load_rules(_cypher(tmp_path, _READ)), "many_petitions_at_bureau")
    seen: dict[str, Any] = {}

    def read(cypher: Any, params: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
        seen.update(params)
        return ["subject_id", "n"], [["C-1", 4], ["C-2", 7]]

    hits = evaluate_cypher_rules([rule], read, _analysis())
    assert seen == {"as_of": date(2026, 1, 10)}  # only the declared parameter
    assert [(h.subject_id, h.explanation_en) for h in hits] == [
        ("C-1", "4 open petitions"),
        ("C-2", "7 open petitions"),
    ]


@pytest.mark.parametrize(
    ("body", "line", "word"),
    [
        ("MATCH (d:Dispute)\nSET d.flag = true\nRETURN d.id AS subject_id, 1 AS n\n", 8, "SET"),
        ("MATCH (d:Dispute)\nRETURN d.id AS subject_id, 1 AS n\n\nCREATE (x:Foo)\n", 10, "CREATE"),
        ("MATCH (d:Dispute)\nDETACH DELETE d\nRETURN 1 AS subject_id, 1 AS n\n", 8, "DETACH"),
        (
            'CALL db.index.fulltext.queryNodes("x", "y") YIELD node\n'
            "RETURN 1 AS subject_id, 1 AS n",
            7,
            "CALL",
        ),
        ("LOAD CSV FROM 'f' AS row\nRETURN 1 AS subject_id, 1 AS n\n", 7, "LOAD"),
    ],
)
def test_cypher_rule_that_writes_is_refused(
    tmp_path: Path, body: str, line: int, word: str
) -> None:
    with pytest.raises(RuleError) as exc:
        load_rules(_cypher(tmp_path, body))
    msg = str(exc.value)
    assert f"query file {tmp_path / 'backlog.cypher'}, line {line}" in msg
    assert word in msg and "not allowed" in msg


def test_cypher_rule_header_checks(tmp_path: Path) -> None:
    write_mode = _READ
    path = _cypher(tmp_path, write_mode)
    (tmp_path / "backlog.cypher").write_text(
        _HEADER.format(name="backlog").replace("mode: read", "mode: write") + _READ, "utf-8"
    )
    with pytest.raises(RuleError, match=r"must be `mode: read`"):
        load_rules(path)
    (tmp_path / "backlog.cypher").write_text(
        _HEADER.format(name="backlog").replace("as_of (date)", "as_od (date)") + _READ, "utf-8"
    )
    with pytest.raises(
        RuleError, match=r"parameter 'as_od' cannot be filled.*did you mean 'as_of'"
    ):
        load_rules(path)
    inline = _GOOD.format(metric="people_open").replace(
        'severity = "orange"', 'severity = "orange"\ncypher = "MATCH (n) DETACH DELETE n"'
    )
    with pytest.raises(RuleError, match=r"line 7: rule 'big_group': unknown field 'cypher'"):
        load_rules(_write(tmp_path, inline, "inline.toml"))


# -- the planted patterns of a generated city -----------------------------------------


@pytest.fixture(scope="module")
def planted_city(tmp_path_factory: pytest.TempPathFactory) -> tuple[AnalysisResult, Any]:
    root = tmp_path_factory.mktemp("rules_city")
    generate_city(root / "city", scale=400, seed=7)
    planted = json.loads((root / "city" / "_planted.json").read_text("utf-8"))
    store = MemoryStore()
    load_bundle(root / "city", store, Settings(demo=True, workspace=root / "ws"))
    return run_analysis(store), planted


def _hits_of(result: AnalysisResult, pattern: dict[str, Any]) -> set[str]:
    cluster = result.cluster_of(pattern["disputes"][0])
    assert cluster is not None
    subjects = {cluster.id, *pattern["disputes"]}
    return {h.rule_id for h in result.rule_hits if h.subject_id in subjects}


def test_planted_patterns_raise_their_rules(planted_city: tuple[AnalysisResult, Any]) -> None:
    result, planted = planted_city
    assert set(result.rules) == {r.key for r in load_rules()} and not result.rules_skipped
    wage = planted_pattern(planted, "wage_arrears_chain")
    # 28 workers, a skip-level letter to the city, 45 days before the festival
    assert {"skip_level_petition", "skip_level_group", "festival_wage_arrears"} <= _hits_of(
        result, wage
    )
    elevator = planted_pattern(planted, "elevator_building")
    assert "repeat_petitioner" in _hits_of(result, elevator)  # the planted repeat petitioner
    for name in ("wage_arrears_chain", "elevator_building", "land_rent_village"):
        pattern = planted_pattern(planted, name)
        level = result.cluster_of(pattern["disputes"][0]).level  # type: ignore[union-attr]
        assert f"risk_band_{level.value}" in _hits_of(result, pattern), name
    bounced = planted_pattern(planted, "bounced_case")
    bounced_hits = {h.subject_id for h in result.rule_hits if h.rule_id == "bounced_case"}
    assert set(bounced["disputes"]) <= bounced_hits
    stalled = planted_pattern(planted, "stalled_case")
    overdue_hits = {h.subject_id for h in result.rule_hits if h.rule_id == "overdue_handoff"}
    assert set(stalled["disputes"]) <= overdue_hits


def test_benign_hub_raises_no_rule(planted_city: tuple[AnalysisResult, Any]) -> None:
    result, planted = planted_city
    benign = planted_pattern(planted, "benign_property_manager")
    assert _hits_of(result, benign) == set()
