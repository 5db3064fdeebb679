"""The ``brief`` command: the briefing pack."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from disputegraph.cli.common import (
    app,
    audit_cli,
    err,
    handle_errors,
    parse_day,
    settings,
    store_session,
)

_BRIEF_OUT = typer.Option(
    ..., "--out", "-o", help="The pack to write: FILE.pdf, or FILE.html for one HTML file."
)


@app.command("brief")
@handle_errors
def brief_command(
    out_file: Path = _BRIEF_OUT,
    as_of: str | None = typer.Option(
        None, "--as-of", help="A stored analysis date (default: the latest analysis)."
    ),
    window_days: int | None = typer.Option(
        None, "--window-days", min=1, help="Window of the stored analysis."
    ),
    district: str | None = typer.Option(None, "--district", help="Only this district."),
    category: str | None = typer.Option(
        None, "--category", help="Only this category (code or label, e.g. wage_arrears, 欠薪)."
    ),
    status: str | None = typer.Option(
        None, "--status", help="Only this status (code or label), or 'open'."
    ),
    level: str | None = typer.Option(
        None, "--level", help="Only clusters of this risk level (red, orange, yellow, blue)."
    ),
    top: int = typer.Option(10, "--top", "-n", min=1, help="How many risk clusters to include."),
    lang: str | None = typer.Option(
        None, "--lang", help="zh or en (default: DISPUTEGRAPH_LANGUAGE)."
    ),
    role: str = typer.Option(
        "analyst",
        "--role",
        help="Masking: analyst (person names masked, the default) or officer (in full).",
    ),
) -> None:
    """Write the briefing pack: cover, key figures, the top risk clusters (network,
    factors, reasons), overdue and bounced hand-offs, agency bottlenecks, legend.

    Reads the stored analysis (run `analyze` first). Filters work as on the
    dashboard. The PDF is printed by headless Chromium (DISPUTEGRAPH_CHROMIUM
    names it when it is not on PATH).

    Example: disputegraph brief --out brief.pdf --as-of 2026-01-31 --district 城东区
    """
    from disputegraph.briefing import write_briefing
    from disputegraph.views.services import Services
    from disputegraph.views.state import ViewState

    if role not in ("analyst", "officer"):
        raise typer.BadParameter("use analyst or officer", param_hint="--role")
    if lang is not None and lang not in ("zh", "en"):
        raise typer.BadParameter("use zh or en", param_hint="--lang")
    cfg = settings()
    day = parse_day(as_of)
    values: dict[str, Any] = {
        "lang": lang or cfg.language,
        "as_of": day.isoformat() if day else None,
        "window": window_days,
        "district": district,
        "category": category,
        "status": status,
        "level": level,
    }
    state = ViewState.from_values(values, cfg.language)
    for key, given in (("category", category), ("status", status), ("level", level)):
        if given and getattr(state, key) is None:
            raise typer.BadParameter(f"unknown {key} {given!r}", param_hint=f"--{key}")
    # recorded before anything is written: nothing is exported unaudited
    audit_cli("export_briefing", out=str(out_file), role=role, filters=state.to_query(), top=top)
    with store_session(cfg) as store:
        services = Services(cfg, store, default_role="officer" if role == "officer" else "analyst")
        with err.status("writing the briefing pack…"):
            result = write_briefing(services, out_file, state, top=top)
    err.print(
        f"wrote {result.path} ({result.format}, {len(result.clusters)} clusters, "
        f"{result.renders} charts) in {result.seconds:.1f} s",
        highlight=False,
    )
