"""The message-board case of the issue: a 495-message 问政 board export (the
synthetic city's text-only source) whose 一级分类 is the city's own category, read
through a taxonomy: every message keeps its 一级分类 as the city's code and gets the
model category the city maps it to."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from disputegraph.config import Settings
from disputegraph.ingest.load import load_bundle
from disputegraph.ingest.mapping import load_mapping
from disputegraph.schemas import NodeLabel
from disputegraph.store.memory import MemoryStore
from disputegraph.synthetic import generate_city
from disputegraph.synthetic.multisource.textboard import BOARD_FILE, write_text_source
from disputegraph.taxonomy import load_taxonomy

BOARD_TAXONOMY = """\
[taxonomy]
name = "province-board"

[[categories]]
code = "LS"
zh = "劳动和社会保障"
en = "Labour and social security"
category = "wage_arrears"
weight = 0.9

[[categories]]
code = "LS01"
zh = "社会保险"
parent = "LS"
category = "other"

[[categories]]
code = "CX"
zh = "城乡建设"
en = "Urban and rural construction"
category = "property_management"

[[categories]]
code = "NC"
zh = "农村农业"
en = "Rural affairs and agriculture"
category = "land_contract"

[[categories]]
code = "QT"
zh = "其他"
en = "Other"
category = "other"
"""

MODEL = {"LS": "wage_arrears", "CX": "property_management", "NC": "land_contract", "QT": "other"}
CODE = {"劳动和社会保障": "LS", "城乡建设": "CX", "农村农业": "NC", "其他": "QT"}


@pytest.fixture(scope="module")
def board(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("board")
    city = base / "city"
    generate_city(city, scale=600, seed=7)
    out = base / "board"
    write_text_source(city, out, seed=7, messages=492)  # + the planted patterns' messages: 495 rows
    mapping = (out / "mapping.toml").read_text(encoding="utf-8")
    assert 'category = "一级分类"' in mapping
    # the city's own category instead of a label → model-code table
    (out / "mapping.toml").write_text(
        mapping.replace('category = "一级分类"', 'source_category = "一级分类"'), encoding="utf-8"
    )
    (out / "taxonomy.toml").write_text(BOARD_TAXONOMY, encoding="utf-8")
    return out


def test_the_495_messages_keep_their_own_category(board: Path, tmp_path: Path) -> None:
    with (board / BOARD_FILE).open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 495
    expected = Counter(CODE[r["一级分类"]] for r in rows)
    assert set(expected) == {"LS", "CX", "NC", "QT"}  # every top-level category occurs
    taxonomy = load_taxonomy(board / "taxonomy.toml")
    store = MemoryStore()
    settings = Settings(demo=True, workspace=tmp_path / "ws")
    result = load_bundle(
        board, store, settings, strict=True, mapping=load_mapping(board / "mapping.toml", taxonomy)
    )
    assert result.rejected == 0
    got: Counter[str] = Counter()
    for batch in store.iter_nodes(NodeLabel.DISPUTE):
        for node in batch:
            code = node.props["source_category"]
            got[code] += 1
            assert node.props["category"] == MODEL[code], node.id
    # counted from the CSV's 一级分类 column: the same codes, the same numbers
    assert got == expected
    assert sum(got.values()) == 495
