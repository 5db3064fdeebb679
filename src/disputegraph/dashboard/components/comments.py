"""Comments on what a page shows (a cluster, an entity): the list, oldest first, and
a box to add one. The comment goes through :func:`disputegraph.views.workflow.add_comment`
and is audited, like the CLI's ``comments add``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import dash
from dash import Input, Output, State, ctx, dcc, html, no_update

from disputegraph.dashboard import ids
from disputegraph.dashboard.context import current_services, viewer_actor
from disputegraph.dashboard.pages import current_state
from disputegraph.exceptions import WorkflowError
from disputegraph.i18n import t
from disputegraph.schemas import Lang
from disputegraph.views.workflow import add_comment

__all__ = ["comments_panel", "register_comments"]


def comments_panel(prefix: str, lang: Lang) -> html.Div:
    """The card: ``<prefix>-comments`` (the list), ``-comment-text``, ``-comment-add``."""
    return html.Div(
        className="card comments",
        children=[
            html.H3(t("comments.title", lang)),
            html.Ul(id=f"{prefix}-comments"),
            dcc.Textarea(
                id=f"{prefix}-comment-text",
                placeholder=t("comments.placeholder", lang),
                style={"width": "100%"},
                value="",
            ),
            html.Button(
                t("comments.add", lang), id=f"{prefix}-comment-add", n_clicks=0, className="button"
            ),
            html.Div(id=f"{prefix}-comment-message", className="note"),
        ],
    )


def _items(target: str | None, lang: Lang) -> list[html.Li]:
    if not target:
        return []
    comments = current_services().workflow.comments(target)
    if not comments:
        return [html.Li(t("comments.none", lang), className="note")]
    return [
        html.Li([html.B(c.by), f" · {c.at:%Y-%m-%d %H:%M} · ", c.text], id=f"comment-{c.id}")
        for c in comments
    ]


def register_comments(
    app: dash.Dash, prefix: str, subject: Input, target_of: Callable[[Any], str | None]
) -> None:
    """The panel's callback: ``subject``'s value, through ``target_of``, is the id
    commented on; the button adds the text to it."""

    def update(value: Any, _clicks: int, text: str | None, data: Any) -> tuple[Any, ...]:
        lang = current_state(data).lang
        target = target_of(value)
        message: Any = ""
        cleared: Any = no_update
        if ctx.triggered_id == f"{prefix}-comment-add":
            if not target:
                message = t("comments.no_subject", lang)
            else:
                try:
                    comment = add_comment(
                        current_services().workflow,
                        target,
                        viewer_actor(),
                        text or "",
                        datetime.now(UTC),
                    )
                except WorkflowError as exc:
                    message = html.Span(str(exc), className="error")
                else:
                    current_services().audit("comment_add", target=target, comment=comment.id)
                    message, cleared = t("comments.added", lang), ""
        return _items(target, lang), message, cleared

    app.callback(
        Output(f"{prefix}-comments", "children"),
        Output(f"{prefix}-comment-message", "children"),
        Output(f"{prefix}-comment-text", "value"),
        subject,
        Input(f"{prefix}-comment-add", "n_clicks"),
        State(f"{prefix}-comment-text", "value"),
        State(ids.STATE, "data"),
    )(update)
