"""A 12345 export classified by the city's own tree, loaded with the city's taxonomy
(tests/data/city-categories, examples/taxonomy/12345.toml): each dispute keeps the
city's code beside the model's, and the risk analysis weighs the city's categories."""

from __future__ import annotations

import csv
import shutil
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from disputegraph.analytics import find_clusters, load_risk_config, project, run_analysis
from disputegraph.analytics.chains import chains_for
from disputegraph.analytics.risk import assess
from disputegraph.config import Settings
from disputegraph.ingest.load import StrictLoadError, load_bundle, validate_bundle
from disputegraph.ingest.mapping import load_mapping
from disputegraph.ingest.mapping_spec import MappingError
from disputegraph.schemas import NodeLabel
from disputegraph.store import MemoryStore
from disputegraph.taxonomy import Taxonomy, load_taxonomy

ROOT = Path(__file__).parents[2]
BUNDLE = ROOT / "tests" / "data" / "city-categories"
TAXONOMY = ROOT / "examples" / "taxonomy" / "12345.toml"

#: by hand from 工单.csv and the example tree: 分类 → city code → model category
EXPECTED = {
    "GD-T1": ("020101", "wage_arrears", "RX", "hotline_12345"),  # 拖欠工资; 电话 (alias)
    "GD-T2": ("020102", "wage_arrears", "WZ", "petition_online"),  # 农民工工资; 网站留言
    "GD-T3": ("0299", "labor_contract", "WX", "petition_online"),  # 劳动和社会保障/其他 → 02's
    "GD-T4": ("0202", "other", "RX", "hotline_12345"),  # 社会保险
    "GD-T5": ("010101", "property_management", "RX", "hotline_12345"),  # inherits 01's
    "GD-T6": ("010102", "elevator_retrofit", "WZ", "petition_online"),  # by its code; 网站
    "GD-T7": ("0401", "noise", "RX", "hotline_12345"),  # 噪音扰民 (alias); 热线 (alias)
    "GD-T8": ("99", "other", "RX", "hotline_12345"),  # 其他事项
}


@pytest.fixture
def taxonomy() -> Taxonomy:
    return load_taxonomy(TAXONOMY)


@pytest.fixture
def loaded(tmp_path: Path, taxonomy: Taxonomy) -> MemoryStore:
    store = MemoryStore()
    settings = Settings(demo=True, workspace=tmp_path / "ws")
    mapping = load_mapping(BUNDLE / "mapping.toml", taxonomy)
    result = load_bundle(BUNDLE, store, settings, strict=True, mapping=mapping)
    assert result.rejected == 0
    return store


def test_disputes_keep_the_city_code_beside_the_model_category(loaded: MemoryStore) -> None:
    got = {}
    for batch in loaded.iter_nodes(NodeLabel.DISPUTE):
        for node in batch:
            p = node.props
            got[node.id] = (p["source_category"], p["category"], p["source_channel"], p["channel"])
    assert got == EXPECTED
    # counted by hand: 2 wage arrears, 1 labour contract, 2 other, one each of the rest
    cats = [v[1] for v in got.values()]
    assert cats.count("wage_arrears") == 2 and cats.count("other") == 2
    assert loaded.counts().nodes["Party"] == 6  # 张一 calls three times: one record


def test_the_risk_analysis_weighs_the_city_categories(
    loaded: MemoryStore, taxonomy: Taxonomy
) -> None:
    as_of = date(2026, 6, 30)  # far from the Spring Festival: no festival boost
    proj = project(loaded, as_of)
    (cluster,) = [c for c in find_clusters(proj) if "GD-T1" in c.disputes]
    assert sorted(cluster.disputes) == ["GD-T1", "GD-T2", "GD-T3"]  # 张一's three tickets
    # by hand, all three open: model weights wage 1.0, wage 1.0, labour contract 0.5 →
    # 2.5/3; with the city's weights 农民工工资 weighs 0.8 → (1.0 + 0.8 + 0.5)/3 = 2.3/3
    for config, expected in (
        (load_risk_config(), 2.5 / 3),
        (load_risk_config(None, taxonomy), 2.3 / 3),
    ):
        flags = {d: ch.flags for d, ch in chains_for(proj, config.chains).items()}
        c = assess(proj, cluster, flags, config, None)
        sens = next(f.normalised for f in c.factor_details if f.name == "sensitivity")
        assert sens == pytest.approx(expected, abs=1e-3)
        assert c.categories == {"wage_arrears": 2, "labor_contract": 1}  # the model's
    result = run_analysis(loaded, as_of=as_of, config=load_risk_config(None, taxonomy))
    assert "12345" in load_risk_config(None, taxonomy).source
    assert any(sorted(c.disputes) == ["GD-T1", "GD-T2", "GD-T3"] for c in result.clusters)


def _edit(tmp_path: Path, ticket: str, category: str) -> Path:
    folder = tmp_path / "export"
    shutil.copytree(BUNDLE, folder)
    path = folder / "工单.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        if row["工单编号"] == ticket:
            row["分类"] = category
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return folder


def test_an_unknown_or_shared_city_label_names_the_cell(tmp_path: Path, taxonomy: Taxonomy) -> None:
    settings = Settings(demo=True, workspace=tmp_path / "ws")
    folder = _edit(tmp_path, "T4", "社会保验")
    mapping = load_mapping(folder / "mapping.toml", taxonomy)
    report = validate_bundle(folder, settings, mapping=mapping)
    # the cell, and (as for any rejected dispute) the involvement that names it
    assert len([i for i in report.issues if i.severity == "error"]) == 2
    (issue,) = [i for i in report.issues if i.column == "分类"]
    assert issue.line == 5 and issue.column == "分类" and issue.value == "社会保验"
    assert "'社会保验' is not a category of taxonomy '12345' (did you mean '社会保险'?)" in (
        issue.reason
    )
    with pytest.raises(StrictLoadError):
        load_bundle(folder, MemoryStore(), settings, mapping=mapping)
    # 其他 is a child of 城乡建设 and of 劳动和社会保障: the mapping must say which
    folder = _edit(tmp_path / "again", "T4", "其他")
    report = validate_bundle(
        folder, settings, mapping=load_mapping(folder / "mapping.toml", taxonomy)
    )
    (issue,) = [i for i in report.issues if i.column == "分类"]
    assert "'其他' names several categories of taxonomy '12345' (0199, 0299)" in issue.reason
    assert "城乡建设/其他 (0199)" in issue.reason


def test_a_mapping_reading_city_codes_needs_a_taxonomy() -> None:
    with pytest.raises(
        MappingError,
        match=r"columns.source_category: source_category is read "
        r"through the city's taxonomy, and none is configured",
    ):
        load_mapping(BUNDLE / "mapping.toml")


def test_without_a_mapping_a_plain_bundle_keeps_its_source_category(tmp_path: Path) -> None:
    # the column exists in the bundle format too: stored as given
    from disputegraph.ingest.mapping import convert

    plain = tmp_path / "plain"
    issues = convert(BUNDLE, load_mapping(BUNDLE / "mapping.toml", load_taxonomy(TAXONOMY)), plain)
    assert not [i for i in issues if i.severity == "error"]
    header = (plain / "disputes.csv").read_text(encoding="utf-8").splitlines()[0]
    assert "source_category" in header.split(",") and "source_channel" in header.split(",")
    store = MemoryStore()
    load_bundle(plain, store, Settings(demo=True, workspace=tmp_path / "ws"), strict=True)
    node = store.get("GD-T6")
    assert node is not None and node.props["source_category"] == "010102"
    assert node.props["category"] == "elevator_retrofit"


def test_the_city_codes_survive_the_embedded_store_snapshot(
    tmp_path: Path, taxonomy: Taxonomy
) -> None:
    settings = Settings(demo=True, workspace=tmp_path / "ws")
    store = MemoryStore(tmp_path / "graph")
    mapping = load_mapping(BUNDLE / "mapping.toml", taxonomy)
    load_bundle(BUNDLE, store, settings, strict=True, mapping=mapping)
    store.flush()
    again = MemoryStore(tmp_path / "graph")
    node = again.get("GD-T3")
    assert node is not None
    assert (node.props["source_category"], node.props["category"]) == ("0299", "labor_contract")
    assert node.props["source_channel"] == "WX"


def test_the_cli_reads_the_taxonomy_setting(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    from disputegraph.cli import app

    mapping = str(BUNDLE / "mapping.toml")
    # no taxonomy configured: the mapping's source_category is refused in one line
    monkeypatch.delenv("DISPUTEGRAPH_TAXONOMY", raising=False)
    refused = runner.invoke(app, ["load", str(BUNDLE), "-m", mapping])
    assert refused.exit_code == 2
    assert "none is configured: set DISPUTEGRAPH_TAXONOMY" in refused.output
    monkeypatch.setenv("DISPUTEGRAPH_TAXONOMY", str(TAXONOMY))
    loaded = runner.invoke(app, ["load", str(BUNDLE), "-m", mapping, "--format", "json"])
    assert loaded.exit_code == 0, loaded.output
    analysed = runner.invoke(app, ["analyze", "--as-of", "2026-06-30"])
    assert analysed.exit_code == 0, analysed.output
    # a bad taxonomy file: exit 2, one line naming the file, line, field and value
    bad = tmp_path / "city.toml"
    bad.write_text(
        TAXONOMY.read_text(encoding="utf-8").replace(
            'category = "elevator_retrofit"', 'category = "elevator"'
        ),
        encoding="utf-8",
    )
    monkeypatch.setenv("DISPUTEGRAPH_TAXONOMY", str(bad))
    failed = runner.invoke(app, ["analyze", "--as-of", "2026-06-30"])
    assert failed.exit_code == 2
    line = failed.output.strip()
    assert "\n" not in line, line
    assert "city.toml:36: categories[4].category: 'elevator' is not a Category" in line
    assert "(did you mean 'elevator_retrofit'?)" in line
