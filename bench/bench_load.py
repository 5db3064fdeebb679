"""Benchmark: validate + load a generated city into the memory store.

Prints, per scale: rows in the bundle, wall and CPU seconds and rows/s (wall) for
``validate_bundle``
(pass 1 only) and ``load_bundle`` (both passes, PII hashing, batch writes and the
snapshot flush), the snapshot size and the peak resident memory of the process.
CPU seconds are the steadier figure on a shared machine. Both validators run on the
same bundle in one process, one after the other (``--validator`` picks one): the
columnar path (the default) and the row-by-row reference; the last line gives the ratio.

    python bench/bench_load.py                      # scale 5,000 disputes
    python bench/bench_load.py --scale 2000 --scale 50000
    python bench/bench_load.py --bundle tests/data/sample
"""

from __future__ import annotations

import argparse
import csv
import resource
import sys
import tempfile
import time
from pathlib import Path

from disputegraph.config import Settings
from disputegraph.ingest import load_bundle, validate_bundle
from disputegraph.store import MemoryStore


def _rows(bundle: Path) -> int:
    total = 0
    for path in bundle.glob("*.csv"):
        with path.open(encoding="utf-8-sig", newline="") as fh:
            total += sum(1 for _ in csv.reader(fh)) - 1
    for path in bundle.glob("*.jsonl"):
        with path.open(encoding="utf-8") as fh:
            total += sum(1 for line in fh if line.strip())
    return total


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def bench(bundle: Path, work: Path, batch_size: int, validator: str) -> dict[str, float]:
    work = work / validator
    settings = Settings(demo=True, workspace=work / "ws", validator=validator)
    rows = _rows(bundle)
    t0, c0 = time.perf_counter(), time.process_time()
    report = validate_bundle(bundle, settings)
    t_validate, c_validate = time.perf_counter() - t0, time.process_time() - c0
    if not report.ok:
        print(report.render_text(max_issues=10), file=sys.stderr)
    store = MemoryStore(work / "ws" / "graph.snapshot")
    t0, c0 = time.perf_counter(), time.process_time()
    result = load_bundle(bundle, store, settings, batch_size=batch_size)
    t_load, c_load = time.perf_counter() - t0, time.process_time() - c0
    counts = store.counts()
    return {
        "rows": rows,
        "validate_s": t_validate,
        "validate_cpu_s": c_validate,
        "validate_rows_s": rows / t_validate,
        "load_s": t_load,
        "load_cpu_s": c_load,
        "load_rows_s": rows / t_load,
        "nodes": counts.total_nodes,
        "edges": counts.total_edges,
        "rejected": result.rejected,
        "snapshot_mb": (work / "ws" / "graph.snapshot").stat().st_size / 2**20,
        "peak_rss_mb": _peak_mb(),
    }


def _print(label: str, r: dict[str, float]) -> None:
    print(
        f"{label:>14}  rows {int(r['rows']):>10,}  "
        f"validate {r['validate_s']:6.2f} s, cpu {r['validate_cpu_s']:6.2f} s "
        f"({r['validate_rows_s']:>7,.0f} rows/s)  "
        f"load {r['load_s']:6.2f} s, cpu {r['load_cpu_s']:6.2f} s "
        f"({r['load_rows_s']:>7,.0f} rows/s)  "
        f"nodes {int(r['nodes']):>9,}  edges {int(r['edges']):>10,}  "
        f"rejected {int(r['rejected'])}  snapshot {r['snapshot_mb']:.1f} MB  "
        f"peak RSS {r['peak_rss_mb']:.0f} MB",
        flush=True,
    )


def _both(label: str, bundle: Path, work: Path, args: argparse.Namespace) -> None:
    import polars  # noqa: F401 - its import is not part of a load

    figures = {}
    for validator in args.validator or ["columnar", "rowwise"]:
        figures[validator] = r = bench(bundle, work, args.batch_size, validator)
        _print(f"{label} {validator}", r)
    if len(figures) == 2:
        fast, ref = figures["columnar"], figures["rowwise"]
        print(
            f"{label}  columnar vs rowwise: validate {ref['validate_s'] / fast['validate_s']:.2f}x "
            f"(cpu {ref['validate_cpu_s'] / fast['validate_cpu_s']:.2f}x), "
            f"load {ref['load_s'] / fast['load_s']:.2f}x "
            f"(cpu {ref['load_cpu_s'] / fast['load_cpu_s']:.2f}x)",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, action="append", help="disputes (repeatable)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=10_000)
    parser.add_argument("--bundle", type=Path, help="bench an existing bundle instead")
    parser.add_argument(
        "--validator", action="append", choices=["columnar", "rowwise"], help="default: both"
    )
    args = parser.parse_args()
    if args.bundle is not None:
        with tempfile.TemporaryDirectory() as tmp:
            _both(args.bundle.name, args.bundle, Path(tmp), args)
        return
    try:
        from disputegraph.synthetic import generate_city
    except ImportError:
        sys.exit("the synthetic city generator is not available; use --bundle PATH")
    for scale in args.scale or [5_000]:
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "city"
            t0 = time.perf_counter()
            generate_city(out, scale=scale, seed=args.seed)
            t_gen = time.perf_counter() - t0
            print(f"generated scale {scale:,} in {t_gen:.1f} s", flush=True)
            _both(f"scale {scale:,}", out, Path(tmp), args)


if __name__ == "__main__":
    main()
