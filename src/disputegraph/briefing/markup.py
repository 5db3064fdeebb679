"""The HTML pieces of the briefing pack: escaping, tables, images, the legend,
the print stylesheet and the document around the sections. Every text is
HTML-escaped here."""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from typing import Any

from disputegraph.i18n import enum_label, t
from disputegraph.rendering.figures import KIND_COLOURS, STATUS_COLOURS
from disputegraph.schemas import Lang

__all__ = ["CSS", "document", "escape", "img", "kv", "legend", "table"]


def escape(value: Any) -> str:
    """``value`` as HTML text (``None`` is empty)."""
    return html.escape("" if value is None else str(value), quote=True)


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]], cls: str = "") -> str:
    """A table with a header row; every cell escaped."""
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def kv(rows: Iterable[tuple[str, str]]) -> str:
    """A two-column key/value table."""
    body = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows)
    return f'<table class="kv"><tbody>{body}</tbody></table>'


def img(uri: str, alt: str, cls: str = "chart") -> str:
    """An embedded chart (``uri`` is a ``data:`` URI)."""
    return f'<img class="{cls}" alt="{escape(alt)}" src="{uri}">'


_SHAPES = {
    "diamond": '<polygon points="8,1 15,8 8,15 1,8" {paint}/>',
    "circle": '<circle cx="8" cy="8" r="6" {paint}/>',
    "square": '<rect x="2" y="2" width="12" height="12" {paint}/>',
    "hexagon": '<polygon points="4,2 12,2 15,8 12,14 4,14 1,8" {paint}/>',
}


def legend(lang: Lang) -> str:
    """The network legend: node kinds as the snapshots draw them, then the edge styles."""
    dispute = enum_label("label", "Dispute", lang)
    items = [
        (
            "diamond",
            STATUS_COLOURS["open"],
            f"{dispute} · {t('open_short', lang)}",
            None,
        ),
        (
            "diamond",
            STATUS_COLOURS["closed"],
            f"{dispute} · {t('closed_short', lang)}",
            None,
        ),
        ("diamond", "#ffffff", t("flagged", lang), "#d62728"),
        ("circle", KIND_COLOURS["Party"], enum_label("label", "Party", lang), None),
        ("square", KIND_COLOURS["Employer"], enum_label("label", "Employer", lang), None),
        ("hexagon", KIND_COLOURS["Property"], enum_label("label", "Property", lang), None),
        ("circle", KIND_COLOURS["Group"], t("group", lang), None),
    ]
    out = []
    for shape, colour, text, ring in items:
        paint = f'fill="{colour}" stroke="{ring or "#ffffff"}" stroke-width="{3 if ring else 1}"'
        svg = _SHAPES[shape].format(paint=paint)
        out.append(
            f'<span class="legend-item"><svg width="16" height="16" viewBox="0 0 16 16">{svg}'
            f"</svg>{escape(text)}</span>"
        )
    edges = [
        ("#c5ccd6", "", t("legend.link", lang)),
        ("#7048e8", "", t("legend.subcontractor", lang)),
        ("#e8590c", "4,3", t("legend.related", lang)),
    ]
    for colour, dash, text in edges:
        out.append(
            f'<span class="legend-item"><svg width="26" height="16"><line x1="1" y1="8" x2="25" '
            f'y2="8" stroke="{colour}" stroke-width="2.5" stroke-dasharray="{dash}"/></svg>'
            f"{escape(text)}</span>"
        )
    return '<div class="legend">' + "".join(out) + "</div>"


def document(sections: Iterable[str], lang: Lang, as_of: str) -> str:
    """The whole pack: one HTML document with the stylesheet and the sections in order."""
    return (
        f'<!doctype html><html lang="{"zh-CN" if lang == "zh" else "en"}"><head>'
        f'<meta charset="utf-8"><title>{escape(t("brief.title", lang))} · {escape(as_of)}</title>'
        f"<style>{CSS}</style></head><body>" + "".join(sections) + "</body></html>"
    )


CSS = """
@page { size: A4; margin: 14mm 13mm 16mm 13mm; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK SC", "Noto Sans SC", "Microsoft YaHei", sans-serif;
       color: #1f2937; font-size: 10.5pt; line-height: 1.45; margin: 0; }
section { break-before: page; }
section.cover { break-before: auto; padding-top: 40mm; }
h1 { font-size: 24pt; margin: 0 0 6mm 0; }
h2 { font-size: 15pt; margin: 0 0 3mm 0; border-bottom: 2px solid #1f6fd1; padding-bottom: 1.5mm; }
h3 { font-size: 11.5pt; margin: 3mm 0 1.5mm 0; }
.asof { font-size: 16pt; color: #1f6fd1; margin-bottom: 8mm; }
.muted { color: #6b7280; font-size: 9pt; }
table { border-collapse: collapse; width: 100%; font-size: 9pt; margin: 1mm 0 3mm 0; }
th, td { border: 1px solid #d1d5db; padding: 1.2mm 1.8mm; text-align: left; vertical-align: top; }
th { background: #f3f4f6; }
table.compact td, table.compact th { padding: 0.6mm 1.8mm; }
table.kv th { width: 32%; }
.kpis { display: flex; gap: 4mm; margin: 2mm 0 4mm 0; }
.kpi { flex: 1; border: 1px solid #d1d5db; border-radius: 2mm; padding: 3mm; }
.kpi .v { font-size: 17pt; font-weight: 700; }
.kpi .k { color: #6b7280; font-size: 9pt; }
.badge { display: inline-block; padding: 0.6mm 2.5mm; border-radius: 1.5mm; color: white;
         font-weight: 700; margin-right: 2mm; }
.facts span { margin-right: 4mm; }
img.chart { width: 100%; display: block; margin: 1mm 0; }
img.network { width: 100%; max-height: 98mm; object-fit: contain; display: block;
              border: 1px solid #e5e7eb; }
img.network.short { max-height: 56mm; }
img.network.shorter { max-height: 36mm; }
table.payers { font-size: 8.5pt; margin-bottom: 1mm; }
table.keypersons { font-size: 8pt; margin-bottom: 1mm; }
.two { display: flex; gap: 4mm; }
.two > div { flex: 1; min-width: 0; }
ul.reasons { margin: 1mm 0 2mm 0; padding-left: 5mm; }
ul.reasons li { margin-bottom: 0.8mm; }
.legend { display: flex; flex-wrap: wrap; gap: 2mm 5mm; margin: 2mm 0 4mm 0; }
.legend-item { display: inline-flex; align-items: center; gap: 1.5mm; }
.swatch { display: inline-block; width: 4mm; height: 4mm; border-radius: 1mm;
          vertical-align: middle; margin-right: 1.5mm; }
.cluster-page h2 { display: flex; justify-content: space-between; }
.cluster-page.dense { font-size: 9.5pt; line-height: 1.35; }
.cluster-page.dense h3 { font-size: 10.5pt; margin: 2mm 0 1mm 0; }
"""
