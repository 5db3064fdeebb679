"""Upload data (数据导入), for officers and admins: pick a source (a mapping of the
workspace, an uploaded ``mapping.toml``, or the bundle format), drop a file, read the
validation report — the counts and the first problems, each with its file, row, field,
value and reason — then Commit (the load) or Cancel. Nothing is written before Commit.
The work is :mod:`disputegraph.ingest.upload`, the same code as the ingest endpoint's."""

from __future__ import annotations

import base64
import binascii
import contextlib
from collections.abc import Iterator
from typing import Any

import dash
import flask
from dash import Input, Output, State, ctx, dcc, html, no_update

from disputegraph.config import Settings
from disputegraph.dashboard import ids
from disputegraph.dashboard.context import current_services
from disputegraph.dashboard.ingest_api import writer_of
from disputegraph.dashboard.pages import current_state
from disputegraph.dashboard.session import current_viewer
from disputegraph.exceptions import DisputeGraphError
from disputegraph.i18n import t
from disputegraph.ingest.mapping import SourceMapping
from disputegraph.ingest.upload import (
    MAX_BODY_BYTES,
    Upload,
    UploadError,
    UploadReport,
    commit_upload,
    configured_sources,
    mapping_from_text,
    name_format,
    open_staged,
    source_mapping,
    stage,
    validate_upload,
)
from disputegraph.schemas import TABLES, Lang
from disputegraph.store import open_store
from disputegraph.store.protocol import GraphStore
from disputegraph.views.state import ViewState

__all__ = ["PATH", "ROLES", "layout", "may_upload", "register"]

PATH = "/upload"
#: who may upload
ROLES = frozenset({"officer", "admin"})
#: the bundle format's source name (no mapping)
BUNDLE_SOURCE = "dashboard"
#: problems listed on the page (the report file has them all)
SHOWN_ISSUES = 20


def may_upload(role: str | None) -> bool:
    return role in ROLES


def _role() -> str | None:
    """The viewer's role (without logins: the dashboard's default role)."""
    viewer = current_viewer()
    if viewer is not None:
        return viewer.role
    return current_services().default_role if flask.has_app_context() else None


def _viewer_name() -> str:
    viewer = current_viewer()
    return viewer.name if viewer is not None else "dashboard"


def layout(state: ViewState) -> html.Div:
    """The form, the report and the two buttons (or why the viewer cannot upload)."""
    lang = state.lang
    if flask.has_request_context() and not may_upload(_role()):
        return html.Div(
            html.P(t("upload.not_allowed", lang), id=ids.UPLOAD_MESSAGE), className="card"
        )
    # no app context: the validation layout, drawn once at start-up
    sources = configured_sources(current_services().settings) if flask.has_app_context() else []
    options = [{"label": t("upload.source_bundle", lang), "value": ""}] + [
        {"label": s, "value": s} for s in sources
    ]
    return html.Div(
        className="page-upload",
        children=[
            dcc.Store(id=ids.UPLOAD_STAGED, data=None),
            html.Div(
                className="card",
                children=[
                    html.H3(t("upload", lang)),
                    html.Label(t("upload.source", lang)),
                    dcc.Dropdown(id=ids.UPLOAD_SOURCE, options=options, value="", clearable=False),
                    dcc.Upload(
                        id=ids.UPLOAD_MAPPING,
                        children=html.Div(t("upload.mapping", lang)),
                        className="upload-drop upload-mapping",
                        accept=".toml",
                    ),
                    html.Div(id=ids.UPLOAD_MAPPING_NAME, className="note"),
                    html.Label(t("upload.table", lang)),
                    dcc.Dropdown(
                        id=ids.UPLOAD_TABLE, options=[{"label": x, "value": x} for x in TABLES]
                    ),
                    html.Div(file_input(lang), id=ids.UPLOAD_FILE_BOX),
                ],
            ),
            html.Div(id=ids.UPLOAD_MESSAGE, className="note", role="status"),
            html.Div(id=ids.UPLOAD_REPORT),
            html.Button(
                t("upload.commit", lang),
                id=ids.UPLOAD_COMMIT,
                n_clicks=0,
                className="btn",
                disabled=True,
            ),
            html.Button(
                t("upload.cancel", lang),
                id=ids.UPLOAD_CANCEL,
                n_clicks=0,
                className="btn",
                disabled=True,
            ),
        ],
    )


def file_input(lang: Lang) -> dcc.Upload:
    """The file picker (drawn anew after a commit or cancel, so the same file can be
    picked again: a picker keeps its last file and reports no change otherwise)."""
    return dcc.Upload(
        id=ids.UPLOAD_FILE,
        children=html.Div(t("upload.file", lang)),
        className="upload-drop",
        max_size=MAX_BODY_BYTES,
        accept=".csv,.jsonl,.ndjson,.json,.xlsx",
    )


def report_view(report: UploadReport, lang: Lang) -> html.Div:
    """The counts per table and the first problems, as two tables."""
    counts = html.Table(
        [
            html.Tr(
                [html.Th(t(f"upload.col_{c}", lang)) for c in ("table", "rows", "good", "bad")]
            ),
            *(
                html.Tr([html.Td(table), html.Td(c.rows), html.Td(c.good), html.Td(c.bad)])
                for table, c in report.counts.items()
            ),
        ],
        id=ids.UPLOAD_COUNTS,
        className="upload-table",
    )
    shown = report.issues[:SHOWN_ISSUES]
    columns = ("severity", "file", "line", "column", "value", "reason")
    issues = html.Table(
        [
            html.Tr([html.Th(t(f"upload.col_{c}", lang)) for c in columns]),
            *(
                html.Tr(
                    [
                        html.Td(str(getattr(i, c) if getattr(i, c) is not None else ""))
                        for c in columns
                    ]
                )
                for i in shown
            ),
        ],
        id=ids.UPLOAD_ISSUES,
        className="upload-table",
    )
    children: list[Any] = [html.H4(t("upload.counts", lang)), counts]
    if shown:
        children += [html.H4(t("upload.rejects", lang, n=len(shown))), issues]
    return html.Div(children, className="card")


def _decode(contents: str) -> bytes:
    """The bytes of a ``dcc.Upload`` data URL."""
    try:
        return base64.b64decode(contents.split(",", 1)[1], validate=True)
    except (IndexError, ValueError, binascii.Error):
        raise UploadError("the file did not arrive whole; pick it again") from None


def check(
    contents: str,
    filename: str | None,
    source: str | None,
    table: str | None,
    mapping_contents: str | None,
    mapping_name: str | None,
) -> UploadReport:
    """Stage the file and validate it against the dashboard's store (writes nothing)."""
    svc = current_services()
    settings = svc.settings
    fmt = name_format(filename)
    if fmt is None:
        raise UploadError(f"{filename}: not a .csv, .jsonl, .json or .xlsx file")
    mapping_text = _decode(mapping_contents) if mapping_contents else None
    mapping: SourceMapping | None
    if mapping_text is not None:
        mapping = mapping_from_text(mapping_text, svc.taxonomy, name=mapping_name or "mapping")
        name = mapping.name if mapping.name != "mapping" else BUNDLE_SOURCE
    else:
        name = source or BUNDLE_SOURCE
        mapping = source_mapping(settings, source, svc.taxonomy) if source else None
    upload = Upload(name, _decode(contents), fmt, table or None, filename)
    staged = stage(upload, settings, mapping, by=_viewer_name(), mapping_text=mapping_text)
    try:
        with _latest(svc.store, settings) as store:
            report = validate_upload(staged, settings, store)
    except DisputeGraphError:
        staged.discard()
        raise
    if report.status == "rejected":
        staged.discard()
    return report


@contextlib.contextmanager
def _latest(store: GraphStore, settings: Settings) -> Iterator[GraphStore]:
    """The dashboard's store, or a fresh read of the workspace when another process (a
    commit, a load) wrote to it since: references are checked against what is there."""
    loaded = getattr(store, "loaded_generation", None)  # the embedded store's
    if loaded is None or store.generation() == loaded:
        yield store
        return
    fresh = open_store(settings)
    try:
        yield fresh
    finally:
        fresh.close()


def _validate(
    contents: str | None,
    filename: str | None,
    source: str | None,
    table: str | None,
    mapping_contents: str | None,
    mapping_name: str | None,
    previous: str | None,
    data: dict[str, Any] | None,
) -> tuple[Any, ...]:
    lang = current_state(data).lang
    if not may_upload(_role()):
        return t("upload.not_allowed", lang), None, None, True, True
    if not contents:  # no file yet, or the one committed or cancelled was cleared
        return no_update, no_update, no_update, no_update, no_update
    if previous:  # a new file, source or table: the upload checked before is dropped
        _discard(previous)
    try:
        report = check(contents, filename, source, table, mapping_contents, mapping_name)
    except DisputeGraphError as exc:
        return t("upload.refused", lang, reason=str(exc)), None, None, True, True
    if report.status == "rejected":
        message = t("upload.refused", lang, reason=report.message or "")
        return message, report_view(report, lang), None, True, True
    message = t(
        "upload.validated",
        lang,
        file=filename or "",
        rows=report.rows,
        good=report.good,
        bad=report.rejected,
    )
    return message, report_view(report, lang), report.upload, False, False


def _discard(name: str) -> None:
    with contextlib.suppress(UploadError):  # already committed, cancelled or never there
        open_staged(current_services().settings, name, by=_viewer_name()).discard()


def _commit_or_cancel(
    _commit: int, _cancel: int, name: str | None, data: dict[str, Any] | None
) -> tuple[Any, ...]:
    lang = current_state(data).lang
    if not name or not may_upload(_role()):
        return no_update, no_update, None, True, True, no_update
    if ctx.triggered_id == ids.UPLOAD_CANCEL:
        _discard(name)
        svc = current_services()
        _audit(svc, "upload_cancel", upload=name)
        return t("upload.cancelled", lang), None, None, True, True, file_input(lang)
    svc = current_services()
    try:
        staged = open_staged(svc.settings, name, by=_viewer_name(), taxonomy=svc.taxonomy)
    except UploadError as exc:
        refused = t("upload.refused", lang, reason=str(exc))
        return refused, None, None, True, True, file_input(lang)
    try:
        with writer_of(svc.settings)() as store:
            report = commit_upload(staged, store, svc.settings)
    except DisputeGraphError as exc:
        refused = t("upload.refused", lang, reason=str(exc))
        return refused, no_update, no_update, False, False, no_update
    staged.discard()
    if report.committed:
        svc.after_ingest()
    _audit(
        svc,
        "upload_commit",
        upload=name,
        source=staged.source,
        status=report.status,
        loaded=report.good if report.committed else 0,
        rejected=report.rejected,
    )
    if report.status == "rejected":
        message = t("upload.refused", lang, reason=report.message or "")
    else:
        message = t(
            "upload.loaded",
            lang,
            good=report.good,
            bad=report.rejected,
            rejects=report.rejects_file or "-",
        )
    return message, report_view(report, lang), None, True, True, file_input(lang)


def _audit(svc: Any, action: str, **params: Any) -> None:
    audit = getattr(svc, "audit", None)  # RoleAwareServices audits; plain Services do not
    if callable(audit):
        audit(action, **params)


def register(app: dash.Dash) -> None:
    outputs = (
        Output(ids.UPLOAD_MESSAGE, "children"),
        Output(ids.UPLOAD_REPORT, "children"),
        Output(ids.UPLOAD_STAGED, "data"),
        Output(ids.UPLOAD_COMMIT, "disabled"),
        Output(ids.UPLOAD_CANCEL, "disabled"),
    )
    app.callback(
        *outputs,
        Input(ids.UPLOAD_FILE, "contents"),
        State(ids.UPLOAD_FILE, "filename"),
        Input(ids.UPLOAD_SOURCE, "value"),
        Input(ids.UPLOAD_TABLE, "value"),
        Input(ids.UPLOAD_MAPPING, "contents"),
        State(ids.UPLOAD_MAPPING, "filename"),
        State(ids.UPLOAD_STAGED, "data"),
        State(ids.STATE, "data"),
        prevent_initial_call=True,
    )(_validate)
    app.callback(
        *(Output(o.component_id, o.component_property, allow_duplicate=True) for o in outputs),
        Output(ids.UPLOAD_FILE_BOX, "children"),
        Input(ids.UPLOAD_COMMIT, "n_clicks"),
        Input(ids.UPLOAD_CANCEL, "n_clicks"),
        State(ids.UPLOAD_STAGED, "data"),
        State(ids.STATE, "data"),
        prevent_initial_call=True,
    )(_commit_or_cancel)

    @app.callback(
        Output(ids.UPLOAD_MAPPING_NAME, "children"),
        Input(ids.UPLOAD_MAPPING, "filename"),
        State(ids.STATE, "data"),
        prevent_initial_call=True,
    )
    def _mapping_name(filename: str | None, data: dict[str, Any] | None) -> str:
        lang = current_state(data).lang
        return t("upload.mapping_loaded", lang, name=filename) if filename else ""
