"""The tools row at the head of a summary page: its note, the briefing download and
the copy-Cypher panel (the agencies and overview pages)."""

from __future__ import annotations

from dash import html

from disputegraph.dashboard.cypher_copy import copy_cypher_panel
from disputegraph.dashboard.export import briefing_button
from disputegraph.schemas import Lang


def page_tools(note_id: str, lang: Lang, path: str, page: str) -> html.Div:
    """The note container ``note_id`` (filled by the page's callback), the briefing
    button of ``page`` and the Cypher panel of the page at ``path``."""
    return html.Div(
        [
            html.Div(id=note_id, className="note"),
            briefing_button(lang, page),
            copy_cypher_panel(path, lang),
        ],
        className="page-tools",
    )
