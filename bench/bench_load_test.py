"""Load test: many simulated users on the dashboard's callbacks, memory store vs Neo4j.

Bounded and loopback-only: it generates a city, loads and analyses it into each
store, serves the dashboard (with logins) under gunicorn (gthread workers) on
127.0.0.1 and a free port, logs every simulated user in, and then, for a fixed
duration, has a fixed number of users POST realistic ``/_dash-update-component``
requests — built from the callback map the server itself publishes at
``/_dash-dependencies``, exactly as the browser does. It stops by itself and
prints, per store and per callback: requests, throughput, p50/p95/p99 latency
and errors, side by side.

    python bench/bench_load_test.py                          # memory only
    python bench/bench_load_test.py --neo4j bolt://127.0.0.1:7687 --users 20 --seconds 30
    python bench/bench_load_test.py --neo4j own               # start a private Neo4j

``--neo4j own`` starts a private server with scripts/neo4j.sh (its own run dir
and port) and stops it afterwards; a given URI is used as it is (the bench
empties its database first: never point it at data you need).
The client runs in this process (threads, keep-alive connections): on a small
machine it competes with the server for CPU, so read the figures as a ratio
between the stores rather than as absolute capacity.
"""

from __future__ import annotations

import argparse
import csv
import http.client
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "bench-password-not-secret"
SECRET = "bench-secret-key-0123456789abcdef"
PII_KEY = "bench-pii-key"

#: simulated actions: name -> (output key prefix, weight)
ACTIONS = {
    "overview": ("..overview-note.children", 3),
    "cluster": ("..cluster-pick.options", 3),
    "search": ("tracer-results.children", 3),
    "ego_network": ("..tracer-network.elements", 3),
    "linked": ("..tracer-linked.rowData", 2),
    "chain": ("..tracer-chain.figure", 2),
    "agencies": ("..agency-note.children", 1),
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# ---------------------------------------------------------------------------
# data


@dataclass
class City:
    bundle: Path
    names: list[str]
    parties: list[str]
    disputes: list[str]
    clusters: list[str] = field(default_factory=list)


def _column(path: Path, name: str, where: tuple[str, str] | None = None) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [r[name] for r in csv.DictReader(fh) if where is None or r.get(where[0]) == where[1]]


def make_city(work: Path, scale: int, seed: int) -> City:
    from disputegraph.synthetic import generate_city

    bundle = work / "city"
    generate_city(bundle, scale=scale, seed=seed)
    parties = bundle / "parties.csv"
    return City(
        bundle=bundle,
        names=_column(parties, "name", ("kind", "person")),
        parties=_column(parties, "id"),
        disputes=_column(bundle / "disputes.csv", "id"),
    )


def _settings(store: str, workspace: Path) -> Any:
    from pydantic import SecretStr

    from disputegraph.config import Settings

    return Settings(store=store, workspace=workspace, pii_key=SecretStr(PII_KEY))


def prepare_store(city: City, store_uri: str, workspace: Path) -> float:
    """Load and analyse the city into the store; returns the seconds it took."""
    from disputegraph.analytics import run_analysis
    from disputegraph.ingest import load_bundle
    from disputegraph.store import open_store

    settings = _settings(store_uri, workspace)
    started = time.perf_counter()
    store = open_store(settings)
    try:
        load_bundle(city.bundle, store, settings, reset=True)
        result = run_analysis(store)
        store.flush()
    finally:
        store.close()
    city.clusters = [c.id for c in result.clusters[:200]] or city.clusters
    return time.perf_counter() - started


def add_users(workspace: Path, users: int) -> list[str]:
    from disputegraph.users import UserStore

    store = UserStore(workspace / "users.json")
    names = []
    for i in range(min(users, 4)):  # a few accounts shared by the simulated users
        name = f"bench{i}"
        if store.get(name) is None:
            store.add(name, PASSWORD, "analyst" if i % 2 else "officer")
        names.append(name)
    return names


# ---------------------------------------------------------------------------
# the server


class Server:
    """gunicorn serving ``disputegraph.wsgi:create_wsgi_app()`` on 127.0.0.1."""

    def __init__(self, store_uri: str, workspace: Path, workers: int, threads: int) -> None:
        self.port = _free_port()
        self.log = workspace / "gunicorn.log"
        env = {
            **os.environ,
            "DISPUTEGRAPH_STORE": store_uri,
            "DISPUTEGRAPH_WORKSPACE": str(workspace),
            "DISPUTEGRAPH_SECRET_KEY": SECRET,
            "DISPUTEGRAPH_PII_KEY": PII_KEY,
        }
        gunicorn = Path(sys.executable).with_name("gunicorn")
        with self.log.open("wb") as fh:
            self.proc = subprocess.Popen(
                [
                    str(gunicorn),
                    # --preload shares one loaded memory store between the workers; a
                    # Neo4j driver must not cross a fork, so each worker opens its own
                    *(["--preload"] if store_uri == "memory" else []),
                    "--workers",
                    str(workers),
                    "--threads",
                    str(threads),
                    "--worker-class",
                    "gthread",
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--timeout",
                    "120",
                    "disputegraph.wsgi:create_wsgi_app()",
                ],
                env=env,
                stdout=fh,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.log.read_text()[-2000:]}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/login")
                if conn.getresponse().status == 200:
                    conn.close()
                    return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError("gunicorn did not answer within 180 s")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


# ---------------------------------------------------------------------------
# the client


class Client:
    """One simulated user: a keep-alive connection and a session cookie."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.cookie = ""

    def request(self, method: str, path: str, body: bytes | None = None, ctype: str = "") -> Any:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        if ctype:
            headers["Content-Type"] = ctype
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                resp = self.conn.getresponse()
                data = resp.read()
                break
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
                if attempt:
                    raise
        for value in resp.headers.get_all("Set-Cookie") or []:
            self.cookie = value.split(";", 1)[0]
        return resp.status, data

    def login(self, name: str) -> None:
        status, page = self.request("GET", "/login")
        token = re.search(rb'name="csrf" value="([^"]+)"', page)
        if status != 200 or token is None:
            raise RuntimeError(f"login page answered {status}")
        form = urllib.parse.urlencode(
            {"username": name, "password": PASSWORD, "csrf": token.group(1).decode(), "next": "/"}
        ).encode()
        status, _ = self.request("POST", "/login", form, "application/x-www-form-urlencoded")
        if status != 303:
            raise RuntimeError(f"login of {name} answered {status}")


def _state(**page: Any) -> dict[str, Any]:
    from disputegraph.views.state import ViewState

    return ViewState(lang="zh").with_page(**page).as_dict()


class Payloads:
    """Realistic callback requests built from the server's own callback map."""

    def __init__(self, dependencies: list[dict[str, Any]], city: City, seed: int) -> None:
        self.by_prefix: dict[str, dict[str, Any]] = {}
        for dep in dependencies:
            for name, (prefix, _w) in ACTIONS.items():
                if dep["output"].startswith(prefix):
                    self.by_prefix[name] = dep
        missing = sorted(set(ACTIONS) - set(self.by_prefix))
        if missing:
            raise RuntimeError(f"callbacks not found in the server's map: {missing}")
        self.city = city
        self.rng = random.Random(seed)

    def _values(self, action: str) -> dict[str, Any]:
        rng, city = self.rng, self.city
        if action == "overview" or action == "agencies":
            return {"state.data": _state()}
        if action == "cluster":
            return {"state.data": _state(cluster=rng.choice(city.clusters))}
        if action == "search":
            name = rng.choice(city.names)
            return {
                "tracer-search-go.n_clicks": 1,
                "tracer-search.value": name[: rng.choice((1, 2, len(name)))],
                "state.data": _state(),
            }
        if action == "ego_network":
            entity = rng.choice(city.parties)
            return {
                "tracer-expanded.data": {"entity": entity, "nodes": []},
                "state.data": _state(entity=entity),
            }
        if action == "linked":
            return {"state.data": _state(entity=rng.choice(city.parties))}
        dispute = rng.choice(city.disputes)
        return {"tracer-dispute-pick.value": dispute, "state.data": _state(dispute=dispute)}

    def build(self, action: str) -> bytes:
        dep = self.by_prefix[action]
        values = self._values(action)

        def items(kind: str) -> list[dict[str, Any]]:
            return [{**i, "value": values.get(f"{i['id']}.{i['property']}")} for i in dep[kind]]

        key = dep["output"]
        parts = key.strip(".").split("...") if key.startswith("..") else [key]
        outputs = [{"id": p.rpartition(".")[0], "property": p.rpartition(".")[2]} for p in parts]
        inputs = items("inputs")
        payload = {
            "output": key,
            "outputs": outputs if key.startswith("..") else outputs[0],
            "inputs": inputs,
            "state": items("state"),
            "changedPropIds": [f"{inputs[0]['id']}.{inputs[0]['property']}"],
        }
        return json.dumps(payload, ensure_ascii=False).encode("utf-8")


@dataclass
class Result:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    seconds: float = 0.0


def run_users(
    port: int, city: City, accounts: list[str], users: int, seconds: float, seed: int
) -> Result:
    first = Client(port)
    first.login(accounts[0])
    status, deps = first.request("GET", "/_dash-dependencies")
    if status != 200:
        raise RuntimeError(f"/_dash-dependencies answered {status}")
    dependencies = json.loads(deps)
    result = Result()
    lock = threading.Lock()
    clients = []
    for i in range(users):  # log every user in before the clock starts
        client = Client(port)
        client.login(accounts[i % len(accounts)])
        clients.append(client)
    names = list(ACTIONS)
    weights = [ACTIONS[n][1] for n in names]
    start = threading.Event()
    stop_at = [0.0]

    def user(i: int, client: Client) -> None:
        payloads = Payloads(dependencies, city, seed + i)
        rng = random.Random(seed * 1000 + i)
        start.wait()
        while time.perf_counter() < stop_at[0]:
            action = rng.choices(names, weights)[0]
            body = payloads.build(action)
            t0 = time.perf_counter()
            try:
                status, _ = client.request(
                    "POST", "/_dash-update-component", body, "application/json"
                )
            except OSError:
                status = 599
            took = time.perf_counter() - t0
            with lock:
                if status == 200 or status == 204:
                    result.latencies[action].append(took)
                else:
                    result.errors[action] += 1

    threads = [
        threading.Thread(target=user, args=(i, c), daemon=True) for i, c in enumerate(clients)
    ]
    for t in threads:
        t.start()
    began = time.perf_counter()
    stop_at[0] = began + seconds
    start.set()
    for t in threads:
        t.join(timeout=seconds + 180)
    result.seconds = time.perf_counter() - began
    return result


# ---------------------------------------------------------------------------
# report


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def summarise(result: Result) -> dict[str, dict[str, float]]:
    rows: dict[str, dict[str, float]] = {}
    everything: list[float] = []
    for action in ACTIONS:
        lat = result.latencies.get(action, [])
        everything += lat
        rows[action] = {
            "requests": len(lat),
            "errors": result.errors.get(action, 0),
            "p50_ms": _pct(lat, 0.50),
            "p95_ms": _pct(lat, 0.95),
            "p99_ms": _pct(lat, 0.99),
        }
    rows["ALL"] = {
        "requests": len(everything),
        "errors": sum(result.errors.values()),
        "p50_ms": _pct(everything, 0.50),
        "p95_ms": _pct(everything, 0.95),
        "p99_ms": _pct(everything, 0.99),
        "req_per_s": len(everything) / result.seconds if result.seconds else 0.0,
        "mean_ms": statistics.fmean(everything) * 1000 if everything else float("nan"),
    }
    return rows


def print_table(summaries: dict[str, dict[str, dict[str, float]]]) -> None:
    stores = list(summaries)
    head = f"{'callback':<12}" + "".join(f" | {s:^38}" for s in stores)
    print(head)
    print(
        f"{'':<12}"
        + "".join(f" | {'n':>6} {'err':>4} {'p50':>8} {'p95':>8} {'p99':>8}" for _ in stores)
    )
    print("-" * len(head))
    for action in [*ACTIONS, "ALL"]:
        line = f"{action:<12}"
        for s in stores:
            r = summaries[s][action]
            line += (
                f" | {int(r['requests']):>6} {int(r['errors']):>4} "
                f"{r['p50_ms']:>8.1f} {r['p95_ms']:>8.1f} {r['p99_ms']:>8.1f}"
            )
        print(line)
    print()
    for s in stores:
        r = summaries[s]["ALL"]
        print(
            f"{s}: {r['req_per_s']:.1f} requests/s, mean {r['mean_ms']:.1f} ms, "
            f"{int(r['errors'])} errors"
        )


# ---------------------------------------------------------------------------


def _own_neo4j(run_dir: Path) -> tuple[str, dict[str, str]]:
    env = {
        **os.environ,
        "DISPUTEGRAPH_NEO4J_RUN": str(run_dir),
        "DISPUTEGRAPH_NEO4J_PORT": str(_free_port()),
    }
    env.pop("NEO4J_URI", None)
    done = subprocess.run(
        ["bash", str(ROOT / "scripts" / "neo4j.sh"), "start"],
        env=env,
        capture_output=True,
        text=True,
        timeout=400,
    )
    if done.returncode != 0:
        raise RuntimeError(f"could not start Neo4j: {done.stderr[-2000:]}")
    return done.stdout.strip(), env


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=2000, help="disputes in the city")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--users", type=int, default=16, help="simulated users at once")
    parser.add_argument("--seconds", type=float, default=20.0, help="duration per store")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=8, help="threads per worker")
    parser.add_argument(
        "--neo4j", default=None, help="a Bolt URI to also test Neo4j (emptied!), or 'own'"
    )
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args(argv)
    if args.users < 1 or args.seconds <= 0 or args.seconds > 600:
        parser.error("--users must be >= 1 and --seconds in (0, 600]")

    summaries: dict[str, dict[str, dict[str, float]]] = {}
    with tempfile.TemporaryDirectory(prefix="dg-loadtest-") as tmp:
        work = Path(tmp)
        t0 = time.perf_counter()
        city = make_city(work, args.scale, args.seed)
        print(
            f"city of {args.scale:,} disputes generated in {time.perf_counter() - t0:.1f} s",
            flush=True,
        )
        stores: list[tuple[str, str]] = [("memory", "memory")]
        own_env: dict[str, str] | None = None
        if args.neo4j == "own":
            uri, own_env = _own_neo4j(work / "neo4j")
            stores.append(("neo4j", uri))
        elif args.neo4j:
            stores.append(("neo4j", args.neo4j))
        try:
            for label, uri in stores:
                ws = work / f"ws-{label}"
                took = prepare_store(city, uri, ws)
                print(f"{label}: loaded and analysed in {took:.1f} s", flush=True)
                accounts = add_users(ws, args.users)
                server = Server(uri, ws, args.workers, args.threads)
                try:
                    print(
                        f"{label}: {args.users} users for {args.seconds:.0f} s on "
                        f"127.0.0.1:{server.port} (gunicorn {args.workers}×{args.threads} threads)",
                        flush=True,
                    )
                    result = run_users(
                        server.port, city, accounts, args.users, args.seconds, args.seed
                    )
                finally:
                    server.stop()
                summaries[label] = summarise(result)
        finally:
            if own_env is not None:
                subprocess.run(
                    ["bash", str(ROOT / "scripts" / "neo4j.sh"), "stop"],
                    env=own_env,
                    capture_output=True,
                    timeout=120,
                )
    print()
    print_table(summaries)
    if args.json is not None:
        args.json.write_text(json.dumps(summaries, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
