"""Names in dispute texts: hand-labelled examples per kind, and bad input."""

from __future__ import annotations

import pytest

from disputegraph.ingest.extract import (
    MAX_CHARS,
    Gazetteer,
    GazetteerEntry,
    clean,
    extract,
    extract_text,
    generic_org,
    strip_place,
)
from disputegraph.schemas import MentionKind

K = MentionKind

#: (text, the names a careful reader marks, by kind). Written by hand from the
#: kinds of message a 12345 hotline, a petition office and a message board receive.
LABELLED: list[tuple[str, set[tuple[MentionKind, str]]]] = [
    ("反映鑫达劳务拖欠工资", {(K.ORGANIZATION, "鑫达劳务")}),
    ("王建国劳务班组拖欠23名农民工工资", {(K.ORGANIZATION, "王建国劳务班组")}),
    ("8名木工到区信访局反映力诚劳务拖欠工资", {(K.ORGANIZATION, "力诚劳务")}),
    (
        "我在杭州力诚建筑劳务分包有限公司承建的云栖商务中心工程项目干活",
        {
            (K.ORGANIZATION, "杭州力诚建筑劳务分包有限公司"),
            (K.CONSTRUCTION_PROJECT, "云栖商务中心工程项目"),
        },
    ),
    ("双浦绿源农业专业合作社未付土地流转费", {(K.ORGANIZATION, "双浦绿源农业专业合作社")}),
    ("宏达建设项目部不给结算", {(K.ORGANIZATION, "宏达建设项目部")}),
    ("新沙村村委会不公开账目", {(K.ORGANIZATION, "新沙村村委会")}),
    ("幸福花园小区物业公司乱收停车费", {(K.RESIDENTIAL_COMMUNITY, "幸福花园小区")}),
    (
        "在水一方大厦2栋外墙瓷砖脱落",
        {(K.RESIDENTIAL_COMMUNITY, "在水一方大厦"), (K.BUILDING, "在水一方大厦2栋")},
    ),
    (
        "我家住在水一方大厦5栋，电梯坏了",
        {(K.RESIDENTIAL_COMMUNITY, "在水一方大厦"), (K.BUILDING, "在水一方大厦5栋")},
    ),
    (
        "翠苑一区3幢2单元501室楼上漏水",
        {(K.RESIDENTIAL_COMMUNITY, "翠苑一区"), (K.BUILDING, "翠苑一区3幢")},
    ),
    ("阳光家园业主反对加装电梯", {(K.RESIDENTIAL_COMMUNITY, "阳光家园")}),
    ("金地公寓楼道堆放杂物", {(K.RESIDENTIAL_COMMUNITY, "金地公寓")}),
    (
        "和平小区3号楼噪音扰民",
        {(K.RESIDENTIAL_COMMUNITY, "和平小区"), (K.BUILDING, "和平小区3号楼")},
    ),
    (
        "浙江省杭州市西湖区留下街道屏峰村3组村民反映宅基地纠纷",
        {
            (K.DIVISION, "浙江省"),
            (K.DIVISION, "杭州市"),
            (K.DIVISION, "西湖区"),
            (K.DIVISION, "留下街道"),
            (K.VILLAGE, "屏峰村"),
            (K.VILLAGE_GROUP, "屏峰村3组"),
        },
    ),
    ("同心村二组土地流转款未付", {(K.VILLAGE, "同心村"), (K.VILLAGE_GROUP, "同心村二组")}),
    ("转塘镇上泗村征地补偿不到位", {(K.DIVISION, "转塘镇"), (K.VILLAGE, "上泗村")}),
    ("地铁五号线工程施工噪音", {(K.CONSTRUCTION_PROJECT, "地铁五号线工程")}),
    (
        "城东区建设路88号在水一方大厦门口",
        {(K.DIVISION, "城东区"), (K.RESIDENTIAL_COMMUNITY, "在水一方大厦")},
    ),
    ("我们在城西安置房项目干活", {(K.CONSTRUCTION_PROJECT, "城西安置房项目")}),
    ("杭州、宁波的业主", {(K.DIVISION, "杭州"), (K.DIVISION, "宁波")}),
    # a trade alone names no team; a form followed by 长 is a person (班组长, 厂长)
    ("木工班组12名工人反映工程完工后工资未结清。", set()),
    ("个人工资差额，经调解班组长当场结清。", set()),
    ("王建军木工班组12名工人讨要工资", {(K.ORGANIZATION, "王建军木工班组")}),
    # 人 inside a name (人才公寓) is no word ending the text before it; a 工地 is a project's
    (
        "16名农民工在长河人才公寓二期工程干活",
        {(K.CONSTRUCTION_PROJECT, "长河人才公寓二期工程")},
    ),
    ("长河人才公寓二期工地农民工聚集讨薪", {(K.CONSTRUCTION_PROJECT, "长河人才公寓二期工地")}),
    ("十几人在鑫达劳务工地讨薪", {(K.ORGANIZATION, "鑫达劳务")}),  # the company's site
    # 同/和/与/及 after a verb, a division's short form or at the start begin a brand;
    # between two names they join them
    ("反映同成服饰有限公司欠薪问题", {(K.ORGANIZATION, "同成服饰有限公司")}),
    ("同泽钢结构工程有限公司拖欠工资", {(K.ORGANIZATION, "同泽钢结构工程有限公司")}),
    (
        "临江同成服饰有限公司欠薪",
        {(K.DIVISION, "临江"), (K.ORGANIZATION, "同成服饰有限公司")},
    ),
    (
        "鑫达劳务和宏达建设有限公司都拖欠工资",
        {(K.ORGANIZATION, "鑫达劳务"), (K.ORGANIZATION, "宏达建设有限公司")},
    ),
    (
        "到西湖区与鑫达劳务有限公司协商",
        {(K.DIVISION, "西湖区"), (K.ORGANIZATION, "鑫达劳务有限公司")},
    ),
    ("反映同时鑫达劳务有限公司拖欠", {(K.ORGANIZATION, "鑫达劳务有限公司")}),
    ("老板拖欠工资，工程款也没结", set()),
    ("想问一下社保怎么转移。", set()),
    ("物业公司不作为，小区环境差", set()),
]


def _found(text: str) -> set[tuple[MentionKind, str]]:
    return {(m.kind, m.name) for m in extract_text(text, "description")}


@pytest.mark.parametrize("kind", list(MentionKind))
def test_precision_and_recall_per_kind(kind: MentionKind) -> None:
    tp = fp = fn = 0
    for text, truth in LABELLED:
        want = {n for k, n in truth if k is kind}
        got = {n for k, n in _found(text) if k is kind}
        tp += len(want & got)
        fp += len(got - want)
        fn += len(want - got)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    assert tp > 0, f"no {kind.value} example found at all"
    assert precision >= 0.9, (kind.value, precision)
    assert recall >= 0.9, (kind.value, recall)


def test_spans_and_sentences_index_the_stored_text() -> None:
    text = "标题无关。\n\t\t<p>在水一方大厦2栋外墙脱落</p>！鑫达劳务有限公司欠薪"
    found = extract_text(text, "description")
    by_name = {m.name: m for m in found}
    compound = by_name["在水一方大厦"]
    assert text[compound.start : compound.end] == compound.text == "在水一方大厦"
    assert compound.sentence == 2
    org = by_name["鑫达劳务有限公司"]
    assert org.sentence == 3 and org.rule == "suffix:劳务有限公司"
    assert by_name["在水一方大厦2栋"].parent == "在水一方大厦"


def test_full_width_traditional_and_mixed_scripts() -> None:
    found = _found("ＡＢＣ建築（集團）有限公司拖欠工資，翠苑一區３幢漏水")
    assert (K.ORGANIZATION, "abc建筑(集团)有限公司") in found
    assert (K.BUILDING, "翠苑一区3幢") in found
    assert (K.RESIDENTIAL_COMMUNITY, "翠苑一区") in found
    mixed = extract_text("Green Valley花园 B座 and 鑫达劳务Co.拖欠", "title")
    assert {m.name for m in mixed} >= {"鑫达劳务", "greenvalley花园"}  # Latin words kept whole
    assert {m.text for m in mixed} >= {"Green Valley花园"}


@pytest.mark.parametrize("text", ["", "   ", "\n\t\t", "<br/>&nbsp;", "。。。！！", "12345678"])
def test_empty_and_blank_texts_find_nothing(text: str) -> None:
    assert extract_text(text, "description") == []
    assert extract({"title": text, "description": None}) == []


def test_html_remnants_become_spaces_of_the_same_length() -> None:
    raw = "<div class='x'>阳光&amp;家园</div>\n\t\t"
    folded = clean(raw)
    assert len(folded) == len(raw)
    assert "<" not in folded and "&amp;" not in folded
    assert clean("ＡＢ") == "ab"


def test_a_100_kb_description_is_read_up_to_the_limit() -> None:
    filler = "今天天气很好，没有什么事情。" * 8_000  # about 112 000 characters
    text = "在水一方大厦2栋漏水。" + filler + "鑫达劳务有限公司欠薪"
    assert len(text) > 100_000
    found = extract_text(text, "description")
    names = {m.name for m in found}
    assert "在水一方大厦" in names
    assert "鑫达劳务有限公司" not in names  # past MAX_CHARS
    assert all(m.end <= MAX_CHARS for m in found)


def test_the_gazetteer_finds_known_names_without_a_suffix_and_claims_agency_spans() -> None:
    gaz = Gazetteer.of(
        [
            GazetteerEntry("翠苑一区3幢", K.BUILDING, "PR-CY1-B3", 0.99),
            GazetteerEntry("西湖区信访局", None, "AG-XH-PET", 1.0),
            GazetteerEntry("ab", K.ORGANIZATION, "E-SHORT", 0.99),  # too short: left out
        ]
    )
    assert gaz.size == 2
    found = extract_text("翠苑一區3幢住户到西湖区信访局反映力诚劳务欠薪", "description", gaz)
    known = [m for m in found if m.known_id]
    assert [(m.name, m.known_id, m.rule) for m in known] == [
        ("翠苑一区3幢", "PR-CY1-B3", "gazetteer")
    ]
    assert not any("信访局" in m.name for m in found)
    assert any(m.name == "力诚劳务" for m in found)


def test_strip_place() -> None:
    assert strip_place("杭州市西湖区力诚劳务") == "力诚劳务"
    assert strip_place("浙江宏达建设") == "宏达建设"
    assert strip_place("鑫达劳务") == "鑫达劳务"


def test_a_county_level_city_without_its_suffix_is_a_place_only_before_a_brand() -> None:
    # 临江 (临江市) and 瑞安 (瑞安市) are county-level cities in the adcode table
    assert strip_place("临江宝中物业服务") == "宝中物业服务"
    assert strip_place("宁波瑞安电子商务") == "瑞安电子商务"  # after a place: the brand
    assert strip_place("瑞安家政服务") == "瑞安家政服务"  # nothing but industry words after it
    assert generic_org("家政服务") and generic_org("建设集团有限公司")
    assert not generic_org("宝中物业服务")


def test_prepositions_end_a_name_whole_and_a_street_bounds_a_compound() -> None:
    # 于丽景 is a word of jieba's dictionary: inside 关于 it must not start the name
    found = extract_text("关于丽景建筑劳务有限公司拖欠工资")
    assert [m.name for m in found] == ["丽景建筑劳务有限公司"]
    # 街道 right before 长庆名苑 still ends at the street (not 街道长, a street head)
    names = {m.name for m in extract_text("临江市城东区城北街道长庆名苑4号楼2单元")}
    assert {"长庆名苑", "长庆名苑4号楼"} <= names
