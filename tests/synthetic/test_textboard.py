"""The synthetic city's text-only source: a message board that names employers and places
only in its text, read back through its mapping and linked by MENTIONS."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from disputegraph.cli import app
from disputegraph.config import Settings
from disputegraph.ingest.load import load_bundle
from disputegraph.ingest.mapping import load_mapping
from disputegraph.resolution.mentions import link_mentions
from disputegraph.store.memory import MemoryStore
from disputegraph.synthetic.evaluate import score_mentions
from disputegraph.synthetic.multisource.textboard import BOARD_HEADERS

SCALE = "600"


@pytest.fixture(scope="module")
def runner_env(tmp_path_factory: pytest.TempPathFactory) -> tuple[CliRunner, Path, dict[str, str]]:
    base = tmp_path_factory.mktemp("board")
    env = {
        "DISPUTEGRAPH_WORKSPACE": str(base / "ws"),
        "DISPUTEGRAPH_STORE": "memory",
        "DISPUTEGRAPH_DEMO": "1",
    }
    return CliRunner(env=env), base, env


@pytest.fixture(scope="module")
def city(runner_env: tuple[CliRunner, Path, dict[str, str]]) -> Path:
    runner, base, _ = runner_env
    out = base / "city"
    made = runner.invoke(app, ["generate", str(out), "--scale", SCALE, "--text-source"])
    assert made.exit_code == 0, made.output
    assert "message board:" in made.stdout
    return out


def _truth(city: Path) -> dict[str, Any]:
    return json.loads((city / "_message-board" / "_truth.json").read_text(encoding="utf-8"))


def _rows(city: Path) -> list[dict[str, str]]:
    with (city / "_message-board" / "留言.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_the_export_names_entities_only_in_its_text_and_carries_bad_rows(city: Path) -> None:
    rows = _rows(city)
    assert tuple(rows[0]) == BOARD_HEADERS
    truth = _truth(city)
    assert len(rows) == len(truth["messages"]) >= 60
    ids = {r["id"] for name in ("employers", "properties") for r in _plain(city, name)}
    # no structured id anywhere: every cell is text
    assert not any(cell in ids for r in rows for cell in r.values())
    details = [r["留言详情"] for r in rows]
    assert any(d == "" for d in details)
    assert max(len(d.encode()) for d in details) >= 100_000  # 100 kB
    assert any("<br" in d or "\n\t\t" in d or "&nbsp;" in d for d in details)
    assert any("error" in d for d in details)  # Latin words among Chinese
    kinds = {m["kind"] for t in truth["messages"] for m in t["mentions"]}
    assert {
        "organization",
        "residential_community",
        "building",
        "village",
        "village_group",
    } <= kinds
    assert "construction_project" in kinds
    variations = {m["variation"] for t in truth["messages"] for m in t["mentions"]}
    assert {"abbrev", "no_form", "homophone", "building_栋", "building_号楼"} <= variations
    assert {t["variation"] for t in truth["messages"]} >= {"traditional", "full_width"}
    # the planted patterns each get text-only messages
    assert set(truth["patterns"]) == {
        "wage_arrears_chain",
        "elevator_building",
        "land_rent_village",
    }


def _plain(city: Path, table: str) -> list[dict[str, str]]:
    with (city / f"{table}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_same_seed_same_bytes_and_no_board_without_the_option(
    runner_env: tuple[CliRunner, Path, dict[str, str]], city: Path
) -> None:
    runner, base, _ = runner_env
    again = base / "again"
    assert runner.invoke(app, ["generate", str(again), "-n", SCALE, "--text-source"]).exit_code == 0
    for name in ("留言.csv", "mapping.toml", "_truth.json"):
        assert (again / "_message-board" / name).read_bytes() == (
            city / "_message-board" / name
        ).read_bytes()
    plain = base / "plain"
    assert runner.invoke(app, ["generate", str(plain), "-n", SCALE]).exit_code == 0
    assert not (plain / "_message-board").exists()
    assert (plain / "disputes.csv").read_bytes() == (city / "disputes.csv").read_bytes()


def test_text_source_refuses_sources_and_other_formats(
    runner_env: tuple[CliRunner, Path, dict[str, str]],
) -> None:
    runner, base, _ = runner_env
    for extra in (["--sources", "2"], ["-f", "jsonl"]):
        bad = runner.invoke(app, ["generate", str(base / "x"), "--text-source", *extra])
        assert bad.exit_code == 2 and "--text-source" in bad.output


def test_mention_precision_and_recall_per_kind(city: Path, tmp_path: Path) -> None:
    store = MemoryStore()
    cfg = Settings(demo=True, workspace=tmp_path / "ws", store="memory")
    assert load_bundle(city, store, cfg, strict=True).rejected == 0
    board = city / "_message-board"
    result = load_bundle(board, store, cfg, mapping=load_mapping(board / "mapping.toml"))
    assert result.rejected == 0 and len(result.extracted) == len(_truth(city)["messages"])
    link_mentions(store, result.extracted)
    scores = score_mentions(store, _truth(city))
    kinds = ("organization", "residential_community", "building", "village", "village_group")
    for kind in (*kinds, "construction_project"):
        figures = scores["kinds"][kind]
        assert figures["true"] > 0, kind
        assert figures["precision"] >= 0.95, (kind, figures, scores["wrong"])
        assert figures["recall"] >= 0.90, (kind, figures, scores["missed"])
    for how in ("abbrev", "homophone", "building_号楼", "traditional", "full_width", "group"):
        assert scores["variations"][how]["recall"] >= 0.8, (how, scores["variations"][how])


def test_end_to_end_the_planted_clusters_gain_their_text_only_disputes(
    runner_env: tuple[CliRunner, Path, dict[str, str]], city: Path
) -> None:
    runner, _, _ = runner_env
    board = city / "_message-board"
    assert runner.invoke(app, ["load", str(city), "--reset"]).exit_code == 0
    loaded = runner.invoke(
        app, ["load", str(board), "--mapping", str(board / "mapping.toml"), "--format", "json"]
    )
    assert loaded.exit_code == 0, loaded.output
    payload = json.loads(loaded.stdout)
    assert payload["mentions"]["disputes"] == len(_truth(city)["messages"])
    again = runner.invoke(app, ["resolve", "mentions", "--format", "json"])
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["retired"] == 0  # the same links as the load made
    assert runner.invoke(app, ["analyze"]).exit_code == 0, "analyze"
    planted = json.loads((city / "_planted.json").read_text(encoding="utf-8"))
    structured = {p["name"]: p["disputes"] for p in planted["patterns"]}
    for name, text_only in _truth(city)["patterns"].items():
        shown = runner.invoke(app, ["cluster", structured[name][0], "--format", "json"])
        assert shown.exit_code == 0, shown.output
        members = set(json.loads(shown.stdout)["disputes"])
        assert set(structured[name]) <= members, name
        assert set(text_only) <= members, (name, text_only)
