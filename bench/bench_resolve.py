"""Benchmark entity resolution on generated multi-source cities.

Per scale: generate a city, split it across source systems (``--sources``),
read every person and organisation record back through the sources' mappings
(hashing id numbers and phones as the loader does), then time resolution —
blocking, scoring and merging — apart from the reading, and score it against
the true identities (pairwise precision/recall, per rule). The last lines give
how the time grows between consecutive scales (the ratio per 10× disputes).

    python bench/bench_resolve.py                   # 10,000 and 100,000 disputes
    python bench/bench_resolve.py --scale 20000 --sources 4
    python bench/bench_resolve.py --store           # also load + resolve in a MemoryStore
    python bench/bench_resolve.py --work /tmp/cities  # keep the cities; a rerun reuses them

``--store`` adds the end-to-end path on the smallest scale: load the split
city into a memory store and run :func:`run_resolution` (read records from the
store, resolve, write canonical nodes and ``SAME_AS``).
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import resource
import tempfile
import time
from pathlib import Path
from typing import Any

from disputegraph.config import Settings
from disputegraph.resolution import resolve, run_resolution
from disputegraph.store import MemoryStore
from disputegraph.synthetic import generate_city
from disputegraph.synthetic.evaluate import records_from_exports, score
from disputegraph.synthetic.multisource import load_split, split_sources


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _line(stage: str, seconds: float, note: str = "") -> None:
    print(f"  {stage:<26} {seconds:9.2f} s   peak {_peak_mb():8,.0f} MB   {note}", flush=True)


def run(scale: int, sources: int, seed: int, root: Path, store: bool) -> dict[str, Any]:
    print(f"\n{scale:,} disputes, {sources} sources (seed {seed})", flush=True)
    plain, split = root / f"plain-{scale}-{seed}", root / f"split-{scale}-{seed}-{sources}"
    if (split / "_planted.json").exists():
        truth = json.loads((split / "_planted.json").read_text(encoding="utf-8"))
        print("  (reusing the split city in --work)")
    else:
        t = time.perf_counter()
        generate_city(plain, scale=scale, seed=seed)
        _line("generate", time.perf_counter() - t)
        t = time.perf_counter()
        truth = split_sources(plain, split, sources=sources, seed=seed)
        _line("split into sources", time.perf_counter() - t, f"{truth['duplicates']:,} duplicates")
    t = time.perf_counter()
    records = records_from_exports(split, b"bench-key", truth["load_order"])
    _line("read records", time.perf_counter() - t, f"{len(records):,} records")
    t, c = time.perf_counter(), time.process_time()
    res = resolve(records)
    seconds, cpu = time.perf_counter() - t, time.process_time() - c
    s = res.stats
    _line(
        "resolve",
        seconds,
        f"cpu {cpu:.2f} s; {s['compared']:,} pairs compared, {len(res.entities):,} entities, "
        f"{len(res.review):,} to review",
    )
    m = score(res, truth["identities"])
    print(
        f"  precision {m['precision']:.4f}  recall {m['recall']:.4f}  "
        f"(with a perfect review {m['recall_with_review']:.4f})  "
        f"wrong automatic links {m['wrong_auto_links']}",
        flush=True,
    )
    print(f"  {'rule':<13} {'auto':>7} {'right':>7} {'prec':>7}   {'review':>7} {'right':>7}")
    for rule, r in m["rules"].items():
        prec = "" if r["auto_precision"] is None else f"{r['auto_precision']:.4f}"
        print(
            f"  {rule:<13} {r['auto']:>7,} {r['auto_correct']:>7,} {prec:>7}   "
            f"{r['review']:>7,} {r['review_correct']:>7,}"
        )
    if store:
        cfg = Settings(demo=True, workspace=root / f"ws-{scale}")
        mem = MemoryStore()
        t = time.perf_counter()
        load_split(split, mem, cfg)
        _line("load split city (memory)", time.perf_counter() - t)
        t = time.perf_counter()
        run_resolution(mem)
        _line("run_resolution (memory)", time.perf_counter() - t, "read + resolve + write")
    return {
        "scale": scale,
        "records": len(records),
        "seconds": seconds,
        "cpu": cpu,
        "compared": s["compared"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, action="append", help="disputes (repeatable)")
    parser.add_argument("--sources", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--store", action="store_true", help="also load and resolve in a store")
    parser.add_argument("--work", type=Path, help="keep (and reuse) the generated cities here")
    args = parser.parse_args()
    scales = sorted(args.scale or [10_000, 100_000])
    with tempfile.TemporaryDirectory(prefix="bench-resolve-") as tmp:
        root = args.work or Path(tmp)
        root.mkdir(parents=True, exist_ok=True)
        rows = [
            run(scale, args.sources, args.seed, root, args.store and i == 0)
            for i, scale in enumerate(scales)
        ]
    print("\ngrowth (resolve time; ratio normalised to 10× disputes; cpu is the process time,")
    print("which other work on the machine does not inflate)")
    for a, b in itertools.pairwise(rows):
        factor = b["scale"] / a["scale"]
        ratio = b["seconds"] / a["seconds"]
        cpu_ratio = b["cpu"] / a["cpu"]
        per10 = ratio ** (1 / math.log10(factor)) if factor > 1 else float("nan")
        cpu10 = cpu_ratio ** (1 / math.log10(factor)) if factor > 1 else float("nan")
        print(
            f"  {a['scale']:>9,} → {b['scale']:>9,} disputes ({factor:.0f}×): records "
            f"{b['records'] / a['records']:.1f}×, "
            f"pairs compared {b['compared'] / a['compared']:.1f}×, "
            f"time {ratio:.1f}× (≈ {per10:.1f}× per 10×), cpu {cpu_ratio:.1f}× "
            f"(≈ {cpu10:.1f}× per 10×)"
        )


if __name__ == "__main__":
    main()
