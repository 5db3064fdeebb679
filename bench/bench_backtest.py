"""Benchmark the backtest on generated cities, against their planted truth.

Per scale: generate the city (cached under a temp folder, keyed by scale, seed
and the generator's source), load it into the embedded (memory) store, replay the risk model every
``--step`` days over a window before the city's as-of date, and print

* the backtest's own figures (labels from the later data: 110/petition,
  headcount ≥ the group threshold, red): precision@k, median lead, Brier
  against the base rate's Brier, overall and per category;
* the figures against the planted truth (``truth/escalations.csv``): per planted
  escalation the lead in days from the first step it was flagged (top-k or
  orange/red) to its onset, the median lead, and precision@k of the top-k picks
  that are planted clusters (escalations against their benign twins);
* the time taken (generate, load, backtest).

    python bench/bench_backtest.py                       # 10,000 disputes
    python bench/bench_backtest.py --scale 10000 --scale 100000
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from disputegraph.analytics.backtest import run_backtest
from disputegraph.analytics.backtest_truth import score_truth
from disputegraph.config import Settings
from disputegraph.ingest import load_bundle
from disputegraph.store import MemoryStore
from disputegraph.synthetic import generate_city
from disputegraph.views.backtest import read_truth


def _generator_version() -> str:
    """A digest of the generator's source, so a cached city is never a stale one."""
    import hashlib

    import disputegraph.synthetic as synthetic

    digest = hashlib.sha256()
    for path in sorted(Path(synthetic.__file__).parent.rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def _city(root: Path, scale: int, seed: int) -> tuple[Path, dict[str, object]]:
    city = root / f"city-{scale}-{seed}-{_generator_version()}"
    planted = city / "_planted.json"
    if planted.exists() and (city / "truth" / "escalations.csv").exists():
        print(f"  generate    cached in {city}", flush=True)
        return city, json.loads(planted.read_text("utf-8"))
    t = time.perf_counter()
    record = generate_city(city, scale=scale, seed=seed)
    print(f"  generate    {time.perf_counter() - t:8.1f} s", flush=True)
    return city, record


def _fmt(x: object) -> str:
    return "—" if x is None else str(x)


def run(scale: int, seed: int, root: Path, args: argparse.Namespace) -> None:
    print(f"\n== {scale:,} disputes, seed {seed} ==", flush=True)
    city, planted = _city(root, scale, seed)
    as_of = date.fromisoformat(str(planted["as_of"]))
    store = MemoryStore()
    t = time.perf_counter()
    load_bundle(city, store, Settings(demo=True, workspace=root / f"ws-{scale}-{seed}"))
    print(f"  load        {time.perf_counter() - t:8.1f} s", flush=True)
    start = as_of - timedelta(days=args.from_days)
    end = as_of - timedelta(days=args.to_days)
    t = time.perf_counter()
    cpu = time.process_time()
    t_step = [t]

    def say(message: str) -> None:
        if args.progress:
            now = time.perf_counter()
            print(f"    {message}  (+{now - t_step[0]:.1f} s)", flush=True)
            t_step[0] = now

    res = run_backtest(
        store, start, end, args.step, k=args.k, horizon_days=args.horizon, progress=say
    )
    wall, cpu = time.perf_counter() - t, time.process_time() - cpu
    replays = len(res.dates) + len(range(args.step, args.horizon + 1, args.step))
    print(
        f"  backtest    {wall:8.1f} s wall {cpu:8.1f} s cpu  ({start}..{end}, "
        f"{len(res.dates)} steps + {replays - len(res.dates)} for the outcomes, "
        f"{wall / replays:.2f} s per as-of date)",
        flush=True,
    )
    o = res.overall
    print(
        f"\n  backtest labels: precision@{args.k} {o.precision_at_k}  median lead "
        f"{_fmt(o.median_lead_days)} d  Brier {o.brier} vs base rate {o.brier_base_rate} "
        f"(base rate {o.base_rate}, {o.positives}/{o.samples} samples escalate)"
    )
    print(
        f"  {'category':<28} {'samples':>7} {'pos':>5} {'p@k':>7} {'lead':>6} {'Brier':>7} "
        f"{'base':>7}"
    )
    for c, m in sorted(res.by_category.items(), key=lambda kv: -kv[1].samples):
        print(
            f"  {c:<28} {m.samples:>7} {m.positives:>5} {m.precision_at_k:>7} "
            f"{_fmt(m.median_lead_days):>6} {m.brier:>7} {m.brier_base_rate:>7}"
        )
    truth = score_truth(res.samples, read_truth(city / "truth" / "escalations.csv"), args.k)
    print(
        f"\n  planted truth: precision@{args.k} {_fmt(truth.precision_at_k)} "
        f"({truth.picks} picks of planted clusters)  median lead "
        f"{_fmt(truth.median_lead_days)} d  caught {truth.caught}/{truth.escalations} "
        f"escalations ahead, {truth.twins_flagged}/{truth.twins} benign twins flagged"
    )
    print(
        f"  {'cluster':<24} {'category':<20} {'onset':<11} {'flagged':<11} {'lead':>5} "
        f"{'best rank':>9}"
    )
    for x in truth.leads:
        print(
            f"  {x.key:<24} {x.category:<20} {_fmt(x.onset):<11} {_fmt(x.first_flagged):<11} "
            f"{_fmt(x.lead_days):>5} {_fmt(x.best_rank):>9}"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scale", type=int, action="append", help="disputes (repeatable)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--step", type=int, default=7, help="days between as-of dates")
    ap.add_argument("--k", type=int, default=20)
    ap.add_argument("--horizon", type=int, default=56, help="days an escalation counts ahead")
    ap.add_argument("--from-days", type=int, default=168, help="window start, days before as_of")
    ap.add_argument("--to-days", type=int, default=28, help="window end, days before as_of")
    ap.add_argument(
        "--cache",
        type=Path,
        default=Path(tempfile.gettempdir()) / "disputegraph-bench-backtest",
        help="where generated cities are kept between runs",
    )
    ap.add_argument("--progress", action="store_true", help="print each as-of date as it starts")
    args = ap.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    for scale in args.scale or [10_000]:
        run(scale, args.seed, args.cache, args)


if __name__ == "__main__":
    main()
