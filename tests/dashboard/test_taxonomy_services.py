"""The dashboard with the city's taxonomy: the category filter offers the city's
tree and rolls a parent up with its children, the charts and the cluster timeline
name the city's categories (tests/data/city-categories, examples/taxonomy/12345.toml)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from disputegraph.analytics import load_risk_config, run_analysis
from disputegraph.config import Settings
from disputegraph.dashboard import ids
from disputegraph.dashboard.components.filter_bar import filter_options
from disputegraph.dashboard.cypher_copy import cypher_for
from disputegraph.ingest.load import load_bundle
from disputegraph.ingest.mapping import load_mapping
from disputegraph.rendering.export import context_line
from disputegraph.store.memory import MemoryStore
from disputegraph.taxonomy import load_taxonomy
from disputegraph.views.services import Services
from disputegraph.views.state import ViewState

ROOT = Path(__file__).parents[2]
BUNDLE = ROOT / "tests" / "data" / "city-categories"
TAXONOMY = ROOT / "examples" / "taxonomy" / "12345.toml"
AS_OF = date(2026, 6, 30)


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, MemoryStore]:
    settings = Settings(
        demo=True, store="memory", workspace=tmp_path_factory.mktemp("ws"), taxonomy=TAXONOMY
    )
    taxonomy = load_taxonomy(TAXONOMY)
    store = MemoryStore()
    mapping = load_mapping(BUNDLE / "mapping.toml", taxonomy)
    assert load_bundle(BUNDLE, store, settings, strict=True, mapping=mapping).rejected == 0
    run_analysis(store, as_of=AS_OF, config=load_risk_config(None, taxonomy))
    return settings, store


@pytest.fixture(scope="module")
def services(city: tuple[Settings, MemoryStore]) -> Services:
    return Services(*city)


def _open(services: Services, category: str | None) -> int:
    view = services.overview(ViewState(as_of=AS_OF, category=category))
    return int(view["kpis"]["open_disputes"])


def test_the_category_filter_offers_the_city_tree(
    services: Services, city: tuple[Settings, MemoryStore]
) -> None:
    options = services.category_options("zh")
    assert options[0] == {"label": "城乡建设", "value": "city:01"}
    assert {"label": "\u3000\u3000农民工工资", "value": "city:020102"} in options
    assert services.category_options("en")[0]["label"] == "Urban and rural construction"
    shown = filter_options("zh", [], options)[ids.FILTER_CATEGORY]
    assert shown == options
    # without a taxonomy: the model's categories, as before
    plain = Services(city[0].model_copy(update={"taxonomy": None}), city[1])
    assert {o["value"] for o in plain.category_options("zh")} >= {"wage_arrears", "noise"}
    # a city code survives the URL
    assert ViewState.from_query("category=city:0201").category == "city:0201"
    assert ViewState.from_query("category=0201").category is None  # neither kind
    assert ViewState.from_query("category=wage_arrears").category == "wage_arrears"


def test_a_city_category_takes_in_its_children(services: Services) -> None:
    # by hand from 工单.csv: T1–T6 are open (办理中/已受理), T7 and T8 closed (已办结)
    assert _open(services, None) == 6
    assert _open(services, "city:02") == 4  # 劳动和社会保障: T1 拖欠工资, T2, T3 其他, T4 社会保险
    assert _open(services, "city:0201") == 2  # 劳动关系: T1 and T2 only (T3 is 02's 其他)
    assert _open(services, "city:020102") == 1  # the leaf itself
    assert _open(services, "city:01") == 2  # 城乡建设: T5 物业服务收费, T6 加装电梯
    assert _open(services, "city:04") == 0  # 生态环境: T7, closed
    assert _open(services, "wage_arrears") == 2  # a model code still filters the model's
    assert _open(services, "city:77") == 0  # a code the taxonomy does not know: nothing
    assert services.city_categories(ViewState(category="city:0201")) == [
        "0201",
        "020101",
        "020102",
        "020103",
    ]
    assert services.city_categories(ViewState(category="noise")) is None
    # the filter as an exported image and the briefing name it
    assert services.category_filter_label(ViewState(category="city:0201")) == "劳动关系"
    assert services.category_filter_label(ViewState(category="city:0201", lang="en")) == (
        "Labour relations"
    )
    assert services.category_filter_label(ViewState(category="noise", lang="en")) == "Noise"
    assert services.category_filter_label(ViewState()) is None
    line = context_line(ViewState(category="city:0201"), AS_OF, 180, None, "劳动关系")
    assert "劳动关系" in line and "city:" not in line


def test_charts_and_timeline_name_the_city_categories(services: Services) -> None:
    view = services.overview(ViewState(as_of=AS_OF))
    totals: dict[str, int] = {}
    for point in view["weekly"]:
        totals[point["series"]] = totals.get(point["series"], 0) + point["count"]
    # each dispute under its top-level city category: 02 ×4, 01 ×2, 04 ×1, 99 ×1
    assert totals == {"劳动和社会保障": 4, "城乡建设": 2, "生态环境": 1, "其他事项": 1}
    # channels by the city's names, by hand: RX ×5 (T7, T8 closed), WZ ×2, WX ×1
    channels = {r["label"]: (r["open"], r["closed"]) for r in view["by_channel"]}
    assert channels == {"12345热线电话": (3, 2), "网站留言": (2, 0), "微信公众号": (1, 0)}
    en = services.overview(ViewState(as_of=AS_OF, lang="en"))
    assert "Labour and social security" in {p["series"] for p in en["weekly"]}
    (row,) = [r for r in view["clusters"] if r["disputes"] == 3] or [None]
    assert row is not None
    cluster = services.cluster_view(ViewState(as_of=AS_OF, cluster=row["id"]))
    assert cluster is not None and cluster["found"]
    lanes = {p["id"]: p["lane"] for p in cluster["timeline"] if p["kind"] == "dispute"}
    assert lanes == {"GD-T1": "拖欠工资", "GD-T2": "农民工工资", "GD-T3": "其他"}
    shown = {
        e["data"]["id"]: e["data"].get("category")
        for e in cluster["network"]["elements"]
        if e["data"].get("kind") == "Dispute"
    }
    assert shown == {"GD-T1": "拖欠工资", "GD-T2": "农民工工资", "GD-T3": "其他"}


def test_the_overview_cypher_copy_takes_the_city_subtree(services: Services) -> None:
    copy = cypher_for("/", ViewState(as_of=AS_OF, category="city:0201"), services)
    params = copy.calls[0].params
    assert params["source_categories"] == ["0201", "020101", "020102", "020103"]
    assert "category" not in params
    assert ":param source_categories => ['0201', '020101', '020102', '020103'];" in copy.cypher
    plain = cypher_for("/", ViewState(as_of=AS_OF, category="noise"), services)
    assert plain.calls[0].params["category"] == "noise"
    assert "source_categories" not in plain.calls[0].params
