"""Links from text on the synthetic city's message board, side by side with the rest of the load.

Generates a city (``SCALE`` disputes) and its message board (``generate
--text-source``, ``N`` messages; employers, compounds, buildings, villages,
village groups and projects named only in the text), loads the city, then on
one core (run it under ``taskset -c 0``), process time:

* the board's load **without** searching its text (read, validate, write the
  messages, their users and involvements: the rest of the load);
* the same load marking the texts to search (the mapping's ``extract``);
* ``link_mentions`` as ``disputegraph load`` runs it after the rows, and its
  parts: the gazetteer of the store's names (once per run), ``extract`` over
  every message, and the rest (matching, the review queue, writing the links);
* messages per second of each and the ratios between them;
* the links' precision and recall per entity kind against the board's truth
  (:func:`disputegraph.synthetic.evaluate.score_mentions`), with the review queue.

Run: ``PYTHONPATH=src taskset -c 0 python bench/bench_mentions.py [N] [SCALE]``
(default 5000 messages, a city of 20,000 disputes).
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from disputegraph.config import Settings
from disputegraph.ingest.extract import extract
from disputegraph.ingest.load import load_bundle
from disputegraph.ingest.mapping import load_mapping
from disputegraph.resolution.mentions import build_gazetteer, extract_texts, link_mentions
from disputegraph.store.memory import MemoryStore
from disputegraph.synthetic import generate_city
from disputegraph.synthetic.evaluate import score_mentions
from disputegraph.synthetic.multisource.textboard import BOARD_FOLDER, write_text_source


def cpu(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.process_time()
    out = fn()
    return time.process_time() - start, out


def main(n: int = 5_000, scale: int = 20_000, seed: int = 7) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        city = Path(tmp) / "city"
        generate_city(city, scale=scale, seed=seed)
        board = city / BOARD_FOLDER
        truth = write_text_source(city, board, seed=seed, messages=n)
        mapping = load_mapping(board / "mapping.toml")
        store = MemoryStore()
        cfg = Settings(demo=True, workspace=Path(tmp) / "ws", store="memory")
        extract({"title": "预热在水一方大厦"})  # the adcode table and dictionary words, once
        city_s, _ = cpu(lambda: load_bundle(city, store, cfg))
        plain_s, plain = cpu(lambda: load_bundle(board, store, cfg, mapping=mapping, extract=()))
        marked_s, marked = cpu(lambda: load_bundle(board, store, cfg, mapping=mapping))
        messages = len(marked.extracted)
        gaz_s, (gaz, _) = cpu(lambda: build_gazetteer(store))
        texts = [extract_texts(node) for node in store.get_many(marked.extracted)]
        extract_s, _ = cpu(lambda: [extract(t, gaz) for t in texts])
        link_s, counts = cpu(lambda: link_mentions(store, marked.extracted))
        scores = score_mentions(store, truth)

    print(
        f"city of {scale:,} disputes (seed {seed}) loaded in {city_s:.1f} s cpu; message board: "
        f"{messages:,} messages, {plain.nodes_written:,} nodes and {plain.edges_written:,} "
        f"relationships; gazetteer {gaz.size:,} names\n"
    )
    rest = link_s - gaz_s - extract_s
    rows = [
        ("board load, text not searched (the rest of the load)", plain_s),
        ("board load, texts marked for search", marked_s),
        ("link_mentions, whole", link_s),
        ("  gazetteer of the store's names (once a run)", gaz_s),
        ("  extract (every message)", extract_s),
        ("  matching, review queue, writing links", rest),
        ("load + link_mentions (what `disputegraph load` does)", marked_s + link_s),
    ]
    print(f"{'step':<56} {'cpu s':>7} {'messages/s':>11} {'× load':>7}")
    for label, seconds in rows:
        rate = messages / seconds if seconds > 0 else float("inf")
        print(f"{label:<56} {seconds:7.2f} {rate:11,.0f} {seconds / plain_s:7.2f}")
    print(
        f"\nlinks: {counts['linked_known']:,} to known nodes, {counts['linked_new']:,} new, "
        f"{counts['review']:,} to review"
    )
    print(
        f"all kinds: precision {scores['precision']:.4f} recall {scores['recall']:.4f} "
        f"({scores['correct']:,}/{scores['predicted']:,} right, {scores['true']:,} true)"
    )
    for kind, k in scores["kinds"].items():
        flag = "" if k["precision"] >= 0.95 and k["recall"] >= 0.90 else "  below the goal"
        print(
            f"  {kind:<24} precision {k['precision']:.4f} recall {k['recall']:.4f} "
            f"({k['correct']:,}/{k['predicted']:,} predicted, {k['true']:,} true){flag}"
        )
    rate = messages / link_s
    if rate < 2_000:
        print(f"link_mentions below the goal of 2,000 messages/s: {rate:,.0f}")


if __name__ == "__main__":
    main(
        int(sys.argv[1]) if len(sys.argv) > 1 else 5_000,
        int(sys.argv[2]) if len(sys.argv) > 2 else 20_000,
    )
