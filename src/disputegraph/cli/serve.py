"""The dashboard: ``serve`` and ``demo``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from disputegraph.cli.common import (
    app,
    err,
    handle_errors,
    settings,
    store_session,
)
from disputegraph.cli.watch import start_reanalysis
from disputegraph.exceptions import DisputeGraphError

_LOOPBACK = {"127.0.0.1", "localhost", "::1"}
_WATCH_OPTION = typer.Option(
    None,
    "--watch",
    help="Also load the exports dropped into this folder and analyse again, as "
    "`disputegraph watch FOLDER` does; the open pages see the new data.",
    show_default=False,
)
_PORT = typer.Option(8050, "--port", min=1, max=65535, help="Port to listen on.")


def _role_option(default: str) -> Any:
    return typer.Option(
        default, "--role", help="Whose view: analyst (names masked) or officer (full names)."
    )


def _check_host(host: str, demo: bool) -> None:
    if demo and host not in _LOOPBACK:
        raise DisputeGraphError(
            f"--host {host}: demo mode has no login and only binds a loopback address "
            "(127.0.0.1, localhost or ::1); drop --demo to serve on another interface"
        )


def _viewer_role(role: str) -> Any:
    if role not in ("analyst", "officer"):
        raise DisputeGraphError(f"--role {role!r}: use analyst (names masked) or officer")
    return role


def _serve(dash_app: Any, host: str, port: int) -> None:
    url_host = f"[{host}]" if ":" in host else host
    err.print(f"dashboard: http://{url_host}:{port}/  (Ctrl+C to stop)", highlight=False)
    dash_app.run(host=host, port=port, debug=False, dev_tools_disable_version_check=True)


@app.command("serve")
@handle_errors
def serve_command(
    host: str = typer.Option("127.0.0.1", "--host", help="Interface to bind."),
    port: int = _PORT,
    demo: bool = typer.Option(
        False, "--demo", help="Demo mode: synthetic data, no login, loopback only."
    ),
    role: str = _role_option("analyst"),
    watch: Path | None = _WATCH_OPTION,
) -> None:
    """Serve the dashboard over the configured store and its latest analysis.

    Users log in (accounts: `users add`); the session key comes from
    DISPUTEGRAPH_SECRET_KEY. With --demo there is no login, the viewer has
    --role, and only a loopback address can be bound.

    With --watch FOLDER the exports dropped into FOLDER are loaded as they come
    (see `disputegraph watch --help`); each page shows when the data moved on.
    After an export, an upload or an API ingest the workspace is analysed again
    once nothing was loaded for 3 s; only what the new rows reach is scored again.

    Example: disputegraph serve --port 8050
    """
    from disputegraph.dashboard.auth import create_secure_app, require_secret_key

    _check_host(host, demo)
    viewer = _viewer_role(role)
    cfg = settings()
    if demo:
        cfg = cfg.model_copy(update={"demo": True})
    else:
        require_secret_key(cfg)  # one line, before opening anything
        if host not in _LOOPBACK:
            err.print(
                f"warning: serving on {host}; put it behind TLS and make sure only "
                "authorised users can reach it",
                highlight=False,
            )
    if watch is not None:
        cfg.pii_key_bytes()  # one line before serving when the watcher could not load
    with store_session(cfg) as store:
        after_ingest = start_reanalysis(cfg, watch)
        dash_app = create_secure_app(
            cfg, store, demo=demo, demo_role=viewer, warm=True, after_ingest=after_ingest
        )
        _serve(dash_app, host, port)


@app.command("demo")
@handle_errors
def demo_command(
    scale: int = typer.Option(5000, "--scale", min=100, help="Disputes in the synthetic city."),
    seed: int = typer.Option(7, "--seed", help="Random seed (same seed, same city)."),
    port: int = _PORT,
    no_serve: bool = typer.Option(
        False, "--no-serve", help="Generate, load and analyse, then exit."
    ),
    role: str = _role_option("officer"),
) -> None:
    """Generate a synthetic city, load it into an in-memory store, analyse it
    and serve the dashboard on 127.0.0.1 (demo mode, no login).

    The bundle is written to <workspace>/demo-bundle; the configured store is
    not touched.

    Example: disputegraph demo --scale 2000 --port 8050
    """
    import time

    from disputegraph.analytics import run_analysis
    from disputegraph.dashboard.auth import create_secure_app
    from disputegraph.ingest import load_bundle
    from disputegraph.store.memory import MemoryStore
    from disputegraph.synthetic import generate_city

    viewer = _viewer_role(role)
    cfg = settings().model_copy(update={"demo": True, "store": "memory"})
    out_dir = cfg.workspace / "demo-bundle"
    if cfg.boundaries is None:  # the generated city's own boundaries
        cfg = cfg.model_copy(update={"boundaries": out_dir / "boundaries.geojson"})
    started = time.perf_counter()

    def step(text: str) -> None:
        err.print(f"[{time.perf_counter() - started:6.1f} s] {text}", highlight=False)

    step(f"generating a city of {scale:,} disputes (seed {seed}) in {out_dir}")
    generate_city(out_dir, scale=scale, seed=seed)
    step("loading it into an in-memory store")
    store = MemoryStore()
    load_bundle(out_dir, store, cfg, strict=False)
    counts = store.counts()
    step(f"loaded {counts.total_nodes:,} nodes and {counts.total_edges:,} relationships")
    step("analysing (clusters, risk, responsibility chains)")
    result = run_analysis(store)
    step(f"analysed as of {result.as_of}: {len(result.clusters):,} clusters")
    if no_serve:
        return
    dash_app = create_secure_app(cfg, store, demo=True, demo_role=viewer, warm=True)
    _serve(dash_app, "127.0.0.1", port)
