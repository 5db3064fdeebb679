"""The dashboard's first overview on a workspace: the full read against the cold-start path.

What a dashboard just started needs for its first page is the disputes table and the
top of the ranked clusters. Side by side in one run, each in a fresh process (median
of ``--repeat``), open the workspace and build the default overview:

- **full**: the disputes table made from the graph (read whole) and the whole
  stored analysis read, as before;
- **kept**: the table read from ``graph.frame`` (kept beside the snapshot) and only
  the first ranked clusters and the stored level counts read;

and, in this process, the grid's masking (every member's name starred in each of
its cells) name by name against one pass (:func:`~disputegraph.views.masking.name_masker`).

    python bench/bench_cold_start.py WORKSPACE      # a loaded and analysed workspace
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

_OVERVIEW = """
import resource, sys, time
from pathlib import Path
t = time.perf_counter()
from disputegraph.config import Settings
from disputegraph.store.memory import MemoryStore
from disputegraph.views import frames
from disputegraph.views.services import Services
from disputegraph.views.state import ViewState
imported = time.perf_counter() - t
t = time.perf_counter()
snapshot = Path(sys.argv[1])
services = Services(Settings(workspace=snapshot.parent), MemoryStore(snapshot))
state = ViewState(lang="zh")
if sys.argv[2] == "full":
    frames.stored_disputes_frame = frames.disputes_frame  # made, not read
    services.analysis(state)  # the whole result first
view = services.overview(state)
took = time.perf_counter() - t
assert view["clusters"], "no analysis in this workspace: run `disputegraph analyze`"
print(took, imported, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""


def _overview(snapshot: Path, how: str) -> tuple[float, float, int]:
    out = subprocess.run(
        [sys.executable, "-c", _OVERVIEW, str(snapshot), how],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return float(out[0]), float(out[1]), int(out[2])


def _name_by_name(text: str, names: list[str]) -> str:
    """The masking as it was: each name replaced in turn, longest first."""
    from disputegraph.views.masking import mask_name

    for name in sorted({n for n in names if n}, key=len, reverse=True):
        text = text.replace(name, mask_name(name))
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workspace", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from disputegraph.config import Settings
    from disputegraph.store.memory import MemoryStore
    from disputegraph.views import frames
    from disputegraph.views.masking import is_person, name_masker
    from disputegraph.views.services import Services
    from disputegraph.views.state import ViewState

    snapshot = args.workspace / "graph.snapshot"
    settings = Settings(workspace=args.workspace)
    t = time.perf_counter()
    frames.stored_disputes_frame(MemoryStore(snapshot), settings.tz)  # kept, if it was not
    print(f"graph.frame ready in {time.perf_counter() - t:.2f} s (made once per commit)")
    timings = {}
    for how in ("full", "kept"):
        runs = [_overview(snapshot, how) for _ in range(args.repeat)]
        timings[how] = [statistics.median(r[i] for r in runs) for i in range(2)]
        timings[how].append(max(r[2] for r in runs))

    # the grid as an officer sees it (unmasked), masked for an analyst both ways
    services = Services(settings, MemoryStore(snapshot))
    state = ViewState(lang="zh")
    _, clusters, _ = services.ranked(state)
    rows = services.cluster_rows(state, clusters, "zh", "officer")
    members = sorted({m for c in clusters[: len(rows)] for m in c.members})
    persons = [n for n in services.store.get_many(members) if is_person(n)]
    names = [str(n.props.get("name", "")) for n in persons]
    cells = [v for row in rows for v in row.values() if isinstance(v, str)]
    t = time.perf_counter()
    before = [_name_by_name(c, names) for c in cells]
    by_name = time.perf_counter() - t
    t = time.perf_counter()
    mask = name_masker(names)
    after = [mask(c) for c in cells]
    one_pass = time.perf_counter() - t
    assert before == after

    full, kept = timings["full"], timings["kept"]
    print(f"first overview, median of {args.repeat} fresh processes (imports apart)")
    print(f"{'':34}{'full':>12}{'kept':>12}{'ratio':>8}")
    ratio = full[0] / kept[0]
    print(f"{'open + overview (wall)':34}{full[0]:>10.2f} s{kept[0]:>10.2f} s{ratio:>7.1f}×")
    print(f"{'imports':34}{full[1]:>10.2f} s{kept[1]:>10.2f} s")
    print(f"{'peak RSS':34}{full[2]:>9} MB{kept[2]:>9} MB{full[2] / kept[2]:>7.1f}×")
    print(
        f"{'grid masking':34}{by_name:>10.2f} s{one_pass:>10.2f} s{by_name / one_pass:>7.0f}×"
        f"  ({len(cells):,} cells, {len(names):,} names)"
    )


if __name__ == "__main__":
    main()
