"""The briefing pack from a generated city: pages, planted cluster, reasons, as-of,
Chinese text, masking, page images, and the HTML variant."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from disputegraph.briefing import (
    BriefingError,
    build_briefing,
    write_briefing,
)
from disputegraph.briefing.markup import table as html_table
from disputegraph.cli import app
from disputegraph.config import Settings
from disputegraph.dashboard.export import Exporter
from disputegraph.schemas import NodeLabel
from disputegraph.schemas.analysis import AnalysisResult
from disputegraph.store.memory import MemoryStore
from disputegraph.views.services import Services
from disputegraph.views.state import ViewState
from shared_helpers import planted_pattern

#: disputes in the generated city (the planted patterns are the same at any scale)
SCALE = 600
TOP = 5


@dataclass
class City:
    workspace: Path
    settings: Settings
    store: MemoryStore
    planted: dict[str, Any]
    analysis: AnalysisResult


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> City:
    from disputegraph.analytics import run_analysis
    from disputegraph.ingest import load_bundle
    from disputegraph.synthetic import generate_city

    root = tmp_path_factory.mktemp("briefing")
    workspace = root / "ws"
    settings = Settings(demo=True, store="memory", workspace=workspace)
    planted = generate_city(root / "city", scale=SCALE, seed=7)
    store = MemoryStore.in_workspace(workspace)
    load_bundle(root / "city", store, settings)
    analysis = run_analysis(store)
    store.flush()
    return City(workspace, settings, store, planted, analysis)


def _pattern(city: City, name: str) -> dict[str, Any]:
    return planted_pattern(city.planted, name)


def _pdftext(path: Path, page: int | None = None) -> str:
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext (poppler-utils) is missing: `make system-deps` installs it")
    args = ["pdftotext"]
    if page is not None:
        args += ["-f", str(page), "-l", str(page)]
    out = subprocess.run([*args, str(path), "-"], capture_output=True, text=True, check=True)
    return unicodedata.normalize("NFKC", out.stdout)


def _squash(text: str) -> str:
    """Text without any whitespace (the PDF wraps lines anywhere)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return int(
        next(line for line in info.stdout.splitlines() if line.startswith("Pages:")).split()[1]
    )


@pytest.fixture(scope="module")
def pack(
    city: City, chromium_path: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Path]:
    """One PDF pack written through the CLI (analyst role, the default)."""
    out = tmp_path_factory.mktemp("pack") / "brief.pdf"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DISPUTEGRAPH_WORKSPACE", str(city.workspace))
        mp.setenv("DISPUTEGRAPH_STORE", "memory")
        mp.setenv("DISPUTEGRAPH_DEMO", "1")
        mp.setenv("DISPUTEGRAPH_LANGUAGE", "zh")
        result = CliRunner().invoke(app, ["brief", "--out", str(out), "--top", str(TOP)])
    assert result.exit_code == 0, result.output
    yield out


@pytest.mark.slow
def test_the_cli_pack_is_audited(city: City, pack: Path) -> None:
    lines = (city.workspace / "audit.jsonl").read_text(encoding="utf-8").splitlines()
    entries = [json.loads(line) for line in lines]
    briefs = [e for e in entries if e["action"] == "export_briefing"]
    assert len(briefs) == 1 and briefs[0]["user"].startswith("cli:")
    assert str(pack) in json.dumps(briefs[0], ensure_ascii=False)


@pytest.mark.slow
def test_pack_pages_clusters_reasons_and_as_of(city: City, pack: Path) -> None:
    pages = _pages(pack)
    # cover, key figures, cluster table, one page per cluster, hand-offs, bottlenecks, legend
    assert TOP + 6 <= pages <= TOP + 12
    cover = _pdftext(pack, 1)
    as_of = city.analysis.as_of.isoformat()
    assert "矛盾纠纷风险研判简报" in cover and as_of in cover
    assert "analyst" in cover and "脱敏" in cover
    top = [c.id for c in city.analysis.clusters[:TOP]]
    starts: dict[str, int] = {}
    for page in range(1, pages + 1):
        first = _pdftext(pack, page).strip().splitlines()[0]
        for rank, cid in enumerate(top, 1):
            if first.startswith(f"{rank}. 风险簇 {cid}"):
                starts[cid] = page
    assert list(starts) == top, "each top cluster opens its own page, in rank order"
    pages_of = [b - a for a, b in zip(starts.values(), list(starts.values())[1:], strict=False)]
    assert pages_of == [1] * (TOP - 1), "each cluster fits one page (payers and key persons too)"
    # the planted wage-arrears cluster: its members' names, the anchor and the reasons
    wage = _pattern(city, "wage_arrears_chain")
    cluster = city.analysis.cluster_of(wage["disputes"][0])
    assert cluster is not None and cluster.id in top
    page_text = _pdftext(pack, starts[cluster.id])
    anchor = city.store.get(wage["anchor"])
    assert anchor is not None
    assert wage["anchor"] in page_text
    assert _squash(str(anchor.props["name"])) in _squash(page_text)
    for reason in cluster.reasons_zh[:3]:
        assert _squash(reason) in _squash(page_text)
    assert as_of in page_text
    whole = _squash(_pdftext(pack))
    for heading in ("超期与推诿移交", "责任单位瓶颈", "图例与方法说明", "风险等级与分值门槛"):
        assert heading in whole


@pytest.mark.slow
def test_pack_masks_person_names_for_analysts(city: City, pack: Path) -> None:
    wage = _pattern(city, "wage_arrears_chain")
    people = [
        n
        for n in city.store.get_many(wage["members"])
        if n.label is NodeLabel.PARTY and n.props.get("kind") == "person"
    ]
    assert len(people) >= 10
    whole = _squash(_pdftext(pack))
    leaked = [str(p.props["name"]) for p in people if _squash(str(p.props["name"])) in whole]
    assert not leaked


@pytest.mark.slow
def test_pack_pages_become_images(pack: Path, tmp_path: Path) -> None:
    if shutil.which("pdftoppm") is None:
        pytest.fail("pdftoppm (poppler-utils) is missing: `make system-deps` installs it")
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(pack), str(tmp_path / "page")], check=True)
    images = sorted(tmp_path.glob("page-*.png"))
    assert len(images) == _pages(pack)
    head = images[0].read_bytes()[:24]
    width = int.from_bytes(head[16:20], "big")
    height = int.from_bytes(head[20:24], "big")
    assert abs(height / width - 297 / 210) < 0.02  # A4 portrait


@pytest.mark.slow
def test_html_pack_is_self_contained_and_officer_sees_names(
    city: City, chromium_path: str, tmp_path: Path
) -> None:
    officer = Services(city.settings, city.store, default_role="officer")
    with Exporter() as ex:
        result = write_briefing(
            officer, tmp_path / "brief.html", ViewState(lang="en"), top=3, exporter=ex
        )
    assert result.format == "html" and len(result.clusters) == 3
    assert result.renders == 2 * 3 + 2  # trend, agency rates, network + factors per cluster
    text = (tmp_path / "brief.html").read_text(encoding="utf-8")
    assert "Dispute risk briefing" in text and city.analysis.as_of.isoformat() in text
    assert "data:image/svg+xml;base64," in text
    assert not re.search(r"""(src|href)=["']https?://""", text)
    wage = _pattern(city, "wage_arrears_chain")
    names = [
        str(n.props["name"])
        for n in city.store.get_many(wage["members"])
        if n.label is NodeLabel.PARTY and n.props.get("kind") == "person"
    ]
    # officers see names in full: at least in the network snapshot's SVG
    import base64

    svgs = [
        base64.b64decode(m).decode("utf-8")
        for m in re.findall(r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)", text)
    ]
    assert any(name in svg for svg in svgs for name in names)


def test_cells_are_escaped() -> None:
    table = html_table(["<b>"], [["<script>alert(1)</script>", "a & b"]])
    assert "<script>" not in table and "&lt;script&gt;" in table and "a &amp; b" in table


def test_no_analysis_and_bad_suffix_are_refused(tmp_path: Path) -> None:
    settings = Settings(demo=True, store="memory", workspace=tmp_path / "ws")
    svc = Services(settings, MemoryStore())
    with pytest.raises(BriefingError, match="analyze"):
        build_briefing(svc, ViewState())
    with pytest.raises(BriefingError, match=r"\.pdf or \.html"):
        write_briefing(svc, tmp_path / "brief.docx", ViewState())


def test_cli_refuses_unknown_options(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISPUTEGRAPH_WORKSPACE", str(tmp_path / "ws"))
    monkeypatch.setenv("DISPUTEGRAPH_STORE", "memory")
    runner = CliRunner()
    bad = runner.invoke(app, ["brief", "--out", str(tmp_path / "b.pdf"), "--role", "admin"])
    assert bad.exit_code == 2
    bad = runner.invoke(
        app, ["brief", "--out", str(tmp_path / "b.pdf"), "--category", "no-such-category"]
    )
    assert bad.exit_code == 2
    empty = runner.invoke(app, ["brief", "--out", str(tmp_path / "b.pdf")])
    assert empty.exit_code == 2 and "analyze" in empty.output


def test_key_figures_count_what_was_open_at_a_past_as_of(
    chromium_path: str, tmp_path: Path
) -> None:
    """The sample bundle analysed at 2026-01-01: D-006, resolved today but closed on
    2026-01-10, was open then; the pack's key figure counts it like the analysis."""
    from datetime import date

    from disputegraph.analytics import run_analysis
    from disputegraph.analytics.projection import project
    from disputegraph.i18n import t
    from disputegraph.ingest import load_bundle

    past = date(2026, 1, 1)
    settings = Settings(demo=True, store="memory", workspace=tmp_path / "ws")
    store = MemoryStore()
    load_bundle(Path(__file__).parents[1] / "data" / "sample", store, settings)
    run_analysis(store, as_of=past, window_days=180)
    opened = {d.id for d in project(store, past, 180).disputes.values() if d.open}
    assert "D-006" in opened
    with Exporter() as ex:
        pack = build_briefing(
            Services(settings, store), ViewState(as_of=past, lang="en"), top=1, exporter=ex
        )
    assert pack.as_of == past.isoformat()
    label = re.escape(t("kpi_open", "en"))
    shown = re.findall(rf'<div class="v">([\d,]+)</div><div class="k">{label}</div>', pack.html)
    assert shown == [str(len(opened))]


def test_overdue_cases_and_the_legend_cite_the_time_limits(
    chromium_path: str, tmp_path: Path
) -> None:
    """The sample bundle: D-003 was kept past the 2-working-day return limit (a local
    rule); D-001 only past its own due date (no citation). The legend lists every
    configured limit with its law and article."""
    from disputegraph.analytics import run_analysis
    from disputegraph.ingest import load_bundle

    settings = Settings(demo=True, store="memory", workspace=tmp_path / "ws")
    store = MemoryStore()
    load_bundle(Path(__file__).parents[1] / "data" / "sample", store, settings)
    analysis = run_analysis(store)
    with Exporter() as ex:
        pack = build_briefing(Services(settings, store), ViewState(lang="zh"), top=1, exporter=ex)
    rows = {
        m[0]: m[1]
        for m in re.findall(r"<tr><td>(D-\d+)</td>(.*?)</tr>", pack.html, flags=re.DOTALL)
    }
    assert "overdue" in analysis.chain_flags["D-003"] and "D-003" in rows
    assert "<td>地方规定（错派工单退回时限）</td>" in rows["D-003"]
    assert "overdue" in analysis.chain_flags["D-001"]
    assert rows["D-001"].endswith("<td></td>")  # past its own due date: no law to cite
    for rule in analysis.settings["chains"]["limits"].values():
        assert f"<td>{rule['basis']}</td>" in pack.html
    assert "《劳动争议调解仲裁法》第四十三条" in pack.html


def test_wage_clusters_name_who_must_pay_with_the_article(
    chromium_path: str, tmp_path: Path
) -> None:
    """The sample bundle: the wage cluster's page names the general contractor as the
    first payer with art. 30; no other cluster's page has the block."""
    from disputegraph.analytics import run_analysis
    from disputegraph.ingest import load_bundle

    settings = Settings(demo=True, store="memory", workspace=tmp_path / "ws")
    store = MemoryStore()
    load_bundle(Path(__file__).parents[1] / "data" / "sample", store, settings)
    analysis = run_analysis(store)
    top = len(analysis.clusters)
    with Exporter() as ex:
        pack = build_briefing(Services(settings, store), ViewState(lang="zh"), top=top, exporter=ex)
    pages = re.findall(r'<section class="cluster-page[^"]*">.*?</section>', pack.html, re.DOTALL)
    with_payers = [p for p in pages if "欠薪清偿责任主体" in p]
    assert len(pages) > 1 and len(with_payers) == 1
    page = with_payers[0]
    wage = analysis.cluster_of("D-001")
    assert wage is not None and wage.id in page
    body = page.split('<table class="compact payers">', 1)[1].split("<tbody>", 1)[1]
    assert body.startswith(
        "<tr><td>浙江宏达建设集团有限公司</td><td>施工总承包单位</td><td>先行清偿</td>"
        "<td>《保障农民工工资支付条例》（2020）第三十条</td></tr>"
    )
    assert "王建国劳务班组的经营资格未登记" in page  # the note on what the data leaves open


def test_the_pack_lists_open_work_orders_overdue_first(tmp_path: Path) -> None:
    """Two open orders (one past its due date) and a closed one: the pack lists the
    two, the overdue one first and flagged; the closed one is not there."""
    from datetime import UTC, date, datetime

    from disputegraph.analytics import run_analysis
    from disputegraph.ingest import load_bundle
    from disputegraph.schemas.workflow import OrderState, WorkOrder
    from disputegraph.store.workflow import WorkflowStore

    settings = Settings(demo=True, store="memory", workspace=tmp_path / "ws")
    store = MemoryStore()
    load_bundle(Path(__file__).parents[1] / "data" / "sample", store, settings)
    run_analysis(store)
    at = datetime(2026, 2, 3, tzinfo=UTC)
    today = date.today()
    orders = [
        ("WO-late", date(2020, 1, 1), OrderState.ACCEPTED),
        ("WO-soon", date(today.year + 1, 1, 1), OrderState.ASSIGNED),
        ("WO-done", date(2020, 1, 1), OrderState.CLOSED),
    ]
    with WorkflowStore.in_workspace(settings.workspace).transaction() as tx:
        for oid, due, state in orders:
            tx.put_order(
                WorkOrder(
                    id=oid,
                    agency_id="AG-XH-LAB",
                    due=due,
                    instructions="约谈总包单位",
                    state=state,
                    assigned_by="cli:ana",
                    assigned_at=at,
                )
            )
    with Exporter() as ex:
        pack = build_briefing(Services(settings, store), ViewState(lang="zh"), top=1, exporter=ex)
    section = pack.html.split("<h2>未销号交办工单</h2>", 1)[1].split("</section>", 1)[0]
    assert "2 · 其中超期 <b>1</b>" in section
    assert section.index("WO-late (已超期)") < section.index("WO-soon")
    assert "西湖区劳动保障监察大队" in section and "WO-done" not in section
