"""The synthetic city: a deterministic, realistic input bundle with planted patterns.

``generate_city(out)`` writes one file per table of the README's "Input bundle" (all 13, columns
exactly the row models' fields, header row, UTF-8) plus ``_planted.json`` and the boundaries of
its districts, streets and grids (``boundaries.geojson``, ``synthetic/boundaries.py``)::

    >>> from pathlib import Path; import tempfile
    >>> planted = generate_city(Path(tempfile.mkdtemp()) / "city", scale=500)
    >>> [p["name"] for p in planted["patterns"]][:2]
    ['wage_arrears_chain', 'elevator_building']

The city (临江市): districts → streets/townships → communities/villages → grids;
residential compounds → buildings → units, villages → land parcels, construction
projects; property managers; agencies at every level (grid stations, residents'
and villagers' committees, street governments, governance centres, justice
offices, mediation committees, police stations, county bureaus, the city's
12345 hotline centre and petition bureau, the province petition bureau) linked
by ``reports_to``. ``scale`` background disputes (minus the planted ones) of
every category, spread over the two years before ``as_of`` with recent ones
more likely open, with parties, employers and contractor chains, reports
(repeat contacts), links and hand-off chains whose ``due_at`` follows the time
limits of docs/architecture.md §6.

Planted patterns (the same at every scale; their own ids ``D9…``/``P9…``/
``E9…``/``PR9…``; they share only agencies with the background, so a cluster
found by the analytics should equal the pattern's ``members``):

``wage_arrears_chain`` (expect top 3)
    Developer → general contractor → subcontractor → two labour teams on one
    construction project (``chain_depth`` 3 ``SUBCONTRACTOR_OF`` hops); 28 migrant
    workers employed by the teams; 6 wage-arrears disputes reported in the 45 days
    before ``as_of`` (the run-up to the Spring Festival), ¥1.79M in total, 5 open;
    2 petitions (a collective visit to the county bureau and a skip-level letter
    to the city bureau); escalation to the county centre and city supervision.
``elevator_building`` (expect top 3)
    One 1994 building: 7 upper-floor owners (mostly elderly) against 5 lower-floor
    owners in 6 elevator-retrofit disputes over 165 days; repeat hotline calls, an
    online petition and a collective visit, a failed mediation, an unsatisfied
    follow-up (rebound).
``land_rent_village`` (expect top 3)
    14 parcels of one village leased (``LEASES``) to one cooperative; 18 villagers
    (mostly elderly) in 6 open land-transfer rent-arrears disputes within 55 days,
    2 of them petitions.
``benign_property_manager`` (expect below the three above)
    One property manager of a 12-building compound; 60 small property-management
    and noise disputes over 160 days, 1–2 parties each, all closed within days with
    satisfied follow-ups: large but benign.
``bounced_case`` (expect the ``bounced`` flag)
    Two cases returned back and forth between the district housing bureau and
    urban management (A→B→A→B with ``returned`` steps).
``stalled_case`` (expect the ``overdue`` flag)
    A neighbour dispute whose mediation step at the street mediation committee
    opened 128 days before ``as_of`` with a 30-day limit, still open.

Escalations with a known onset (``synthetic/planted/onset.py``, for the backtest)
    Per category (wage arrears, elevator retrofit, land rent, property management)
    two clusters that grow quietly (three one-person disputes, repeat hotline calls,
    an overdue hand-off) and escalate at a planted onset (a collective or skip-level
    petition of 9–26 people and a 110 call), and one benign twin that grows the same
    way but is settled each time; written to ``truth/escalations.csv``.

``_planted.json``: ``{"seed", "scale", "as_of", "format", "counts": {table: rows},
"patterns": [{"name", "expect", "disputes", "members", "anchor", "description_zh",
"description_en", …pattern-specific keys}], "escalations": [{"name", "expect",
"category", "onset", "benign", "disputes", "members", "anchor"}]}``; ``expect`` is ``top3``,
``below_top3`` or ``flag`` (then ``expect_flags`` lists the chain flags).
``members`` are the disputes, parties, employers and properties of the pattern;
every member is a party to, or a property concerned by, one of its disputes (or a
contractor above its employers), so the cluster equals ``members`` whether or not
the projection joins units to buildings or parcels to villages.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from datetime import date
from pathlib import Path
from typing import IO, Any

from disputegraph.exceptions import DisputeGraphError
from disputegraph.schemas.registry import TABLES
from disputegraph.synthetic.background import CHUNK, Counters, background_chunk
from disputegraph.synthetic.boundaries import LocatedProperties, boundaries_json, build_boundaries
from disputegraph.synthetic.city import Columns, build_city
from disputegraph.synthetic.handling import build_templates
from disputegraph.synthetic.planted import RESERVED_NAMES, plant_patterns
from disputegraph.synthetic.planted.onset import TRUTH_FILE, truth_csv
from disputegraph.synthetic.timing import Window

__all__ = [
    "DEFAULT_AS_OF",
    "FORMATS",
    "XLSX_MAX_SCALE",
    "GenerateError",
    "Progress",
    "generate_city",
]

#: Two weeks before the 2026 Spring Festival (2026-02-17).
DEFAULT_AS_OF = date(2026, 2, 3)
FORMATS = ("csv", "jsonl", "xlsx")
#: the districts, streets and grids as GeoJSON (``synthetic/boundaries.py``)
BOUNDARIES_FILE = "boundaries.geojson"
XLSX_MAX_SCALE = 20_000
MAX_SCALE = 5_000_000
#: ``progress(stage, done, total)``
Progress = Callable[[str, int, int], None]

_INT_COLS = {"headcount", "built_year", "seq"}
_FLOAT_COLS = {"amount_yuan", "lat", "lon"}


class GenerateError(DisputeGraphError):
    """The generator was asked for something it cannot write."""


def _tables() -> dict[str, list[str]]:
    return {name: model.columns() for name, model in TABLES.items()}


def _typed(col: str, value: str) -> Any:
    if col == "tags":
        return value.split(";") if value else []
    if value == "":
        return None
    if col in _INT_COLS:
        return int(value)
    if col in _FLOAT_COLS:
        number = float(value)
        return int(number) if col == "amount_yuan" and number.is_integer() else number
    return value


class _Sink:
    """Appends column chunks to one file per table (csv/jsonl) or collects them (xlsx)."""

    def __init__(self, out: Path, fmt: str, stack: ExitStack, located: LocatedProperties) -> None:
        self.fmt = fmt
        self.located = located
        self.columns = _tables()
        self.counts = dict.fromkeys(self.columns, 0)
        self.files: dict[str, IO[str]] = {}
        self.writers: dict[str, Any] = {}
        self.held: dict[str, list[tuple[str, ...]]] = {t: [] for t in self.columns}
        if fmt == "xlsx":
            return
        for table, cols in self.columns.items():
            fh = stack.enter_context(
                (out / f"{table}.{fmt}").open("w", encoding="utf-8", newline="")
            )
            self.files[table] = fh
            if fmt == "csv":
                writer = csv.writer(fh, lineterminator="\n")
                writer.writerow(cols)
                self.writers[table] = writer

    def write(self, tables: dict[str, Columns]) -> None:
        self.located.add(tables.get("properties"))
        for table, cols in self.columns.items():
            data = tables.get(table)
            if not data or not data[cols[0]]:
                continue
            lengths = {len(data[c]) for c in cols}
            if len(lengths) != 1:
                raise AssertionError(
                    f"ragged columns in {table}: { {c: len(data[c]) for c in cols} }"
                )
            rows = zip(*(data[c] for c in cols), strict=True)
            self.counts[table] += lengths.pop()
            if self.fmt == "csv":
                self.writers[table].writerows(rows)
            elif self.fmt == "jsonl":
                fh = self.files[table]
                dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
                fh.writelines(
                    dumps({c: _typed(c, v) for c, v in zip(cols, row, strict=True)}) + "\n"
                    for row in rows
                )
            else:
                self.held[table].extend(rows)

    def write_xlsx(self, path: Path, as_of: date) -> None:
        from datetime import datetime

        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        stamp = datetime(as_of.year, as_of.month, as_of.day)
        wb.properties.created = stamp
        wb.properties.modified = stamp
        wb.properties.creator = "disputegraph"
        for table, cols in self.columns.items():
            ws = wb.create_sheet(table)
            ws.append(cols)
            for row in self.held[table]:
                ws.append(
                    [v if c == "tags" else _typed(c, v) for c, v in zip(cols, row, strict=True)]
                )
        buf = io.BytesIO()
        wb.save(buf)
        _rezip(buf.getvalue(), path, (as_of.year, as_of.month, as_of.day, 0, 0, 0))


def _rezip(data: bytes, path: Path, when: tuple[int, int, int, int, int, int]) -> None:
    """Rewrite a zip with fixed member timestamps so the workbook is byte-identical per seed."""
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=when)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # the writer stamps the save time here
                stamp = "{:04d}-{:02d}-{:02d}T00:00:00Z".format(*when[:3]).encode()
                body = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(<)", rb"\g<1>" + stamp + rb"\g<2>", body
                )
            dst.writestr(fixed, body)


def _remove_previous(out: Path) -> None:
    """Delete table files an earlier run left in ``out`` (maybe in another format), so a
    reader never sees two versions of one table; other files are left alone."""
    names = [f"{t}.{ext}" for t in _tables() for ext in ("csv", "jsonl", "xlsx")]
    for name in [*names, "city.xlsx", "_planted.json", BOUNDARIES_FILE, TRUTH_FILE]:
        (out / name).unlink(missing_ok=True)


def _chunks(total: int) -> Iterator[tuple[int, int]]:
    for no, start in enumerate(range(0, total, CHUNK)):
        yield no, min(CHUNK, total - start)


def generate_city(
    out: Path,
    *,
    scale: int = 5000,
    seed: int = 7,
    as_of: date | None = None,
    fmt: str = "csv",
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Write a synthetic city bundle into the folder ``out``; return the planted record.

    ``scale`` is the number of disputes (planted ones included); the same
    ``seed``, ``scale``, ``as_of`` and ``fmt`` give byte-identical files.
    ``fmt`` is ``csv``, ``jsonl`` or ``xlsx`` (one workbook ``city.xlsx``, one sheet
    per table, up to :data:`XLSX_MAX_SCALE` disputes).
    """
    if fmt not in FORMATS:
        raise GenerateError(f"format {fmt!r} is not supported; use one of {', '.join(FORMATS)}")
    if not 1 <= scale <= MAX_SCALE:
        raise GenerateError(f"scale {scale} is out of range; use 1 to {MAX_SCALE:,} disputes")
    if fmt == "xlsx" and scale > XLSX_MAX_SCALE:
        raise GenerateError(
            f"xlsx is for small bundles (scale <= {XLSX_MAX_SCALE:,}); "
            f"use --format csv for scale {scale:,}"
        )
    as_of = as_of or DEFAULT_AS_OF
    report: Progress = progress or (lambda _stage, _done, _total: None)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise GenerateError(f"cannot create the output folder {out}: {exc.strerror}") from None
    _remove_previous(out)
    window = Window(as_of)
    used_names: set[str] = set(RESERVED_NAMES)

    report("city", 0, 1)
    city = build_city(seed, scale, used_names)
    report("city", 1, 1)
    templates = build_templates()
    located = LocatedProperties()
    with ExitStack() as stack:
        sink = _Sink(out, fmt, stack, located)
        sink.write(
            {
                "properties": city.properties,
                "employers": city.employers,
                "agencies": city.agencies,
                "property_ties": city.property_ties,
            }
        )
        planted_rows: dict[str, Columns] = {
            t: {c: [] for c in cols} for t, cols in sink.columns.items()
        }
        patterns, escalations = plant_patterns(city, seed, window.t0, planted_rows, used_names)
        sink.write(planted_rows)
        n_planted = len(planted_rows["disputes"]["id"])
        background = max(0, scale - n_planted)
        counters = Counters(employer=len(city.employers["id"]), prop=len(city.prop_ids))
        done = n_planted
        report("disputes", done, max(scale, n_planted))
        for no, size in _chunks(background):
            sink.write(
                background_chunk(seed, no, size, city, templates, window, counters, used_names)
            )
            done += size
            report("disputes", done, max(scale, n_planted))
        if fmt == "xlsx":
            report("write", 0, 1)
            sink.write_xlsx(out / "city.xlsx", as_of)
            report("write", 1, 1)
    report("boundaries", 0, 1)
    (out / BOUNDARIES_FILE).write_text(
        boundaries_json(build_boundaries(city, located)), encoding="utf-8"
    )
    report("boundaries", 1, 1)
    planted = {
        "seed": seed,
        "scale": scale,
        "as_of": as_of.isoformat(),
        "format": fmt,
        "counts": sink.counts,
        "patterns": patterns,
        "escalations": escalations,
    }
    (out / TRUTH_FILE).parent.mkdir(exist_ok=True)
    (out / TRUTH_FILE).write_text(truth_csv(escalations), encoding="utf-8")
    (out / "_planted.json").write_text(
        json.dumps(planted, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return planted
