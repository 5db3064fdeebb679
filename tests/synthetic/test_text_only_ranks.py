"""The planted clusters found only through the text rank as in the structured city.

A text-only twin of a small generated city: the risky planted patterns' disputes
lose every structured tie to an employer or a place (their ``dispute_properties``
rows and the employers among their ``involvements``); what ties them now is what
their titles and descriptions name, found by ``extract`` and linked by
``link_mentions``. The analysis of the twin must rank and grade each planted
pattern as the structured city's does, with the same disputes.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from disputegraph.analytics import run_analysis
from disputegraph.config import Settings
from disputegraph.ingest.load import load_bundle
from disputegraph.resolution.mentions import link_mentions
from disputegraph.schemas import AnalysisResult, NodeLabel, RelType
from disputegraph.store.memory import MemoryStore
from disputegraph.synthetic import generate_city

Ranks = dict[str, tuple[int, str, float, tuple[str, ...]]]


def _ranks(result: AnalysisResult, planted: dict[str, Any]) -> Ranks:
    """Per ranked planted pattern: its cluster's rank, level, score and disputes."""
    rank = {d: i for i, c in enumerate(result.clusters) for d in c.disputes}
    out: Ranks = {}
    for p in planted["patterns"]:
        if p["expect"] not in ("top3", "below_top3"):
            continue
        at = min(rank[d] for d in p["disputes"])
        c = result.clusters[at]
        out[p["name"]] = (at, c.level.value, round(c.score, 1), tuple(sorted(c.disputes)))
    return out


def _drop_rows(path: Path, drop: Any) -> int:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        fields = list(reader.fieldnames or [])
        rows = list(reader)
    kept = [r for r in rows if not drop(r)]
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        writer.writerows(kept)
    return len(rows) - len(kept)


@pytest.fixture(scope="module")
def cities(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("twin")
    city = root / "city"
    generate_city(city, scale=400, seed=7)
    planted = json.loads((city / "_planted.json").read_text(encoding="utf-8"))
    structured = MemoryStore()
    load_bundle(city, structured, Settings(demo=True, workspace=root / "ws1"))
    twin = root / "twin"
    shutil.copytree(city, twin)
    risky = {d for p in planted["patterns"] if p["expect"] == "top3" for d in p["disputes"]}
    dropped = _drop_rows(twin / "dispute_properties.csv", lambda r: r["dispute_id"] in risky)
    dropped += _drop_rows(
        twin / "involvements.csv",
        lambda r: r["dispute_id"] in risky and r["stakeholder_id"].startswith("E"),
    )
    untied = MemoryStore()
    load_bundle(twin, untied, Settings(demo=True, workspace=root / "ws2"))
    text = MemoryStore()
    loaded = load_bundle(
        twin, text, Settings(demo=True, workspace=root / "ws3"), extract=("title", "description")
    )
    linked = link_mentions(text, [d for d in loaded.extracted if d in risky])
    return {
        "planted": planted,
        "risky": risky,
        "dropped": dropped,
        "linked": linked,
        "text": text,
        "structured": _ranks(run_analysis(structured), planted),
        "untied": _ranks(run_analysis(untied), planted),
        "twin": _ranks(run_analysis(text), planted),
    }


def test_the_twin_has_no_structured_tie_left_for_the_planted_disputes(
    cities: dict[str, Any],
) -> None:
    assert cities["dropped"] > 20
    store: MemoryStore = cities["text"]
    ties = {RelType.CONCERNS, RelType.PARTY_TO}
    employers_and_places = {
        n.id
        for label in (NodeLabel.EMPLOYER, NodeLabel.PROPERTY)
        for batch in store.iter_nodes(label)
        for n in batch
    }
    for rel in ties:
        for batch in store.iter_edges(rel):
            for e in batch:
                ends = {e.source, e.target}
                assert not (ends & cities["risky"] and ends & employers_and_places), (rel, e)
    assert cities["linked"]["linked_known"] >= len(cities["risky"])


def test_without_the_text_a_planted_cluster_falls_apart(cities: dict[str, Any]) -> None:
    # the land-rent villagers share no party across disputes: only the village and the
    # cooperative tie them, so untied the pattern is no longer one cluster
    assert cities["untied"] != cities["structured"]
    village = cities["untied"]["land_rent_village"]
    assert len(village[3]) < len(cities["structured"]["land_rent_village"][3])


def test_found_only_through_the_text_the_planted_clusters_rank_as_structured(
    cities: dict[str, Any],
) -> None:
    structured, twin = cities["structured"], cities["twin"]
    assert set(structured) == {
        "wage_arrears_chain",
        "elevator_building",
        "land_rent_village",
        "benign_property_manager",
    }
    for name, (rank, level, score, disputes) in structured.items():
        got = twin[name]
        assert got[0] == rank, (name, got, structured[name])
        assert got[1] == level, (name, got, structured[name])
        assert got[3] == disputes, name
        assert got[2] == pytest.approx(score, abs=1.0), name
    assert sorted(r for r, *_ in twin.values())[:3] == [0, 1, 2]


def test_the_text_links_the_planted_disputes_to_the_structured_entities(
    cities: dict[str, Any],
) -> None:
    planted = {p["name"]: p for p in cities["planted"]["patterns"]}
    store: MemoryStore = cities["text"]
    named: dict[str, set[str]] = {}
    for batch in store.iter_edges(RelType.MENTIONS):
        for e in batch:
            named.setdefault(e.source, set()).add(e.target)
    village = planted["land_rent_village"]
    for d in village["disputes"]:
        assert {village["village"], village["operator"]} <= named.get(d, set()), d
    elevator = planted["elevator_building"]
    building_or_units = {elevator["building"]} | {
        e.source
        for batch in store.iter_edges(RelType.PART_OF)
        for e in batch
        if e.target == elevator["building"]
    }
    for d in elevator["disputes"]:
        assert named.get(d, set()) & building_or_units, d
    wage = planted["wage_arrears_chain"]
    assert any(wage["project"] in named.get(d, set()) for d in wage["disputes"])
