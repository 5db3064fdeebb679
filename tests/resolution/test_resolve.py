"""Entity resolution: rules, blocking, decisions, the store round trip, the multi-source city."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from disputegraph.config import Settings
from disputegraph.exceptions import LoadError
from disputegraph.resolution import (
    DECISIONS_KIND,
    Record,
    candidate_id,
    canonical_id,
    canonical_map,
    decide,
    explain,
    matter_contexts,
    resolve,
    review_queue,
    run_resolution,
)
from disputegraph.resolution.text import name_similarity, org_key, person_key, pinyin_key
from disputegraph.schemas import GraphEdge, GraphNode, NodeLabel, RelType
from disputegraph.store import MemoryStore
from disputegraph.store.protocol import GraphStore
from disputegraph.synthetic import generate_city
from disputegraph.synthetic.evaluate import records_from_exports, score
from disputegraph.synthetic.multisource import load_split, split_sources
from shared_helpers import empty_store, planted_pattern


def P(rid: str, name: str, **kw: Any) -> Record:
    return Record(rid, "person", name, **kw)


def O(rid: str, name: str, **kw: Any) -> Record:  # noqa: E743
    return Record(rid, "organization", name, label="Employer", **kw)


# ---------------------------------------------------------------------------
# text


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("杭州華東建築（集團）有限公司", "华东建筑(杭州)有限责任公司"),
        ("杭州市华东建筑有限公司", "杭州华东建筑"),
        ("浙江宏达建设集团有限公司", "浙江宏達建設集團"),
        ("ＡＢＣ建筑有限公司", "abc建筑公司"),
    ],
)
def test_organisation_names_fold_to_one_key(a: str, b: str) -> None:
    assert org_key(a) == org_key(b)


def test_different_organisations_keep_different_keys() -> None:
    assert org_key("杭州华东建筑有限公司") != org_key("杭州华东建材有限公司")
    assert org_key("杭州力诚建筑劳务分包有限公司") != org_key("杭州力诚建筑有限公司")


def test_person_names_fold_width_spaces_and_traditional() -> None:
    assert person_key("張　偉") == person_key("张伟") == "张伟"
    assert pinyin_key("张玮") == pinyin_key("張偉") == "zhang wei"
    assert name_similarity("王小明", "王晓明")[0] == 0.95
    assert name_similarity("张伟", "張偉")[0] == 1.0
    assert name_similarity("李娜", "李梅")[0] < 0.6


# ---------------------------------------------------------------------------
# rules


def _only(records: list[Record], **kw: Any) -> Any:
    res = resolve(records, **kw)
    assert len(res.links) == 1, res.links
    return res, res.links[0]


def test_same_id_number_merges_automatically_whatever_the_name() -> None:
    res, link = _only([P("A", "张伟", id_number_hash="h"), P("B", "章维", id_number_hash="h")])
    assert (link.rule, link.decision, link.confidence) == ("id_number", "auto", 1.0)
    assert res.canonical == {"A": canonical_id(["A", "B"]), "B": canonical_id(["A", "B"])}


def test_same_credit_code_merges_organisations() -> None:
    _, link = _only(
        [
            O("E1", "宏达建设", credit_code="91330000143052811Q"),
            O("E2", "浙江宏达建设集团有限公司", credit_code="91330000143052811q"),
        ]
    )
    assert (link.rule, link.decision) == ("credit_code", "auto")
    assert "same credit code 91330000143052811Q" in link.evidence


def test_phone_and_a_similar_name_merge_but_a_different_name_waits() -> None:
    _, same = _only([P("A", "陈建军", phone_hash="p"), P("B", "陳建君", phone_hash="p")])
    assert (same.rule, same.decision) == ("phone_name", "auto")  # same pinyin
    _, typo = _only([P("A", "丁家谢", phone_hash="p"), P("B", "丁家雨", phone_hash="p")])
    assert (typo.rule, typo.decision) == ("phone_name", "review")
    res = resolve([P("A", "王秀英", phone_hash="p"), P("B", "李强", phone_hash="p")])
    assert res.links == []  # a household's shared phone is not a person


def test_conflicting_id_numbers_veto_every_other_evidence() -> None:
    res = resolve(
        [
            P("A", "张伟", id_number_hash="h1", phone_hash="p", district="西湖区"),
            P("B", "张伟", id_number_hash="h2", phone_hash="p", district="西湖区"),
        ]
    )
    assert res.links == [] and res.entities == []


def test_normalised_organisation_name_merges_and_conflicting_codes_veto() -> None:
    _, link = _only(
        [O("E1", "杭州華東建築（集團）有限公司"), O("E2", "华东建筑(杭州)有限责任公司")]
    )
    assert (link.rule, link.decision) == ("org_name", "auto")
    res = resolve(
        [
            O("E1", "华东建筑有限公司", credit_code="91330106MA2H3K7L5X"),
            O("E2", "华东建筑公司", credit_code="91330106MA27WQ1R3B"),
        ]
    )
    assert res.links == []


def test_names_alone_are_candidates_only() -> None:
    _, link = _only([P("A", "张伟", district="西湖区"), P("B", "張偉", district="西湖区")])
    assert (link.rule, link.decision) == ("person_name", "review")
    assert (
        resolve([P("A", "张伟", district="西湖区"), P("B", "张伟", district="上城区")]).links == []
    )


def test_same_name_in_one_matter_merges_but_not_two_people_of_one_dispute() -> None:
    ctx = matter_contexts([("A", "D1"), ("B", "HL-D1"), ("C", "D1")], [("HL-D1", "D1")])
    assert ctx["B"] == (("D1",), ("HL-D1",))
    a = P("A", "刘洋", context=ctx["A"][0], disputes=ctx["A"][1])
    b = P("B", "刘 洋", context=ctx["B"][0], disputes=ctx["B"][1])
    c = P("C", "刘洋", context=ctx["C"][0], disputes=ctx["C"][1])  # listed with A in D1
    res = resolve([a, b, c])
    rules = {(lk.a, lk.b): (lk.rule, lk.decision) for lk in res.links}
    assert rules[("A", "B")] == ("name_context", "auto")
    assert rules[("B", "C")] == ("name_context", "auto")
    assert ("A", "C") not in rules or rules[("A", "C")][0] != "name_context"


# ---------------------------------------------------------------------------
# blocking keeps the work linear


def _crowd(n: int, seed: int) -> list[Record]:
    rng = random.Random(seed)
    surnames = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"
    given = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红"
    districts = [f"区{i}" for i in range(12)]
    return [
        P(
            f"R{i}",
            rng.choice(surnames) + rng.choice(given) + rng.choice(given),
            phone_hash=f"p{rng.randrange(n * 5)}",
            id_number_hash=f"h{rng.randrange(n * 5)}" if rng.random() < 0.5 else None,
            district=rng.choice(districts),
        )
        for i in range(n)
    ]


def test_candidate_generation_is_not_quadratic() -> None:
    small = resolve(_crowd(1_000, 1)).stats["compared"]
    large = resolve(_crowd(10_000, 1)).stats["compared"]
    assert large < 20 * small  # 10× the records: well under 100× the comparisons
    assert large < 10_000 * 5


def test_oversized_name_blocks_are_skipped_and_counted() -> None:
    many = [P(f"R{i}", "张伟", district="西湖区") for i in range(100)]
    res = resolve(many)
    assert res.stats["skipped_blocks_pinyin"] == 1
    assert res.stats["skipped_records"] == 100
    assert res.links == []


# ---------------------------------------------------------------------------
# decisions


def test_accept_merges_and_reject_is_a_cannot_link() -> None:
    a = P("A", "张伟", district="西湖区")
    b = P("B", "張偉", district="西湖区")
    assert resolve([a, b]).entities == []
    assert resolve([a, b], {candidate_id("A", "B"): "accept"}).entities[0].members == ("A", "B")
    # A–B by id number, B–C by phone; rejecting A–C keeps C out of A's entity
    recs = [
        P("A", "张伟", id_number_hash="h"),
        P("B", "张伟", id_number_hash="h", phone_hash="p"),
        P("C", "张伟", phone_hash="p"),
    ]
    assert [e.members for e in resolve(recs).entities] == [("A", "B", "C")]
    no_rule = candidate_id("A", "C")  # no rule links A and C directly
    split = resolve(recs, {no_rule: "reject"}, pairs={no_rule: ("A", "C")})
    assert [e.members for e in split.entities] == [("A", "B")]
    assert split.stats["blocked_by_rejection"] == 1


# ---------------------------------------------------------------------------
# the store round trip


def _party(pid: str, name: str, **props: Any) -> GraphNode:
    return GraphNode(NodeLabel.PARTY, pid, {"kind": "person", "name": name, **props})


def _seed_store(store: GraphStore) -> None:
    store.upsert_nodes(
        [
            _party("HL-1", "张伟", phone_hash="p1", phone_masked="138****5678", tags=["elderly"]),
            _party("WG-1", "張偉", phone_hash="p1", id_number_hash="h1", district="西湖区"),
            _party("XF-1", "张伟", id_number_hash="h1", tags=["migrant_worker"]),
            _party("HL-2", "李强", district="西湖区"),
            _party("WG-2", "李 强", district="西湖区"),
            GraphNode(
                NodeLabel.EMPLOYER, "E-1", {"name": "杭州华东建筑有限公司", "kind": "company"}
            ),
            GraphNode(NodeLabel.EMPLOYER, "HL-E1", {"name": "華東建築(杭州)有限責任公司"}),
            GraphNode(NodeLabel.DISPUTE, "D-1", {"title": "欠薪", "status": "accepted"}),
        ]
    )
    store.upsert_edges(
        [
            GraphEdge(RelType.PARTY_TO, "HL-1", "D-1", "applicant", {"role": "applicant"}),
            GraphEdge(RelType.PARTY_TO, "HL-E1", "D-1", "respondent", {"role": "respondent"}),
        ]
    )


def test_run_writes_canonical_entities_and_same_as_edges(tmp_path: Path) -> None:
    store = MemoryStore()
    _seed_store(store)
    res = run_resolution(store, journal=tmp_path / "journal.jsonl")
    person = canonical_id(["HL-1", "WG-1", "XF-1"])
    company = canonical_id(["E-1", "HL-E1"])
    assert canonical_map(store) == {
        "HL-1": person,
        "WG-1": person,
        "XF-1": person,
        "E-1": company,
        "HL-E1": company,
    }
    node = store.get(person)
    assert node is not None and node.label is NodeLabel.PARTY
    assert node.props["canonical"] is True and node.props["members"] == 3
    assert node.props["tags"] == ["elderly", "migrant_worker"]
    assert node.props["phone_masked"] == "138****5678"
    assert store.get(company) is not None and store.get(company).label is NodeLabel.EMPLOYER  # type: ignore[union-attr]
    why = explain(store, "HL-1")
    assert why["entity"] == person
    rules = {m["id"]: m["rule"] for m in why["members"]}
    assert rules == {"HL-1": "phone_name", "WG-1": "id_number", "XF-1": "id_number"}
    assert any("same phone hash" in e for e in why["members"][0]["evidence"])
    # the 李强 pair is a candidate only
    assert [(c["a"], c["b"], c["rule"]) for c in review_queue(store)] == [
        ("HL-2", "WG-2", "person_name")
    ]
    assert len(res.review) == 1
    # canonical nodes are not records: a second run finds the same entities
    again = run_resolution(store, journal=tmp_path / "journal.jsonl")
    assert [e.id for e in again.entities] == [e.id for e in res.entities]


def test_decisions_apply_and_survive_a_reset_reload(tmp_path: Path) -> None:
    journal = tmp_path / "journal.jsonl"
    store = MemoryStore(tmp_path / "graph.snapshot")
    _seed_store(store)
    run_resolution(store, journal=journal)
    cand = review_queue(store)[0]["id"]
    decide(store, cand, "accept", journal=journal, note="same man, phoned him")
    run_resolution(store, journal=journal)
    pair = canonical_id(["HL-2", "WG-2"])
    assert canonical_map(store)["WG-2"] == pair
    assert review_queue(store) == []
    # reject an automatic merge: the phone link between HL-1 and WG-1
    decide(store, candidate_id("HL-1", "WG-1"), "reject", journal=journal)
    run_resolution(store, journal=journal)
    mapping = canonical_map(store)
    assert "HL-1" not in mapping and mapping["WG-1"] == canonical_id(["WG-1", "XF-1"])
    retired = [e for b in store.iter_edges(RelType.SAME_AS) for e in b if not e.props["active"]]
    assert {e.source for e in retired} >= {"HL-1"}
    # load --reset empties the store; the journal brings the decisions back
    store.clear()
    _seed_store(store)
    assert store.list_documents(DECISIONS_KIND) == []
    run_resolution(store, journal=journal)
    assert len(store.list_documents(DECISIONS_KIND)) == 2
    mapping = canonical_map(store)
    assert mapping["WG-2"] == pair and "HL-1" not in mapping
    # and a plain reload of the snapshot keeps them too
    store.flush()
    reopened = MemoryStore(tmp_path / "graph.snapshot")
    assert canonical_map(reopened) == mapping


def test_unknown_candidate_and_entity_are_clear_errors() -> None:
    store = MemoryStore()
    with pytest.raises(LoadError, match="run `disputegraph resolve run` first"):
        review_queue(store)
    _seed_store(store)
    run_resolution(store)
    with pytest.raises(LoadError, match="unknown candidate 'RV-nope'"):
        decide(store, "RV-nope", "accept")
    with pytest.raises(LoadError, match="unknown entity 'X-9'"):
        explain(store, "X-9")
    assert explain(store, "D-1")["members"] == []


# ---------------------------------------------------------------------------
# the multi-source city


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    base = tmp_path_factory.mktemp("city")
    generate_city(base / "plain", scale=1000, seed=7)
    truth = split_sources(base / "plain", base / "sources", sources=3, seed=7)
    return base / "sources", truth


def _measure(out: Path, truth: dict[str, Any]) -> dict[str, Any]:
    records = records_from_exports(out, b"test-key", truth["load_order"])
    return score(resolve(records), truth["identities"])


def test_split_city_has_own_ids_headers_and_truth(city: tuple[Path, dict[str, Any]]) -> None:
    out, truth = city
    assert [e["folder"] for e in truth["load_order"]] == [
        "0-registry",
        "1-hotline",
        "2-grid",
        "3-petition",
    ]
    header = (out / "1-hotline" / "当事人.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("人员编号,人员性质,姓名")
    assert (out / "2-grid" / "DISPUTES.csv").exists()
    ids = [r for recs in truth["identities"].values() for r in recs]
    assert len(ids) == len(set(ids))
    assert any(r.startswith("HL-P") for r in ids) and any(r.startswith("WG-E") for r in ids)
    saved = json.loads((out / "_planted.json").read_text(encoding="utf-8"))
    assert saved["identities"] == truth["identities"]


def test_resolution_meets_precision_and_recall(city: tuple[Path, dict[str, Any]]) -> None:
    out, truth = city
    measured = _measure(out, truth)
    assert measured["precision"] >= 0.99
    assert measured["recall"] >= 0.95
    assert measured["wrong_auto_links"] == 0
    for rule in ("id_number", "credit_code", "phone_name", "org_name", "name_context"):
        assert measured["rules"][rule]["auto"] > 0, rule
        assert measured["rules"][rule]["auto_precision"] == 1.0, rule


@pytest.mark.slow
@pytest.mark.parametrize(("seed", "sources"), [(11, 4), (23, 2), (101, 3)])
def test_automatic_merges_are_never_wrong_on_other_seeds(
    tmp_path: Path, seed: int, sources: int
) -> None:
    generate_city(tmp_path / "plain", scale=1500, seed=seed)
    truth = split_sources(tmp_path / "plain", tmp_path / "src", sources=sources, seed=seed)
    measured = _measure(tmp_path / "src", truth)
    assert measured["wrong_auto_links"] == 0
    assert measured["precision"] >= 0.99 and measured["recall"] >= 0.95


@pytest.mark.slow
def test_store_resolution_equals_the_pure_one(
    city: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    out, truth = city
    store = MemoryStore()
    results = load_split(out, store, Settings(demo=True, workspace=tmp_path / "ws"))
    assert all(r.rejected == 0 for r in results)
    from_store = run_resolution(store)
    records = records_from_exports(out, Settings(demo=True).pii_key_bytes(), truth["load_order"])
    pure = resolve(records)
    assert from_store.canonical == pure.canonical
    assert score(from_store, truth["identities"])["wrong_auto_links"] == 0


# ---------------------------------------------------------------------------
# both stores give the same result


EXAMPLES = Path(__file__).parents[2] / "examples"


@pytest.fixture(params=["memory", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def any_store(request: pytest.FixtureRequest) -> Any:
    yield from empty_store(request, batch_size=7)


def _load_examples(store: GraphStore, tmp_path: Path) -> None:
    from disputegraph.ingest.load import load_bundle
    from disputegraph.ingest.mapping import convert, load_mapping

    settings = Settings(demo=True, workspace=tmp_path / "ws")
    for name in ("hotline-12345", "grid-platform"):
        folder = EXAMPLES / name
        plain = tmp_path / name
        convert(folder, load_mapping(folder / "mapping.toml"), plain)
        load_bundle(plain, store, settings, strict=True)


def test_examples_resolve_the_same_on_every_store(any_store: GraphStore, tmp_path: Path) -> None:
    _load_examples(any_store, tmp_path)
    res = run_resolution(any_store, journal=tmp_path / "j.jsonl")
    reference = MemoryStore()
    _load_examples(reference, tmp_path / "ref")
    expected = run_resolution(reference)
    assert canonical_map(any_store) == canonical_map(reference) == res.canonical
    assert res.canonical == expected.canonical
    # the callers of the hotline and the people of the grid platform
    zhang = res.canonical["HL-P-GD20260112001"]
    assert res.canonical["WG-R-0001"] == zhang  # 张伟 / 張偉: same phone, same name
    assert res.canonical["HL-P-GD20260122021"] == res.canonical["WG-R-0003"]  # 陈建军 / 陈建君
    lc = res.canonical["HL-E-杭州力诚建筑劳务分包有限公司"]
    assert res.canonical["HL-E-杭州力誠建築勞務分包有限公司"] == lc
    assert res.canonical["WG-R-0005"] == lc  # 力诚建筑劳务分包(杭州)有限责任公司
    assert explain(any_store, zhang) == explain(reference, zhang)
    node = any_store.get(zhang)
    assert node is not None and node.props["members"] == 2
    decide(
        any_store,
        candidate_id("HL-P-GD20260112001", "WG-R-0001"),
        "reject",
        journal=tmp_path / "j.jsonl",
    )
    run_resolution(any_store, journal=tmp_path / "j.jsonl")
    assert "WG-R-0001" not in canonical_map(any_store)


def test_tracing_a_resolved_person_reaches_every_source(tmp_path: Path) -> None:
    from disputegraph.analytics.tracing import trace
    from disputegraph.views.resolution import trace_resolved

    store = MemoryStore()
    _load_examples(store, tmp_path)
    alone = {link.dispute_id for link in trace(store, "HL-P-GD20260112001", 1).linked}
    assert alone == {"HL-GD20260112001"}
    run_resolution(store)
    found = trace_resolved(store, "HL-P-GD20260112001", 1)
    assert {d["dispute_id"] for d in found["linked"]} == {"HL-GD20260112001", "WG-2026-0001"}
    via = {d["dispute_id"]: d["via"] for d in found["linked"]}
    assert via["WG-2026-0001"] == "WG-R-0001"
    assert [m["id"] for m in found["members"]] == ["HL-P-GD20260112001", "WG-R-0001"]
    assert found["members"][1]["rule"] == "phone_name"


def test_resolve_commands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from disputegraph.cli import app

    ws = tmp_path / "ws"
    monkeypatch.setenv("DISPUTEGRAPH_WORKSPACE", str(ws))
    monkeypatch.setenv("DISPUTEGRAPH_DEMO", "1")
    monkeypatch.setenv("DISPUTEGRAPH_STORE", "memory")
    store = MemoryStore.in_workspace(ws)
    _load_examples(store, tmp_path)
    store.flush()
    runner = CliRunner()

    def run(*args: str) -> Any:
        result = runner.invoke(app, list(args))
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout) if "json" in args else result.stdout

    summary = run("resolve", "run", "--format", "json")
    assert summary["entities"] == 7 and summary["rules"]["phone_name"]["auto"] >= 3
    review = run("resolve", "review", "--format", "json")
    assert review["total"] == len(review["candidates"]) >= 1
    first = review["candidates"][0]
    decided = run(
        "resolve", "reject", first["id"], "--note", "different people", "--format", "json"
    )
    assert decided["decision"]["decision"] == "reject" and decided["applied"] is True
    assert (ws / "resolution-decisions.jsonl").exists()
    again = run("resolve", "review", "--format", "json")
    assert first["id"] not in {c["id"] for c in again["candidates"]}
    shown = run("resolve", "show", "WG-R-0001", "--format", "json")
    assert {m["id"] for m in shown["members"]} == {"HL-P-GD20260112001", "WG-R-0001"}
    traced = run("resolve", "trace", "WG-R-0001", "--hops", "1", "--format", "json")
    assert {d["dispute_id"] for d in traced["linked"]} == {"HL-GD20260112001", "WG-2026-0001"}
    bad = runner.invoke(app, ["resolve", "accept", "RV-unknown"])
    assert bad.exit_code == 2 and "unknown candidate" in bad.output


# ---------------------------------------------------------------------------
# normalisation properties

_CORE = st.text(alphabet="华东宏达建设力诚劳务远永物业服务锦天机械制造汽车", min_size=2, max_size=8)
_S2T = __import__("opencc").OpenCC("s2t")


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@given(
    core=_CORE,
    suffix=st.sampled_from(
        ["有限公司", "有限责任公司", "股份有限公司", "集团有限公司", "(集团)有限公司", "公司", ""]
    ),
)
def test_org_key_ignores_legal_form_script_and_width(core: str, suffix: str) -> None:
    plain = org_key(f"杭州{core}有限公司")
    assert org_key(f"杭州{core}{suffix}") == plain
    assert org_key(_S2T.convert(f"杭州{core}{suffix}")) == plain
    assert org_key(f"{core}(杭州){suffix}") == plain
    assert org_key(_full_width(f"杭州{core}{suffix}")) == plain


@given(
    name=st.text(
        alphabet="张王李赵陈刘杨黄伟芳娜敏静丽强磊军洋勇艳杰涛明华", min_size=2, max_size=4
    )
)
def test_person_names_match_themselves_in_any_spelling(name: str) -> None:
    assert name_similarity(name, _S2T.convert(name))[0] == 1.0
    assert name_similarity(name, name[0] + "\u3000" + name[1:])[0] == 1.0
    assert pinyin_key(name) == pinyin_key(_S2T.convert(name))


def test_generate_sources_then_load_and_resolve_from_the_cli(
    tmp_path: Path, runner: CliRunner
) -> None:
    from disputegraph.cli import app

    out = tmp_path / "city"
    made = runner.invoke(app, ["generate", str(out), "--scale", "400", "--sources", "2"])
    assert made.exit_code == 0, made.output
    truth = json.loads((out / "_planted.json").read_text(encoding="utf-8"))
    assert [e["folder"] for e in truth["load_order"]] == ["0-registry", "1-hotline", "2-grid"]
    assert truth["identities"] and not (out / "_plain").exists()
    for entry in truth["load_order"]:
        args = ["load", str(out / entry["folder"]), "--strict"]
        if entry["mapping"]:
            args += ["--mapping", str(out / entry["folder"] / entry["mapping"])]
        loaded = runner.invoke(app, args)
        assert loaded.exit_code == 0, loaded.output
    resolved = runner.invoke(app, ["resolve", "run", "--format", "json"])
    assert resolved.exit_code == 0, resolved.output
    assert json.loads(resolved.stdout)["entities"] > 0
    bad = runner.invoke(app, ["generate", str(tmp_path / "x"), "--sources", "2", "-f", "xlsx"])
    assert bad.exit_code == 2


# ---------------------------------------------------------------------------
# analytics run on resolved entities


@pytest.mark.slow
def test_cross_source_cluster_is_found_by_risk_only_after_resolution(
    city: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    from disputegraph.analytics import run_analysis
    from disputegraph.schemas import RiskLevel

    out, truth = city
    hidden = planted_pattern(truth, "cross_source_wage_cluster")
    planted = set(hidden["disputes"])
    store = MemoryStore()
    load_split(out, store, Settings(demo=True, workspace=tmp_path / "ws"))

    before = run_analysis(store)
    touching = [c for c in before.clusters if planted & set(c.disputes)]
    assert len(touching) == len(planted)  # each dispute alone: people only shared across sources
    assert all(len(planted & set(c.disputes)) == 1 for c in touching)
    assert all(c.level is RiskLevel.NONE for c in touching)
    assert all(c.people < 5 for c in touching)

    run_resolution(store)
    after = run_analysis(store)
    found = [c for c in after.clusters if planted & set(c.disputes)]
    assert len(found) == 1
    cluster = found[0]
    assert planted <= set(cluster.disputes)
    assert cluster.level is not RiskLevel.NONE
    assert cluster.people >= len(hidden["members"]) - 1  # the workers, now one person each
    canon = canonical_map(store)
    workers = {canon.get(r, r) for w in hidden["members"] for r in hidden["records"][w]}
    assert workers <= set(cluster.members)
    # the patterns planted in the plain city are still found after resolution
    top = {d for c in after.clusters[:6] for d in c.disputes}
    for pattern in truth["patterns"]:
        if pattern["expect"] == "top3":
            assert set(pattern["disputes"]) & top, pattern["name"]
