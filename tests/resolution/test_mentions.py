"""Names in dispute texts linked to employers and properties: the store, the projection,
tracing, the review queue and the CLI end to end (tests/data/message-board)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from disputegraph.analytics.clusters import find_clusters
from disputegraph.analytics.projection import project
from disputegraph.analytics.tracing import trace
from disputegraph.cli import app
from disputegraph.ingest.mapping import parse_mapping
from disputegraph.ingest.mapping_spec import MappingError
from disputegraph.resolution.mention_links import mentioned_id
from disputegraph.resolution.mentions import decide_mention, link_mentions, mention_review
from disputegraph.resolution.project_names import project_aliases
from disputegraph.schemas import GraphNode, MentionKind, NodeLabel, RelType
from disputegraph.store import MemoryStore

BOARD = Path(__file__).parents[1] / "data" / "message-board"


def _dispute(did: str, title: str, description: str = "", district: str = "西湖区") -> GraphNode:
    return GraphNode(
        NodeLabel.DISPUTE,
        did,
        {
            "title": title,
            "description": description,
            "category": "wage_arrears",
            "status": "accepted",
            "reported_at": datetime(2026, 1, 10, tzinfo=UTC),
            "channel": "hotline_12345",
            "district": district,
            "extract_fields": ["title", "description"],
        },
    )


@pytest.fixture
def store(tmp_path: Path) -> MemoryStore:
    s = MemoryStore(tmp_path / "graph.snapshot")
    s.upsert_nodes(
        [
            GraphNode(NodeLabel.EMPLOYER, "E-XD", {"name": "鑫达劳务有限公司", "kind": "company"}),
            GraphNode(
                NodeLabel.EMPLOYER,
                "E-LC",
                {"name": "杭州力诚建筑劳务分包有限公司", "kind": "subcontractor"},
            ),
            GraphNode(
                NodeLabel.PROPERTY,
                "PR-B3",
                {"name": "翠苑一区3幢", "kind": "building", "district": "西湖区"},
            ),
            GraphNode(
                NodeLabel.AGENCY, "AG-PET", {"name": "西湖区信访局", "kind": "petition_bureau"}
            ),
            _dispute("D-1", "鑫达劳务欠薪", "鑫达劳务老板跑路了。"),
            _dispute("D-2", "讨薪", "到西湖区信访局反映力诚劳务拖欠工资"),
            _dispute("D-3", "漏水", "翠苑一區３幢２單元頂樓漏水"),
            _dispute("D-4", "外墙脱落", "在水一方大厦2栋外墙瓷砖脱落"),
            _dispute("D-5", "电梯故障", "<p>我家住在水一方大厦5栋。</p>\n\t\t电梯坏了"),
            _dispute("D-6", "电梯故障", "在水一方大厦电梯坏了", district="上城区"),
        ]
    )
    s.flush()
    return s


def _mentions(store: MemoryStore) -> dict[tuple[str, str], dict[str, object]]:
    return {(e.source, e.target): e.props for b in store.iter_edges(RelType.MENTIONS) for e in b}


def test_mentions_link_abbreviations_and_folded_forms_to_known_nodes(store: MemoryStore) -> None:
    counts = link_mentions(store)
    got = _mentions(store)
    assert got[("D-1", "E-XD")]["decision"] == "auto"  # 鑫达劳务 ↔ 鑫达劳务有限公司
    assert got[("D-2", "E-LC")]["rule"] == "known_name"  # 力诚劳务: brand + industry alias
    b3 = got[("D-3", "PR-B3")]  # traditional and full-width
    assert b3["field"] == "description" and b3["sentence"] == 1
    assert b3["text"] == "翠苑一區３幢"
    assert not any(t == "AG-PET" for _, t in got)  # agencies are not linked
    assert counts["linked_known"] >= 3


def test_new_places_are_one_entity_per_name_and_district(store: MemoryStore) -> None:
    link_mentions(store)
    got = _mentions(store)
    compound = mentioned_id(MentionKind.RESIDENTIAL_COMMUNITY, "在水一方大厦", "西湖区")
    assert ("D-4", compound) in got and ("D-5", compound) in got
    other = mentioned_id(MentionKind.RESIDENTIAL_COMMUNITY, "在水一方大厦", "上城区")
    assert ("D-6", other) in got and other != compound
    node = store.get(compound)
    assert node is not None and node.label is NodeLabel.PROPERTY
    assert node.props["mentioned"] is True and node.props["kind"] == "residential_community"


def test_the_projection_joins_disputes_that_mention_the_same_compound(store: MemoryStore) -> None:
    before = project(store, datetime(2026, 1, 31).date())
    apart = {c.id: set(c.disputes) for c in find_clusters(before)}
    assert not any({"D-4", "D-5"} <= d for d in apart.values())
    link_mentions(store)
    proj = project(store, datetime(2026, 1, 31).date())
    together = [set(c.disputes) for c in find_clusters(proj)]
    assert any({"D-4", "D-5"} <= d for d in together)
    assert not any({"D-4", "D-6"} <= d for d in together)  # another district's namesake
    result = trace(store, "D-4", hops=2)
    link = next(x for x in result.linked if x.dispute_id == "D-5")
    assert link.reason_zh == "两条诉求都提到在水一方大厦（留言详情第 1 句）"
    assert link.reason_en == "both mention 在水一方大厦 (message details, sentence 1)"


def test_uncertain_mentions_wait_for_review_and_decisions_apply(store: MemoryStore) -> None:
    store.upsert_nodes(
        [
            GraphNode(NodeLabel.EMPLOYER, "E-HD", {"name": "宏达建设有限公司"}),
            GraphNode(NodeLabel.EMPLOYER, "E-XY1", {"name": "杭州鑫源建筑有限公司"}),
            GraphNode(NodeLabel.EMPLOYER, "E-XY2", {"name": "宁波鑫源建筑有限公司"}),
            _dispute("D-7", "欠薪", "鑫源建筑有限公司拖欠工资"),
            _dispute("D-8", "欠薪", "宏达建设项目部拖欠工资"),
        ]
    )
    link_mentions(store)
    assert _mentions(store)[("D-8", "E-HD")]["rule"] == "org_name"  # its project department
    queue = mention_review(store)
    assert queue, "an ambiguous organisation name should wait for review"
    first = queue[0]
    assert first["dispute"] == "D-7" and first["confidence"] < 0.8
    # awaiting review: no link in the projection yet
    proj = project(store, datetime(2026, 1, 31).date())
    assert first["target"] not in proj.index or all(
        {proj.ids[a], proj.ids[b]} != {"D-7", first["target"]}
        for a, b in zip(proj.src.tolist(), proj.dst.tolist(), strict=True)
    )
    decide_mention(store, first["id"], "accept")
    link_mentions(store)
    assert _mentions(store)[("D-7", first["target"])]["decision"] == "accepted"
    assert all(c["id"] != first["id"] for c in mention_review(store))
    decide_mention(store, first["id"], "reject")
    link_mentions(store)
    props = _mentions(store)[("D-7", first["target"])]
    assert props["decision"] == "rejected"


def test_a_rerun_retires_links_it_no_longer_makes(store: MemoryStore) -> None:
    link_mentions(store)
    compound = mentioned_id(MentionKind.RESIDENTIAL_COMMUNITY, "在水一方大厦", "西湖区")
    store.upsert_nodes([_dispute("D-4", "外墙脱落", "外墙瓷砖脱落")])
    counts = link_mentions(store, ["D-4"])
    assert counts["retired"] >= 1
    assert _mentions(store)[("D-4", compound)]["active"] is False


def test_extract_is_checked_when_the_mapping_is_read() -> None:
    base = {
        "table": "disputes",
        "file": "x.csv",
        "columns": {
            "id": "编号",
            "title": "标题",
            "category": "类别",
            "status": "状态",
            "reported_at": "时间",
            "channel": {"value": "other"},
        },
    }
    ok = parse_mapping({"tables": [{**base, "extract": ["title", "诉求地址"]}]})
    assert ok.extract_fields == ("title", "诉求地址")
    with pytest.raises(MappingError, match="does not map it"):
        parse_mapping({"tables": [{**base, "extract": ["description"]}]})
    with pytest.raises(MappingError, match="not a text column"):
        parse_mapping({"tables": [{**base, "extract": ["status"]}]})
    with pytest.raises(MappingError, match="must be a list"):
        parse_mapping({"tables": [{**base, "extract": [1]}]})


def test_cli_load_with_extract_then_analyze_cluster_and_trace(
    runner: CliRunner, sample_bundle: Path
) -> None:
    assert runner.invoke(app, ["load", str(sample_bundle), "--reset"]).exit_code == 0
    mapping = str(BOARD / "mapping.toml")
    result = runner.invoke(app, ["load", str(BOARD), "--mapping", mapping, "--format", "json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["extract_fields"] == ["title", "description", "诉求地址"]
    assert payload["mentions"]["disputes"] == 7 and payload["mentions"]["linked_known"] >= 3
    assert runner.invoke(app, ["analyze"]).exit_code == 0
    result = runner.invoke(app, ["cluster", "MB-1001", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert {"MB-1001", "MB-1002"} <= set(json.loads(result.stdout)["disputes"])
    # the message about 翠苑一區３幢 joins the sample's disputes about that building
    result = runner.invoke(app, ["cluster", "MB-1006", "--format", "json"])
    assert "D-003" in json.loads(result.stdout)["disputes"]
    result = runner.invoke(app, ["trace", "MB-1005", "--format", "json"])
    linked = {x["dispute_id"]: x for x in json.loads(result.stdout)["linked"]}
    assert linked["MB-1004"]["reason_zh"].startswith("两条诉求都提到鑫达劳务有限公司")
    result = runner.invoke(app, ["resolve", "mention-review", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert "total" in json.loads(result.stdout)
    # loading again changes nothing
    again = runner.invoke(app, ["load", str(BOARD), "--mapping", mapping, "--format", "json"])
    assert json.loads(again.stdout)["mentions"]["retired"] == 0


def test_building_numbers_as_written_and_names_typed_by_ear_link_to_the_register(
    tmp_path: Path,
) -> None:
    s = MemoryStore(tmp_path / "g.snapshot")
    s.upsert_nodes(
        [
            GraphNode(
                NodeLabel.PROPERTY, "PR-C", {"name": "丹桂苑小区", "kind": "residential_community"}
            ),
            GraphNode(NodeLabel.PROPERTY, "PR-3", {"name": "丹桂苑3幢", "kind": "building"}),
            GraphNode(
                NodeLabel.EMPLOYER, "E-Y", {"name": "江西源厦电子商务有限公司", "kind": "company"}
            ),
            _dispute("D-1", "丹桂苑3栋电梯坏了"),
            _dispute("D-2", "丹桂苑小区3号楼漏水"),
            # 元 for 源, typed by ear (yuan); 元 here is no currency word ending a name
            _dispute("D-3", "元厦电子商务有限公司拖欠货款"),
        ]
    )
    s.flush()
    link_mentions(s)
    got = _mentions(s)
    # 3栋 and 3号楼 (after 丹桂苑 or 丹桂苑小区) are the register's 3幢
    assert got[("D-1", "PR-3")]["rule"] == "place_name"
    assert got[("D-2", "PR-3")]["decision"] == "auto"
    assert got[("D-1", "PR-C")]["rule"] == "known_name"  # 丹桂苑: the compound without 小区
    sound = got[("D-3", "E-Y")]
    assert sound["rule"] == "org_sound" and sound["decision"] == "auto"


def test_a_project_without_its_street_links_and_a_bare_brand_waits_for_review(
    tmp_path: Path,
) -> None:
    s = MemoryStore(tmp_path / "g.snapshot")
    s.upsert_nodes(
        [
            GraphNode(
                NodeLabel.PROPERTY,
                "PR-P",
                {
                    "name": "长河人才公寓二期工程",
                    "kind": "construction_project",
                    "street": "长河街道",
                },
            ),
            GraphNode(
                NodeLabel.EMPLOYER,
                "E-XY",
                {"name": "临江鑫源建筑安装工程有限公司", "kind": "subcontractor"},
            ),
            _dispute("D-1", "农民工代表越级致信市信访局反映人才公寓二期项目欠薪"),
            _dispute("D-2", "长河人才公寓二期工地农民工聚集讨薪"),
            _dispute("D-3", "9名农民工到区信访局反映鑫源公司拖欠劳务费"),
        ]
    )
    s.flush()
    link_mentions(s)
    got = _mentions(s)
    assert got[("D-1", "PR-P")]["decision"] == "auto"  # 长河 is its street, 项目 its 工程
    assert got[("D-2", "PR-P")]["decision"] == "auto"
    brand = got[("D-3", "E-XY")]  # 鑫源 alone: the one employer of that brand, for review
    assert brand["rule"] == "org_abbrev" and brand["decision"] == "review"
    assert not any(t.startswith("MX-") for d, t in got if d == "D-3")


def test_project_aliases_keep_a_leading_namesake_of_a_division_and_drop_the_street() -> None:
    # 五常 is also 五常市 of the adcode table: the name as registered stays an alias
    aliases = project_aliases("五常人才公寓二期工程", "五常街道")
    assert aliases[:3] == ["五常人才公寓二期项目", "五常人才公寓二期工程", "五常人才公寓二期工地"]
    assert "人才公寓二期项目" in aliases and "五常项目" in aliases
    assert "人才项目" not in aliases  # two characters of a shortened name name nothing
    assert project_aliases("云栖商务中心工程项目") == [
        "云栖商务中心项目",
        "云栖商务中心工程",
        "云栖商务中心工地",
        "云栖项目",
    ]


@pytest.mark.parametrize(
    ("description", "linked"),
    [
        ("", set()),
        ("\n\t\t", set()),
        ("&nbsp;&nbsp;<br/>", set()),
        ("<p>鑫达劳务</p>\n\t\t拖欠工资&nbsp;<br>", {"E-XD"}),
        ("鑫达<br>劳务拖欠工资", set()),  # a tag between two halves joins nothing
        (
            "Green Valley花园 B座 and 鑫达劳务Co.拖欠 error 500",
            {"E-XD", mentioned_id(MentionKind.RESIDENTIAL_COMMUNITY, "greenvalley花园", "西湖区")},
        ),
        ("翠苑一區３幢<br/>漏水，ＡＰＰ报错", {"PR-B3"}),
        ("鑫达劳务拖欠工资。" + "情况属实，恳请尽快处理。" * 9_000, {"E-XD"}),  # 100 kB
    ],
)
def test_bad_input_links_what_it_names_and_nothing_else(
    store: MemoryStore, description: str, linked: set[str]
) -> None:
    store.upsert_nodes([_dispute("D-9", "", description)])
    store.flush()
    counts = link_mentions(store, ["D-9"])
    assert counts["disputes"] == 1
    got = {t for d, t in _mentions(store) if d == "D-9"}
    assert got == linked
    for (d, _), props in _mentions(store).items():
        if d == "D-9":  # the span indexes the text as stored
            assert description[int(props["start"]) : int(props["end"])] == props["text"]
