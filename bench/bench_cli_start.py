"""How long the read commands take end to end, and how much of it is imports.

Each command runs in a fresh process (``python -m disputegraph …``, bytecode
caches used), ``--repeat`` times; printed per command: the median wall time and
CPU time (user + system, steadier on a shared machine), and the import time of
``risk --top 5`` (``-X importtime``: everything the run imports, and
``import disputegraph.cli`` alone). Give several source trees with
``--src`` to compare them side by side in one run, interleaved, e.g. this
checkout against an earlier commit unpacked beside it
(``git archive REV src | tar -x -C /tmp/before``).

    python bench/bench_cli_start.py WORKSPACE --src src --src /tmp/before/src

The workspace must hold a stored analysis; only read commands are run on it.
``--src TREE=WORKSPACE`` runs that tree on a workspace of its own (a copy whose
analysis that tree wrote, when the stored format differs between the trees).
``--store URI`` runs each tree on that store too (a Neo4j server holding the same
city, analysed), beside the embedded one, interleaved.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import NamedTuple


def _cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


class Place(NamedTuple):
    """Where a column of the table runs: a source tree on a workspace (and a store)."""

    src: Path
    workspace: Path
    store: str | None = None

    def __str__(self) -> str:
        return f"{self.src} on {self.store}" if self.store else str(self.src)


def _run(where: Place, args: list[str], *flags: str) -> tuple[float, float, str, str]:
    """Wall and CPU seconds of one fresh process, its stdout and stderr."""
    src = where.src
    env = {**os.environ, "PYTHONPATH": str(src), "DISPUTEGRAPH_WORKSPACE": str(where.workspace)}
    if where.store:
        env["DISPUTEGRAPH_STORE"] = where.store
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    cpu, started = _cpu(), time.perf_counter()
    done = subprocess.run(
        [sys.executable, *flags, "-m", "disputegraph", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    took, cpu = time.perf_counter() - started, _cpu() - cpu
    if done.returncode != 0:
        raise SystemExit(f"{where}: disputegraph {' '.join(args)} failed: {done.stderr.strip()}")
    return took, cpu, done.stdout, done.stderr


def _import_ms(report: str, only: str | None = None) -> float:
    """The summed cumulative time of the top-level imports in an ``-X importtime`` report."""
    total = 0
    for line in report.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = line.split("|", 2)
        if name.startswith("  "):
            continue  # imported by another import: counted in its parent
        if only is None or name.strip() == only:
            total += int(cumulative)
    return total / 1000


def _ids(where: Place) -> dict[str, str]:
    """A cluster, a dispute and a party of the stored analysis's top cluster."""
    *_, out, _ = _run(where, ["risk", "--top", "1", "--format", "json"])
    top = json.loads(out)["clusters"][0]
    party = next(m for m in top["members"] if m.startswith("P"))
    return {"cluster": top["id"], "dispute": top["disputes"][0], "party": party}


def _ms(values: list[float]) -> str:
    return f"{statistics.median(values):.0f}"


def _s(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workspace", type=Path)
    parser.add_argument(
        "--src", type=Path, action="append", help="a source tree [=its workspace] (repeatable)"
    )
    parser.add_argument("--store", help="a Neo4j Bolt URI to run each tree on too")
    parser.add_argument("--repeat", type=int, default=5)
    options = parser.parse_args()
    sources: list[Place] = []
    for given in options.src or [Path("src")]:
        tree, _, space = str(given).partition("=")
        place = Place(Path(tree).resolve(), Path(space) if space else options.workspace)
        sources.append(place)
        if options.store:
            sources.append(place._replace(store=options.store))
    ids = _ids(sources[0])
    commands = {
        "risk --top 5": ["risk", "--top", "5"],
        f"cluster {ids['cluster']}": ["cluster", ids["cluster"]],
        f"chain {ids['dispute']}": ["chain", ids["dispute"]],
        f"trace {ids['party']} --hops 2": ["trace", ids["party"], "--hops", "2"],
        "--help": ["--help"],
    }
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    for src in sources:  # the first run of each writes its bytecode caches
        _run(src, ["--help"])
    walls: dict[tuple[Path, str], list[float]] = {}
    cpus: dict[tuple[Path, str], list[float]] = {}
    imports: dict[tuple[Path, str], list[float]] = {}
    outputs: dict[tuple[Path, str], str] = {}
    for _ in range(options.repeat):
        for src in sources:
            for name, args in commands.items():
                took, cpu, out, _ = _run(src, args)
                walls.setdefault((src, name), []).append(took)
                cpus.setdefault((src, name), []).append(cpu)
                outputs[(src, name)] = out
            risk = commands["risk --top 5"]
            *_, report = _run(src, risk, "-X", "importtime")
            imports.setdefault((src, "risk"), []).append(_import_ms(report))
            imports.setdefault((src, "cli"), []).append(_import_ms(report, "disputegraph.cli"))
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    print(f"median of {options.repeat}, fresh processes")
    header = ["", *(str(src) for src in sources)]
    rows = [
        ["imports of `risk --top 5` (ms)", *(_ms(imports[(s, "risk")]) for s in sources)],
        ["  of which disputegraph.cli (ms)", *(_ms(imports[(s, "cli")]) for s in sources)],
        *([name, *(_s(walls[(s, name)]) for s in sources)] for name in commands),
        *([f"{name} (CPU)", *(_s(cpus[(s, name)]) for s in sources)] for name in commands),
    ]
    width = max(len(r[0]) for r in rows)
    for row in [header, *rows]:
        print("  ".join([row[0].ljust(width), *(cell.rjust(12) for cell in row[1:])]))
    for name in commands:
        same = {outputs[(s, name)] for s in sources}
        print(f"{name}: output {'identical' if len(same) == 1 else 'DIFFERS'} across sources")


if __name__ == "__main__":
    main()
