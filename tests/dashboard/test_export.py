"""Chart exports: the network as a Plotly figure, annotations, every chart of the
dashboard, and real renders (PNG size from IHDR, SVG parses, PDF has one page)."""

from __future__ import annotations

import shutil
import struct
import subprocess
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from disputegraph.config import Settings
from disputegraph.dashboard import ids
from disputegraph.dashboard.export import (
    CHARTS,
    Exporter,
    ExportError,
    annotate,
    chart_figure,
    context_line,
    export_chart,
    network_figure,
)
from disputegraph.store.memory import MemoryStore
from disputegraph.views.services import Services
from disputegraph.views.state import ViewState

ELEMENTS = [
    {
        "data": {"id": "D1", "kind": "Dispute", "label": "欠薪纠纷"},
        "position": {"x": 0.0, "y": 0.0},
        "classes": "dispute open flagged",
    },
    {
        "data": {"id": "P1", "kind": "Party", "label": "张*"},
        "position": {"x": 100.0, "y": 50.0},
        "classes": "party person",
    },
    {
        "data": {"id": "E1", "kind": "Employer", "label": "某劳务班组"},
        "position": {"x": -80.0, "y": 20.0},
        "classes": "employer",
    },
    {
        "data": {"id": "e1", "source": "P1", "target": "D1", "type": "PARTY_TO"},
        "classes": "party_to",
    },
    {
        "data": {"id": "e2", "source": "E1", "target": "D1", "type": "PARTY_TO"},
        "classes": "subcontractor_of",
    },
]


def test_network_figure_keeps_positions_labels_and_kinds() -> None:
    fig = network_figure(ELEMENTS, "zh", level="red", title="关系网络")
    names = [tr.name for tr in fig.data if tr.name]
    assert names[:3] == ["纠纷 · 在办", "当事人 · 个人", "用工单位"]
    assert "问题标记" in names and any("红色" in n for n in names)
    party = next(tr for tr in fig.data if tr.name == "当事人 · 个人")
    # cytoscape's y axis points down: flipped
    assert list(party.x) == [100.0] and list(party.y) == [-50.0]
    assert list(party.text) == ["张*"]
    dispute = next(tr for tr in fig.data if tr.name == "纠纷 · 在办")
    assert list(dispute.marker.line.color) == ["#d62728"]  # flagged ring
    lines = [tr for tr in fig.data if tr.mode == "lines"]
    assert sum(len([x for x in tr.x if x is None]) for tr in lines) == 2  # two edges
    assert fig.layout.title.text == "关系网络"


def test_network_figure_english_and_empty() -> None:
    fig = network_figure(ELEMENTS, "en")
    assert "Dispute · open" in [tr.name for tr in fig.data]
    empty = network_figure([], "en")
    assert empty.layout.annotations[0].text == "Nothing matches these filters."


def test_network_figure_drops_labels_on_big_networks() -> None:
    many = [
        {"data": {"id": f"P{i}", "kind": "Party", "label": f"N{i}"}, "position": {"x": i, "y": 0}}
        for i in range(200)
    ]
    fig = network_figure(many, "zh")
    assert fig.data[0].text is None and fig.data[0].mode == "markers"


def test_context_line_names_as_of_window_filters_and_masking() -> None:
    state = ViewState(lang="zh", district="西湖区", category="wage_arrears", status="open")
    line = context_line(state, "2026-02-03", 90, "analyst")
    assert "截至日期 2026-02-03" in line and "90 天" in line
    assert "区县: 西湖区" in line and "纠纷类型: 欠薪" in line and "未化解" in line
    assert "风险等级: 全部" in line and "脱敏" in line
    assert "脱敏" not in context_line(state, "2026-02-03", 90, "officer")
    en = context_line(ViewState(lang="en"), "2026-02-03", 180)
    assert "As of 2026-02-03" in en and "District: All" in en


def test_annotate_puts_title_context_and_legend_on_the_figure() -> None:
    fig = annotate(network_figure(ELEMENTS, "zh"), "标题 <b>", "截至日期 2026-02-03")
    assert fig.layout.title.text == "标题 &lt;b&gt;"
    assert fig.layout.title.subtitle.text == "截至日期 2026-02-03"
    assert fig.layout.showlegend is True


@pytest.fixture(scope="module")
def services(analysed_store: MemoryStore, sample_settings: Settings) -> Services:
    return Services(sample_settings, analysed_store, default_role="analyst")


@pytest.fixture(scope="module")
def full_state(services: Services) -> ViewState:
    state = ViewState(lang="zh")
    view = services.cluster_view(state)
    assert view is not None and view["found"]
    dispute = view["timeline"][0]["id"]
    return state.with_page(cluster=view["id"], entity=dispute, dispute=dispute)


def test_every_chart_builds_with_title_and_as_of(services: Services, full_state: ViewState) -> None:
    analysis = services.analysis(full_state)
    assert analysis is not None
    for chart_id in CHARTS:
        fig, stem = chart_figure(services, chart_id, full_state)
        assert fig.layout.title.text, chart_id
        assert analysis.as_of.isoformat() in fig.layout.title.subtitle.text, chart_id
        assert stem.startswith(chart_id) and analysis.as_of.isoformat() in stem


def test_exported_network_is_masked_like_the_screen(
    services: Services, full_state: ViewState
) -> None:
    screen = services.cluster_view(full_state, "analyst")
    assert screen is not None
    shown = {e["data"]["label"] for e in screen["network"]["elements"] if "source" not in e["data"]}
    fig, _ = chart_figure(services, ids.CLUSTER_NETWORK, full_state, "analyst")
    drawn = {str(x) for tr in fig.data if tr.text is not None for x in tr.text}
    assert drawn == shown
    officer, _ = chart_figure(services, ids.CLUSTER_NETWORK, full_state, "officer")
    officer_text = {str(x) for tr in officer.data if tr.text is not None for x in tr.text}
    masked = {s for s in drawn if "*" in s}
    assert masked, "the sample cluster has persons: their names are masked for analysts"
    assert not any("*" in s for s in officer_text - drawn)
    assert officer_text != drawn


def test_unknown_chart_and_format_are_refused(services: Services, full_state: ViewState) -> None:
    with pytest.raises(ExportError, match="unknown chart"):
        chart_figure(services, "no-such-chart", full_state)
    with pytest.raises(ExportError, match="format"):
        export_chart(services, ids.CLUSTER_FACTORS, full_state, "gif")
    with pytest.raises(ExportError, match="no entity"):
        chart_figure(services, ids.TRACER_NETWORK, ViewState())


# --- real renders -----------------------------------------------------------


@pytest.fixture(scope="module")
def exporter(chromium_path: str) -> Iterator[Exporter]:
    with Exporter(reuse=True) as ex:
        yield ex


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.mark.slow
def test_chart_exports_in_all_three_formats(
    services: Services, full_state: ViewState, exporter: Exporter, tmp_path: Path
) -> None:
    fig, _ = chart_figure(services, ids.CLUSTER_FACTORS, full_state)
    png = exporter.render(fig, "png", width=900, height=500)
    assert _png_size(png) == (900, 500)
    png2 = exporter.render(fig, "png", width=600, height=400, scale=2)
    assert _png_size(png2) == (1200, 800)

    svg = export_chart(services, ids.CLUSTER_FACTORS, full_state, "svg", exporter=exporter)
    assert svg.filename.endswith(".svg") and svg.mime == "image/svg+xml"
    root = ET.fromstring(svg.content)
    assert root.tag.endswith("svg")
    text = "".join(root.itertext())
    assert "风险因素构成" in text and full_state.cluster in text

    pdf = export_chart(services, ids.CLUSTER_NETWORK, full_state, "pdf", exporter=exporter)
    assert pdf.content.startswith(b"%PDF")
    path = tmp_path / pdf.filename
    path.write_bytes(pdf.content)
    if shutil.which("pdfinfo") is None:
        pytest.fail("pdfinfo (poppler-utils) is missing: `make system-deps` installs it")
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    assert any(line.split() == ["Pages:", "1"] for line in info.stdout.splitlines())
    words = unicodedata.normalize(
        "NFKC",
        subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout,
    )  # NFKC: the text layer of Type 3 CJK glyphs maps some to Kangxi radicals
    analysis = services.analysis(full_state)
    assert analysis is not None
    assert "截至日期" in words and analysis.as_of.isoformat() in words
    assert "张伟" not in words  # analysts see masked names, in the PDF too


@pytest.mark.slow
def test_reused_server_renders_many_charts(
    services: Services, full_state: ViewState, exporter: Exporter
) -> None:
    before = exporter.renders
    for chart_id in CHARTS:
        out = export_chart(services, chart_id, full_state, "svg", exporter=exporter)
        ET.fromstring(out.content)
    assert exporter.renders - before == len(CHARTS)


def test_download_payload_is_base64(services: Services) -> None:
    from disputegraph.dashboard.export import ExportedChart

    payload = ExportedChart("a.png", "image/png", b"\x89PNG").as_download()
    assert payload == {
        "content": "iVBORw==",
        "filename": "a.png",
        "type": "image/png",
        "base64": True,
    }


# --- the dashboard's buttons --------------------------------------------------


def test_export_menu_has_a_button_per_format_and_a_download() -> None:
    from dash import dcc, html

    from disputegraph.dashboard.export import EXPORT_BUTTON, EXPORT_DOWNLOAD, export_menu

    menu = export_menu(ids.CLUSTER_NETWORK, "en")
    buttons = [c for c in menu.children if isinstance(c, html.Button)]
    assert [b.id for b in buttons] == [
        {"type": EXPORT_BUTTON, "chart": ids.CLUSTER_NETWORK, "fmt": f}
        for f in ("png", "svg", "pdf")
    ]
    downloads = [c for c in menu.children if isinstance(c, dcc.Download)]
    assert downloads[0].id == {"type": EXPORT_DOWNLOAD, "chart": ids.CLUSTER_NETWORK}
    with pytest.raises(ExportError):
        export_menu("no-such-chart")


def test_register_wires_the_pattern_callbacks() -> None:
    import dash

    from disputegraph.dashboard import cypher_copy
    from disputegraph.dashboard.export import register

    app = dash.Dash(__name__)
    register(app)
    cypher_copy.register(app)
    keys = list(app.callback_map)
    assert len(keys) == 3
    assert sum("export-download" in k or "briefing-download" in k for k in keys) == 2
    assert any("cypher-text" in k for k in keys)


def test_create_app_places_and_wires_the_menus(
    analysed_store: MemoryStore, sample_settings: Settings
) -> None:
    from disputegraph.dashboard.app import PAGE_MODULES, create_app

    app = create_app(sample_settings, analysed_store)
    keys = " ".join(app.callback_map)
    assert "export-download" in keys and "briefing-download" in keys and "cypher-text" in keys
    placed = " ".join(str(m.layout(ViewState())) for m in PAGE_MODULES.values())
    for chart_id in CHARTS:  # every exportable chart has its menu on its page
        assert f"'chart': '{chart_id}'" in placed, chart_id
    for view in ("overview", "cluster", "tracer", "agencies"):
        assert f"'view': '{view}'" in placed, view


@pytest.mark.slow
def test_download_payload_renders_the_chart_of_the_state_and_is_audited(
    analysed_store: MemoryStore,
    sample_settings: Settings,
    full_state: ViewState,
    exporter: Exporter,
) -> None:
    import base64

    from disputegraph.dashboard.export import download_payload

    records: list[tuple[str, dict[str, Any]]] = []

    class Audited(Services):
        def audit(self, action: str, **params: Any) -> None:
            records.append((action, params))

    svc = Audited(sample_settings, analysed_store)
    payload = download_payload(svc, ids.CLUSTER_FACTORS, "png", full_state.as_dict())
    assert payload["filename"].startswith(f"{ids.CLUSTER_FACTORS}-{full_state.cluster}")
    assert payload["type"] == "image/png" and payload["base64"] is True
    assert _png_size(base64.b64decode(payload["content"]))[0] == 1100
    assert records == [
        (
            "export_chart",
            {"chart": ids.CLUSTER_FACTORS, "format": "png", "filename": payload["filename"]},
        )
    ]


@pytest.mark.browser
def test_download_and_copy_as_cypher_in_the_browser(demo_server: Any, page: Any) -> None:
    """The real app: the PNG button of the factor chart downloads a PNG named after
    the cluster; "Copy as Cypher" shows the cluster's queries."""
    wage = demo_server.pattern("wage_arrears_chain")
    analysis = Services(demo_server.settings, demo_server.store).analysis(ViewState())
    assert analysis is not None
    cluster = analysis.cluster_of(wage["disputes"][0])
    assert cluster is not None
    page.goto(f"{demo_server.url}/cluster?id={cluster.id}")
    png = page.locator(f"""button[id*='"chart":"{ids.CLUSTER_FACTORS}"'][id*='"fmt":"png"']""")
    png.wait_for()
    page.locator("#cluster-reasons li").first.wait_for()
    with page.expect_download(timeout=60_000) as info:
        png.click()
    download = info.value
    assert download.suggested_filename.startswith(f"{ids.CLUSTER_FACTORS}-{cluster.id}")
    data = Path(download.path()).read_bytes()
    assert _png_size(data)[0] == 1100
    page.locator("""button[id*='"type":"cypher-button"']""").click()
    text = page.locator("""pre[id*='"type":"cypher-text"']""")
    text.wait_for()
    page.wait_for_function(
        "() => document.querySelector(\"pre[id*='cypher-text']\").innerText.includes('edges_among')"
    )
    shown = text.inner_text()
    assert cluster.id in shown and 'run("cluster_members"' in shown


@pytest.mark.slow
def test_exporters_share_one_browser(chromium_path: str) -> None:
    import kaleido

    from disputegraph.dashboard.export import network_figure
    from disputegraph.rendering import export

    fig = network_figure(ELEMENTS, "en")
    before = export._HOLDERS  # other fixtures may hold the browser already
    outer = Exporter()
    outer.start()
    try:
        with Exporter() as inner:
            assert inner.render(fig, "svg").startswith(b"<svg")
        # closing the inner exporter leaves the browser to the outer one
        assert kaleido._global_server.is_running()
        assert outer.render(fig, "svg").startswith(b"<svg")
    finally:
        outer.close()
    assert before == export._HOLDERS
    assert kaleido._global_server.is_running() == (before > 0)
