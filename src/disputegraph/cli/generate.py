"""The ``generate`` command: the synthetic city."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from disputegraph.cli.common import (
    app,
    handle_errors,
    out,
    parse_day,
    progress_bar,
)

_OUT_ARG = typer.Argument(
    ..., metavar="OUT", help="Folder to write the bundle into.", show_default=False
)


@app.command("generate")
@handle_errors
def generate_command(
    out_dir: Path = _OUT_ARG,
    scale: int = typer.Option(
        5000, "--scale", "-n", min=1, help="Number of disputes (up to millions)."
    ),
    seed: int = typer.Option(7, "--seed", "-s", help="Random seed (same seed, same files)."),
    as_of: str | None = typer.Option(
        None,
        "--as-of",
        help="The city's 'today' (YYYY-MM-DD). "
        "Default 2026-02-03, two weeks before the Spring Festival.",
        show_default=False,
    ),
    file_format: str = typer.Option(
        "csv", "--format", "-f", help="csv, jsonl, or xlsx (one workbook; scale <= 20000)."
    ),
    sources: int = typer.Option(
        0,
        "--sources",
        min=0,
        max=4,
        help="Split the city across N source systems (1–4), each with its own record ids, "
        "headers, labels and spellings and a mapping.toml; _planted.json gets the true "
        "identities (see docs/mappings.md). csv only.",
    ),
    text_source: bool = typer.Option(
        False,
        "--text-source",
        help="Also write OUT/_message-board/: a message-board export (one message per "
        "tenth dispute) naming employers, compounds, buildings and villages only in its "
        "text, its mapping.toml (extract) and _truth.json (see docs/mappings.md). csv only.",
    ),
) -> None:
    """Write a synthetic city bundle with planted patterns the analytics must find.

    One file per table plus _planted.json, which lists each planted pattern
    (wage arrears along a contractor chain, an elevator dispute splitting one
    building, land-rent arrears in a village, a large benign cluster, bounced and
    stalled cases) with its disputes, members and expected result.

    With --sources N, OUT holds 0-registry/ (a plain bundle: agencies,
    properties, the employer register) and one folder per source system; load
    them in that order, each source with --mapping OUT/<folder>/mapping.toml,
    then run `disputegraph resolve run`.

    With --text-source, load OUT, then OUT/_message-board with --mapping
    OUT/_message-board/mapping.toml: the names in its messages link them to the
    city's employers and properties (MENTIONS).

    Example: disputegraph generate city --scale 5000 --seed 7 --as-of 2026-02-03
    """
    if sources and file_format != "csv":
        raise typer.BadParameter(
            "--sources writes CSV exports; drop --format", param_hint="--sources"
        )
    if text_source and (sources or file_format != "csv"):
        raise typer.BadParameter(
            "--text-source writes next to a plain CSV city; drop --sources and --format",
            param_hint="--text-source",
        )
    plain_dir = out_dir / "_plain" if sources else out_dir
    day = parse_day(as_of)
    planted = _generate_plain(plain_dir, scale, seed, day, file_format)
    if sources:
        import shutil

        from disputegraph.synthetic.multisource import split_sources

        truth = split_sources(plain_dir, out_dir, sources=sources, seed=seed)
        shutil.rmtree(plain_dir)
        out.print(_sources_table(truth, out_dir, sources))
        planted = truth
    if text_source:
        from disputegraph.synthetic.multisource.textboard import BOARD_FOLDER, write_text_source

        board = write_text_source(
            out_dir, out_dir / BOARD_FOLDER, seed=seed, messages=max(60, scale // 10)
        )
        folder = out_dir / BOARD_FOLDER
        out.print(
            f"message board: {len(board['messages']):,} messages naming {board['mentions']:,} "
            f"entities in {folder}; load it with --mapping {folder / 'mapping.toml'}"
        )
    out.print(_counts_table(planted, out_dir, seed))
    out.print(_patterns_table(planted))


def _generate_plain(
    plain_dir: Path, scale: int, seed: int, day: date | None, file_format: str
) -> dict[str, Any]:
    """The synthetic city written into ``plain_dir``, with a progress bar per stage."""
    from disputegraph.synthetic import generate_city

    with progress_bar(spinner=False) as bar:
        tasks: dict[str, Any] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        return generate_city(
            plain_dir, scale=scale, seed=seed, as_of=day, fmt=file_format, progress=progress
        )


def _sources_table(truth: dict[str, Any], out_dir: Path, sources: int) -> Table:
    """The source folders of a multi-source city, in the order to load them."""
    split = Table(
        title=f"{truth['records']:,} person and organisation records in {sources} "
        "source systems; load in this order"
    )
    for col in ("folder", "source", "load with"):
        split.add_column(col)
    for entry in truth["load_order"]:
        how = (
            f"--mapping {out_dir / entry['folder'] / entry['mapping']}" if entry["mapping"] else ""
        )
        split.add_row(entry["folder"], entry["source"], how)
    return split


def _counts_table(planted: dict[str, Any], out_dir: Path, seed: int) -> Table:
    """Rows written per table."""
    table = Table(title=f"synthetic city in {out_dir} (seed {seed}, as of {planted['as_of']})")
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name, count in planted["counts"].items():
        table.add_row(name, f"{count:,}")
    return table


def _patterns_table(planted: dict[str, Any]) -> Table:
    """The planted patterns and what the analytics must find for each."""
    patterns = Table(title="planted patterns (see _planted.json)")
    for col in ("pattern", "expect", "disputes", "members", "anchor"):
        patterns.add_column(col)
    for p in planted["patterns"]:
        flags = ", ".join(p.get("expect_flags", []))
        expect = f"flags: {flags}" if p["expect"] == "flag" else p["expect"]
        patterns.add_row(
            p["name"], expect, str(len(p["disputes"])), str(len(p["members"])), p["anchor"]
        )
    for e in planted.get("escalations", []):  # the backtest's truth: truth/escalations.csv
        expect = "benign twin" if e["benign"] else f"escalates {e['onset']}"
        patterns.add_row(
            e["name"], expect, str(len(e["disputes"])), str(len(e["members"])), e["anchor"]
        )
    return patterns
