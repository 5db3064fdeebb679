"""The city's own taxonomy: the shipped example, lookups, the tree, and bad files
refused in one line naming the file, line, field, value and the closest valid name."""

from __future__ import annotations

from pathlib import Path

import pytest

from disputegraph.analytics.config import load_risk_config
from disputegraph.schemas import Category, Channel
from disputegraph.taxonomy import TaxonomyError, load_taxonomy

EXAMPLE = Path(__file__).parents[1] / "examples" / "taxonomy" / "12345.toml"

GOOD = """\
[taxonomy]
name = "small"

[[categories]]
code = "A"
zh = "劳动保障"
en = "Labour"
category = "labor_contract"

[[categories]]
code = "A1"
zh = "欠薪"
en = "Unpaid wages"
parent = "A"
category = "wage_arrears"
weight = 0.9

[[categories]]
code = "A9"
zh = "其他"
parent = "A"

[[categories]]
code = "B"
zh = "城建"
category = "property_management"

[[categories]]
code = "B9"
zh = "其他"
parent = "B"
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "city.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_example_loads_as_a_tree() -> None:
    tax = load_taxonomy(EXAMPLE)
    assert tax.name == "12345"
    assert len(tax.categories) == 33 and len(tax.channels) == 3
    # tree order: a parent comes before its children, children indented under it
    codes = list(tax.categories)
    assert codes.index("02") < codes.index("0201") < codes.index("020101")
    options = {o["value"]: o["label"] for o in tax.options("zh")}
    assert options["02"] == "劳动和社会保障"
    assert options["020101"] == "\u3000\u3000拖欠工资"
    assert tax.options("en")[0]["label"] == "Urban and rural construction"
    # a child without its own model category inherits its parent's
    assert tax.model_category("010101") is Category.PROPERTY_MANAGEMENT
    assert tax.model_category("020103") is Category.LABOR_CONTRACT
    assert tax.model_category("020101") is Category.WAGE_ARREARS
    assert tax.model_channel("WX") is Channel.PETITION_ONLINE
    # the subtree of 劳动和社会保障: itself, 劳动关系 and its three, 社会保险, 其他 (7)
    assert tax.subtree("02") == {"02", "0201", "020101", "020102", "020103", "0202", "0299"}
    assert tax.root("020102") == "02"
    assert tax.weights() == {"010102": 0.6, "020102": 0.8, "0202": 0.4}


def test_names_aliases_paths_and_shared_names(tmp_path: Path) -> None:
    tax = load_taxonomy(_write(tmp_path, GOOD))
    assert tax.category_code("A1") == "A1"
    assert tax.category_code("欠薪") == "A1"
    assert tax.category_code(" unpaid  WAGES ") == "A1"  # case and spaces folded
    assert tax.category_code("其他") is None  # two categories are called so
    assert tax.ambiguous("其他") == ["A9", "B9"]
    assert tax.category_code("城建/其他") == "B9"
    assert tax.category_code("劳动保障/其他") == "A9"
    assert tax.label("A9", "en") == "其他"  # en defaults to zh
    # weights are inherited down the tree, and only those given count
    assert tax.weight("A1") == 0.9 and tax.weight("A9") is None and tax.weight("nope") is None


def test_city_weights_reach_the_risk_config(tmp_path: Path) -> None:
    tax = load_taxonomy(_write(tmp_path, GOOD))
    rs = load_risk_config(None, tax).risk
    assert rs.source_categories == {"A1": 0.9}
    assert rs.category_weight("wage_arrears", "A1") == 0.9
    # no own weight: the model category's (wage_arrears 1.0 in risk_defaults.toml)
    assert rs.category_weight("wage_arrears", "A9") == 1.0
    assert rs.category_weight("wage_arrears", None) == 1.0
    assert load_risk_config().risk.source_categories == {}


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            ('category = "wage_arrears"', 'category = "wage_arrear"'),
            "city.toml:15: categories[2].category: 'wage_arrear' is not a Category "
            "(did you mean 'wage_arrears'?)",
        ),
        (
            ('parent = "A"\ncategory', 'parent = "AA"\ncategory'),
            "city.toml:14: categories[2].parent: 'AA' is not the code of a category "
            "(did you mean 'A'?)",
        ),
        (
            ("weight = 0.9", "wieght = 0.9"),
            "city.toml:16: categories[2].wieght: unknown field 'wieght' (did you mean 'weight'?)",
        ),
        (
            ("weight = 0.9", "weight = 9"),
            "city.toml:16: categories[2].weight: 9 must be a number from 0 to 1",
        ),
        (
            ('code = "A9"', 'code = "A1"'),
            "city.toml:19: categories[3].code: 'A1' is used twice (first on line 11)",
        ),
        (
            ('zh = "城建"\ncategory = "property_management"', 'zh = "城建"'),
            "city.toml:23: categories[4].category: missing: top-level category 'B' must name",
        ),
        (
            ('code = "A"\n', 'code = "A"\nparent = "A1"\n'),
            "city.toml:15: categories[2].parent: 'A' makes a loop: A → A1",
        ),
    ],
)
def test_a_bad_file_is_one_line_naming_line_field_value(
    tmp_path: Path, edit: tuple[str, str], message: str
) -> None:
    text = GOOD.replace(*edit, 1)
    assert text != GOOD
    with pytest.raises(TaxonomyError) as info:
        load_taxonomy(_write(tmp_path, text))
    text_of = str(info.value)
    assert "\n" not in text_of
    assert message in text_of, text_of


def test_bad_channel_sections_and_files(tmp_path: Path) -> None:
    channel = GOOD + '\n[[channels]]\ncode = "RX"\nzh = "热线"\nchannel = "hotline"\n'
    with pytest.raises(
        TaxonomyError,
        match=r"city.toml:36: channels\[1\].channel: 'hotline' "
        r"is not a Channel \(did you mean 'hotline_12345'\?\)",
    ):
        load_taxonomy(_write(tmp_path, channel))
    with pytest.raises(
        TaxonomyError,
        match=r"unknown section 'category' \(did you mean "
        r"'categories'\?\)",
    ):
        load_taxonomy(_write(tmp_path, '[[category]]\ncode = "A"\n'))
    with pytest.raises(TaxonomyError, match=r"city\.toml is not valid TOML"):
        load_taxonomy(_write(tmp_path, "[[categories]\n"))
    with pytest.raises(TaxonomyError, match="does not exist"):
        load_taxonomy(tmp_path / "missing.toml")
