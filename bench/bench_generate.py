"""Benchmark the synthetic city generator: seconds, rows/s and file sizes per scale.

Usage: python bench/bench_generate.py [SCALE ...] [--format csv|jsonl] [--keep DIR]

Default scales: 10,000, 100,000 and 1,000,000 disputes. Peak memory is the
process's maximum resident set size (it only grows, so run one scale per
process to read it per scale).
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

from disputegraph.synthetic import generate_city


def _mb(n: float) -> str:
    return f"{n / 1e6:,.1f} MB"


def run(scale: int, fmt: str, root: Path) -> None:
    out = root / f"city-{scale}"
    started = time.perf_counter()
    planted = generate_city(out, scale=scale, fmt=fmt)
    seconds = time.perf_counter() - started
    rows = sum(planted["counts"].values())
    size = sum(f.stat().st_size for f in out.iterdir())
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(f"\n== scale {scale:,} ({fmt}) ==")
    print(
        f"{seconds:8.1f} s   {rows:,} rows   {rows / seconds:,.0f} rows/s   "
        f"{scale / seconds:,.0f} disputes/s   {_mb(size)} on disk   peak RSS {_mb(peak)}"
    )
    for table, count in planted["counts"].items():
        path = out / f"{table}.{fmt}"
        on_disk = path.stat().st_size if path.exists() else 0
        print(f"  {table:<20} {count:>12,} rows  {_mb(on_disk):>12}")
    sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scales", nargs="*", type=int, default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--format", default="csv", choices=["csv", "jsonl"])
    parser.add_argument("--keep", type=Path, help="write bundles here and keep them")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="bench-generate-"))
    try:
        for scale in args.scales:
            run(scale, args.format, root)
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
