from __future__ import annotations

import pytest

from disputegraph.schemas import (
    AgencyLevel,
    Category,
    Channel,
    LabeledEnum,
    PropertyRelation,
    RelType,
    RiskLevel,
    Status,
)

ALL_ENUMS: list[type[LabeledEnum]] = [
    cls
    for cls in vars(__import__("disputegraph.schemas", fromlist=["*"])).values()
    if isinstance(cls, type) and issubclass(cls, LabeledEnum) and cls is not LabeledEnum
]


def test_every_enum_member_has_both_labels() -> None:
    assert len(ALL_ENUMS) >= 15
    for cls in ALL_ENUMS:
        for member in cls:
            assert member.zh and member.en, member
            assert member.label("zh") == member.zh
            assert member.label("en") == member.en


def test_labels_are_unambiguous_within_each_enum() -> None:
    # A label that maps to two members would make parsing depend on order.
    for cls in ALL_ENUMS:
        primary = [m.zh for m in cls] + [m.en.lower() for m in cls]
        assert len(primary) == len(set(primary)), cls


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("wage_arrears", Category.WAGE_ARREARS),
        ("欠薪", Category.WAGE_ARREARS),
        ("Wage arrears", Category.WAGE_ARREARS),
        ("  WAGE-ARREARS ", Category.WAGE_ARREARS),
        ("劳动争议", Category.WAGE_ARREARS),
        ("加装电梯", Category.ELEVATOR_RETROFIT),
    ],
)
def test_category_parses_codes_labels_and_synonyms(text: str, expected: Category) -> None:
    assert Category.parse(text) is expected
    assert Category(text) is expected


def test_unknown_label_names_the_choices() -> None:
    with pytest.raises(ValueError, match="is not a Category; expected one of"):
        Category.parse("欠债不还")


def test_full_width_input_is_folded() -> None:
    assert Channel.parse("ｈｏｔｌｉｎｅ＿１２３４５") is Channel.HOTLINE_12345


def test_open_statuses() -> None:
    assert Status.IN_MEDIATION.is_open and Status.REBOUNDED.is_open
    assert not Status.RESOLVED.is_open and not Status.CLOSED.is_open
    assert not Status.WITHDRAWN.is_open


def test_ranks_are_ordered() -> None:
    assert [lvl.rank for lvl in AgencyLevel] == [0, 1, 2, 3, 4, 5]
    assert RiskLevel.RED.rank > RiskLevel.ORANGE.rank > RiskLevel.BLUE.rank > RiskLevel.NONE.rank


def test_every_property_relation_has_a_relationship_type() -> None:
    types = {r.rel_type for r in PropertyRelation}
    assert types == {
        RelType.RESIDES_AT,
        RelType.OWNS,
        RelType.RENTS,
        RelType.MANAGES,
        RelType.DEVELOPED,
        RelType.LEASES,
    }
