"""Names in dispute texts: throughput and recall of the extraction, and the alternatives.

Makes N synthetic messages (12345-style titles, details and addresses that
name an employer, a compound and building, a village and group or a project;
the truth is known) and measures, on one core:

* ``extract`` (rules + a gazetteer of 600 known names with pyahocorasick + the
  cpca adcode table): messages per second and recall of the planted names;
* jieba word segmentation (``lcut``, precise mode) and jieba POS tagging
  (``posseg``, which tags organisations ``nt`` and places ``ns``): the cost of
  only segmenting, the lower bound of any extractor built on it;
* ``cpca.transform`` (province/city/county of an address, pandas) against the
  adcode automaton ``extract`` uses;
* side by side, the synthetic city's message board (``generate --text-source``):
  ``extract`` over its messages with the gazetteer of the city's store
  (messages per second), and the precision and recall of the links
  ``link_mentions`` makes, per entity kind and per way of writing a name
  (:func:`disputegraph.synthetic.evaluate.score_mentions`).

Run: ``PYTHONPATH=src python bench/bench_extract.py [N] [SCALE]`` (default 5000
messages, a city of 20,000 disputes; ``SCALE`` 0 skips the city).
"""

from __future__ import annotations

import json
import logging
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import cpca
import jieba
import jieba.posseg

from disputegraph.config import Settings
from disputegraph.ingest.extract import Gazetteer, GazetteerEntry, extract
from disputegraph.ingest.load import load_bundle
from disputegraph.ingest.mapping import load_mapping
from disputegraph.resolution.mention_match import build_gazetteer
from disputegraph.resolution.mentions import extract_texts, link_mentions
from disputegraph.schemas import MentionKind
from disputegraph.store.memory import MemoryStore
from disputegraph.synthetic import generate_city
from disputegraph.synthetic.evaluate import score_mentions
from disputegraph.synthetic.multisource.textboard import BOARD_FOLDER, write_text_source

BRANDS = ["鑫达", "力诚", "宏远", "恒通", "华信", "金源", "中杭", "博达", "顺发", "东城"]
INDUSTRY = ["劳务", "建筑", "建设", "物业", "装饰"]
FORMS = ["有限公司", "劳务班组", "项目部", "集团有限公司"]
COMPOUNDS = ["在水一方大厦", "阳光家园", "幸福花园小区", "金地公寓", "翠苑一区", "和平小区"]
VILLAGES = ["屏峰村", "新沙村", "上泗村", "同心村"]
PROJECTS = ["云栖商务中心工程项目", "地铁五号线工程", "城西安置房项目"]
PLACES = ["浙江省杭州市西湖区", "杭州市拱墅区", "西湖区转塘街道", ""]
NOISE = ["<p>", "</p>\n\t\t", "&nbsp;", "　", ""]


def messages(n: int, seed: int = 7) -> list[tuple[dict[str, str], set[str]]]:
    """(fields, planted names) per message."""
    rnd = random.Random(seed)
    out = []
    for _ in range(n):
        org = rnd.choice(BRANDS) + rnd.choice(INDUSTRY) + rnd.choice(FORMS)
        compound = rnd.choice(COMPOUNDS)
        building = f"{compound}{rnd.randint(1, 30)}栋"
        village = rnd.choice(VILLAGES)
        group = f"{village}{rnd.randint(1, 9)}组"
        project = rnd.choice(PROJECTS)
        kind = rnd.randrange(4)
        if kind == 0:
            title = f"{org[:4]}拖欠农民工工资"
            workers, owed = rnd.randint(5, 40), rnd.randint(2, 90)
            body = f"我们{workers}名工人在{project}干活，{org}拖欠工资{owed}万元至今未付。"
            planted = {org, project}
        elif kind == 1:
            title = f"{building}外墙脱落"
            before, after = rnd.choice(NOISE), rnd.choice(NOISE)
            body = f"{before}我家住在{building}，外墙瓷砖脱落砸坏车辆，物业一直不管。{after}"
            planted = {compound, building}
        elif kind == 2:
            title = "宅基地纠纷"
            body = f"{group}村民反映邻居建房占用宅基地，村委会调解无果。"
            planted = {village, group}
        else:
            title = "咨询社保转移"
            body = "想问一下社保怎么转移，打了好几次电话都没人接。"
            planted = set()
        address = f"{rnd.choice(PLACES)}{compound if kind == 1 else ''}"
        out.append(({"title": title, "description": body, "address": address}, planted))
    return out


def gazetteer() -> Gazetteer:
    entries = [
        GazetteerEntry(f"{b}{i}{f}", MentionKind.ORGANIZATION, f"E-{k}", 0.99)
        for k, (b, i, f) in enumerate((b, i, f) for b in BRANDS for i in INDUSTRY for f in FORMS)
    ]
    entries += [
        GazetteerEntry(f"{c}{n}栋", MentionKind.BUILDING, f"PR-{c}-{n}", 0.99)
        for c in COMPOUNDS
        for n in range(1, 64)
    ]
    return Gazetteer.of(entries)


def timed(label: str, n: int, fn: Callable[[], Any]) -> float:
    start = time.process_time()
    fn()
    seconds = time.process_time() - start
    rate = n / seconds if seconds else float("inf")
    print(f"{label:<48} {n:>6} in {seconds:6.2f} s cpu = {rate:>8,.0f} messages/s")
    return rate


def generated_board(n: int, scale: int, seed: int = 7) -> None:
    """The message board of a synthetic city: throughput of ``extract`` with the store's
    gazetteer, and precision/recall of the links against the board's truth."""
    with tempfile.TemporaryDirectory() as tmp:
        city = Path(tmp) / "city"
        generate_city(city, scale=scale, seed=seed)
        board = city / BOARD_FOLDER
        truth = write_text_source(city, board, seed=seed, messages=n)
        store = MemoryStore()
        cfg = Settings(demo=True, workspace=Path(tmp) / "ws", store="memory")
        load_bundle(city, store, cfg)
        result = load_bundle(board, store, cfg, mapping=load_mapping(board / "mapping.toml"))
        gaz, _ = build_gazetteer(store)
        texts = [extract_texts(node) for node in store.get_many(result.extracted)]
        print(
            f"\nmessage board of a {scale:,}-dispute city (seed {seed}): {len(texts):,} "
            f"messages, gazetteer of the store: {gaz.size:,} names"
        )
        timed(
            "extract (generated board, store gazetteer)",
            len(texts),
            lambda: [extract(t, gaz) for t in texts],
        )
        start = time.process_time()
        link_mentions(store, result.extracted)
        linked = time.process_time() - start
        print(
            f"link_mentions (gazetteer + extract + linking): {len(texts) / linked:,.0f} messages/s"
        )
        scores = score_mentions(store, truth)
        print(
            f"  all kinds: precision {scores['precision']:.4f} recall {scores['recall']:.4f} "
            f"({scores['correct']}/{scores['predicted']} links right, {scores['true']} true)"
        )
        for kind, k in scores["kinds"].items():
            print(
                f"  {kind:<24} precision {k['precision']:.4f} recall {k['recall']:.4f} "
                f"({k['correct']}/{k['predicted']} predicted, {k['true']} true)"
            )
        for how, v in scores["variations"].items():
            print(f"  written {how:<16} recall {v['recall']:.4f} ({v['found']}/{v['true']})")
        if scores["wrong"] or scores["missed"]:
            print(
                json.dumps(
                    {"wrong": scores["wrong"][:10], "missed": scores["missed"][:10]},
                    ensure_ascii=False,
                )
            )


def main(n: int = 5_000, scale: int = 20_000) -> None:
    data = messages(n)
    gaz = gazetteer()
    extract({"title": "预热"}, gaz)  # load the adcode table and the dictionary words once
    print(f"gazetteer: {gaz.size} names")
    found: list[set[str]] = []
    rate = timed(
        "extract (rules + gazetteer + adcodes)",
        n,
        lambda: found.extend({m.name for m in extract(fields, gaz)} for fields, _ in data),
    )
    planted = sum(len(p) for _, p in data)
    hit = sum(len(p & f) for (_, p), f in zip(data, found, strict=True))
    print(f"  recall of planted names: {hit / planted:.3f} ({hit}/{planted})")
    found.clear()
    timed(
        "extract, no gazetteer",
        n,
        lambda: found.extend({m.name for m in extract(fields)} for fields, _ in data),
    )
    hit = sum(len(p & f) for (_, p), f in zip(data, found, strict=True))
    print(f"  recall of planted names: {hit / planted:.3f} ({hit}/{planted})")

    jieba.setLogLevel(logging.WARNING)
    start = time.process_time()
    jieba.initialize()
    print(f"jieba dictionary load: {time.process_time() - start:.2f} s cpu")
    texts = ["".join(f.values()) for f, _ in data]
    timed("jieba.lcut (segmentation only)", n, lambda: [jieba.lcut(t) for t in texts])
    m = min(n, 1_000)
    timed(
        "jieba.posseg.lcut (POS tags nt/ns)", m, lambda: [jieba.posseg.lcut(t) for t in texts[:m]]
    )
    addresses = [f["address"] or f["description"] for f, _ in data]
    timed("cpca.transform (divisions, pandas)", n, lambda: cpca.transform(addresses))
    if rate < 2_000:
        print(f"below the goal of 2,000 messages/s: {rate:,.0f}")
    if scale:
        generated_board(n, scale)


if __name__ == "__main__":
    main(
        int(sys.argv[1]) if len(sys.argv) > 1 else 5_000,
        int(sys.argv[2]) if len(sys.argv) > 2 else 20_000,
    )
