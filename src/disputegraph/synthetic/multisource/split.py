"""Splitting a plain bundle across source systems, stage by stage.

Read the bundle and make its identities clean (one organisation per name, one
person per id number); add the hidden cross-source wage cluster; give every
dispute a home (the source of its channel, or the registry), and some a duplicate
case record in a second source; give each home its own record of every party
and employer its rows name; write the registry, each source with its mapping,
and the truth.
"""

from __future__ import annotations

import json
import random
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from disputegraph.exceptions import LoadError
from disputegraph.schemas import TABLES, table_model
from disputegraph.schemas.enums import (
    Category,
    Channel,
    EmployerKind,
    LinkReason,
    PartyKind,
    PartyRole,
    Status,
)
from disputegraph.schemas.identifiers import id_number_check
from disputegraph.synthetic.multisource.exports import (
    PROFILES,
    SOURCE_TABLES,
    SourceProfile,
    file_name,
    fmt_row,
    header,
    mapping_toml,
    read_table,
    write_csv,
)
from disputegraph.synthetic.multisource.variants import Home

__all__ = ["split_sources"]

Row = dict[str, str]
#: the tables the registry holds whole (what the city shares)
_SHARED = ("agencies", "properties", "contracts")
_TEAM = "EX0001"


def _id_number(region: str, born: date, rng: random.Random) -> str:
    """A resident id number with a right check character."""
    body = f"{region}{born:%Y%m%d}{rng.randrange(1, 1000):03d}"
    return body + id_number_check(body)


def _words(text: str) -> list[str]:
    return text.split()


def _hidden_cluster(
    as_of: date, n_disputes: int, seed: int
) -> tuple[dict[str, Row], dict[str, Row], list[dict[str, Any]]]:
    """The cross-source wage cluster: workers, one labour team, disputes with their people."""
    rng = random.Random(f"{seed}:hidden")
    surnames = _words("欧阳 司马 诸葛 上官 东方 慕容 皇甫 尉迟 公孙 令狐 长孙 宇文 夏侯 端木")
    given = _words("思远 嘉怡 子涵 浩然 雨桐 梓萱 宇航 欣怡 俊杰 诗涵 明轩 佳琪 晨阳")
    workers: dict[str, Row] = {}
    n_workers = 4 + 3 * (n_disputes - 1)
    for i in range(n_workers):
        wid = f"PX{i + 1:04d}"
        workers[wid] = {
            "id": wid,
            "kind": PartyKind.PERSON.value,
            "name": surnames[i % len(surnames)] + given[(i * 5) % len(given)],
            "id_number": _id_number(
                "522401", date(1965, 1, 1) + timedelta(days=rng.randrange(13_000)), rng
            ),
            "phone": f"177{rng.randrange(10**8):08d}",
            "district": "",
            "tags": "migrant_worker",
        }
    team = {
        _TEAM: {
            "id": _TEAM,
            "name": "临江市欧阳思远劳务有限公司",
            "credit_code": "",
            "kind": EmployerKind.LABOUR_TEAM.value,
            "industry": "建筑劳务",
            "district": "",
        }
    }
    disputes = []
    ids = sorted(workers)
    for k in range(n_disputes):
        people = ids[3 * k : 3 * k + 4]
        when = datetime.combine(as_of - timedelta(days=4 + 5 * k), datetime.min.time())
        disputes.append(
            {
                "row": {
                    "id": f"DX{k + 1:04d}",
                    "title": f"劳务公司拖欠{len(people)}名农民工工资",
                    "category": Category.WAGE_ARREARS.value,
                    "status": Status.ACCEPTED.value,
                    "reported_at": when.replace(hour=9 + k).isoformat(),
                    "closed_at": "",
                    "channel": "",
                    "headcount": str(len(people)),
                    "amount_yuan": str(45_000 * len(people)),
                    "district": "",
                    "street": "",
                    "grid": "",
                    "description": "工人反映劳务公司拖欠工资，多次讨要未果",
                    "source": "",
                },
                "people": people,
                "respondent": _TEAM,
            }
        )
    return workers, team, disputes


def _usual_source(rows: Iterable[Row], channel: str, skip: set[str]) -> str:
    """The ``source`` most disputes of a source system carry (of its channel first)."""
    rows = [r for r in rows if r["id"] not in skip and r.get("source")]
    same = [r for r in rows if r.get("channel") == channel] or rows
    counts = Counter(r["source"] for r in same)
    return min(counts, key=lambda k: (-counts[k], k)) if counts else ""


def _read_bundle(bundle: Path) -> tuple[dict[str, list[Row]], dict[str, Any], date]:
    """Every table, the bundle's ``_planted.json`` (if any) and its as-of day."""
    if not (bundle / "disputes.csv").exists():
        raise LoadError(f"{bundle} has no disputes.csv: split a plain CSV bundle (generate first)")
    data = {t: read_table(bundle, t) for t in TABLES}
    planted_path = bundle / "_planted.json"
    planted: dict[str, Any] = (
        json.loads(planted_path.read_text(encoding="utf-8")) if planted_path.exists() else {}
    )
    as_of = (
        date.fromisoformat(planted["as_of"])
        if "as_of" in planted
        else max(datetime.fromisoformat(d["reported_at"]).date() for d in data["disputes"])
    )
    return data, planted, as_of


def _merge_organisations(data: dict[str, list[Row]]) -> None:
    """The same organisation (a town government) may be several party rows of the bundle:
    the truth has one organisation per name, so its rows become one."""
    alias: dict[str, str] = {}
    first_org: dict[str, str] = {}
    for r in data["parties"]:
        if r.get("kind") == PartyKind.ORGANIZATION:
            alias[r["id"]] = first_org.setdefault(r["name"], r["id"])
    data["parties"] = [r for r in data["parties"] if alias.get(r["id"], r["id"]) == r["id"]]
    for table, col in (
        ("involvements", "stakeholder_id"),
        ("reports", "reporter_id"),
        ("employments", "party_id"),
        ("property_ties", "stakeholder_id"),
    ):
        seen_rows: set[tuple[str, ...]] = set()
        kept = []
        for r in data[table]:
            if r.get(col) in alias:
                r = {**r, col: alias[r[col]]}
            key = tuple(r.values())
            if table != "reports" and key in seen_rows:
                continue  # the same organisation named twice in one dispute
            seen_rows.add(key)
            kept.append(r)
        data[table] = kept


def _unique_id_numbers(parties: list[Row]) -> None:
    """An id number belongs to one person: a random collision in the plain bundle (two
    generated people drawing the same number) is given a fresh sequence part."""
    taken: set[str] = set()
    for r in parties:
        number = r.get("id_number") or ""
        if not number:
            continue
        if number in taken and len(number) == 18:
            for seq in range(1000):
                body = f"{number[:14]}{seq:03d}"
                fresh = body + id_number_check(body)
                if fresh not in taken:
                    r["id_number"] = number = fresh
                    break
        taken.add(number)


@dataclass
class _Split:
    """The split being built: the bundle's rows, the true parties and employers, the homes."""

    data: dict[str, list[Row]]
    parties: dict[str, Row]
    employers: dict[str, Row]
    registry: Home
    homes: list[Home]
    workers: dict[str, Row] = field(default_factory=dict)
    team: dict[str, Row] = field(default_factory=dict)
    dispute_home: dict[str, Home] = field(default_factory=dict)
    hidden_ids: list[str] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)

    def rec(self, home: Home, true_id: str) -> str:
        """The record id of a true party or employer in ``home`` (created on first use)."""
        return home.record(
            true_id, self.parties, self.employers, keep_phone=true_id in self.workers
        )

    @property
    def all_homes(self) -> tuple[Home, ...]:
        return (self.registry, *self.homes)


def _place_disputes(sp: _Split, hidden: list[dict[str, Any]], sources: int) -> None:
    """Each hidden dispute in another source (its people only there), then every dispute
    in the source of its channel (the registry when no source claims it)."""
    data, homes = sp.data, sp.homes
    for k, h in enumerate(hidden):
        home = homes[k % len(homes)] if sources >= 2 else sp.registry
        row = dict(h["row"])
        row["channel"] = home.profile.channels[0].value if home.profile else Channel.OTHER.value
        data["disputes"].append(row)
        sp.hidden_ids.append(row["id"])
        for w in h["people"]:
            data["involvements"].append(
                {"dispute_id": row["id"], "stakeholder_id": w, "role": PartyRole.APPLICANT.value}
            )
        data["involvements"].append(
            {
                "dispute_id": row["id"],
                "stakeholder_id": h["respondent"],
                "role": PartyRole.RESPONDENT.value,
            }
        )
        sp.dispute_home[row["id"]] = home
    by_channel: dict[str, Home] = {
        c: home for home in homes if home.profile for c in home.profile.channels
    }
    for d in data["disputes"]:
        home = sp.dispute_home.get(d["id"]) or by_channel.get(d["channel"], sp.registry)
        sp.dispute_home[d["id"]] = home
        home.rows["disputes"].append(d)
    hidden_ids = set(sp.hidden_ids)
    for did in sp.hidden_ids:  # named by their system like its other disputes
        home = sp.dispute_home[did]
        row = next(d for d in home.rows["disputes"] if d["id"] == did)
        row["source"] = _usual_source(home.rows["disputes"], row["channel"], hidden_ids)


def _add_duplicates(sp: _Split, planted: dict[str, Any], seed: int, duplicate_rate: float) -> None:
    """The same matter often reaches a second system: a duplicate case record there."""
    data = sp.data
    planted_ids = {d for pat in planted.get("patterns", []) for d in pat.get("disputes", [])}
    dup_rng = random.Random(f"{seed}:duplicates")
    by_dispute: dict[str, list[Row]] = defaultdict(list)
    for r in data["involvements"]:
        by_dispute[r["dispute_id"]].append(r)
    for d in list(data["disputes"]):
        if d["id"] in planted_ids or d["id"] in sp.hidden_ids or dup_rng.random() >= duplicate_rate:
            continue
        others = [h for h in sp.homes if h is not sp.dispute_home[d["id"]]]
        if not others:
            continue
        home = dup_rng.choice(others)
        assert home.profile is not None
        copy = {**d, "id": f"{home.profile.prefix}-{d['id']}"}
        copy["channel"] = home.profile.channels[0].value
        sp.dispute_home[copy["id"]] = home
        home.rows["disputes"].append(copy)
        for r in by_dispute.get(d["id"], []):
            data["involvements"].append({**r, "dispute_id": copy["id"]})
        sp.duplicates.append((copy["id"], d["id"]))
        data["dispute_links"].append(
            {"dispute_id": copy["id"], "other_id": d["id"], "reason": LinkReason.DUPLICATE.value}
        )


def _distribute_cases(sp: _Split) -> None:
    """The registry's employers; each dispute's rows go to its home, under that home's
    record ids; a link between two homes goes to the last source."""
    data, registry = sp.data, sp.registry
    # the registry holds every employer under its own id, in every case
    for eid in sorted(e for e in sp.employers if e not in sp.team):
        sp.rec(registry, eid)
    for r in data["involvements"]:
        home = sp.dispute_home[r["dispute_id"]]
        home.rows["involvements"].append({**r, "stakeholder_id": sp.rec(home, r["stakeholder_id"])})
    for r in data["reports"]:
        home = sp.dispute_home[r["dispute_id"]]
        row = dict(r)
        if row.get("reporter_id"):
            row["reporter_id"] = sp.rec(home, row["reporter_id"])
        home.rows["reports"].append(row)
    for table in ("dispute_properties", "handlings"):
        for r in data[table]:
            sp.dispute_home[r["dispute_id"]].rows[table].append(r)
    last = sp.homes[-1]
    for r in data["dispute_links"]:
        a, b = sp.dispute_home[r["dispute_id"]], sp.dispute_home[r["other_id"]]
        (a if a is b else last).rows["dispute_links"].append(r)


def _distribute_relations(sp: _Split) -> None:
    """A party's relations go to every home that has a record of it (employers' ties to
    the registry); people in no dispute and no relation stay in the registry."""
    data, registry = sp.data, sp.registry
    holders: dict[str, list[Home]] = defaultdict(list)
    for home in sp.all_homes:
        for true_id in home.copies:
            holders[true_id].append(home)
    for r in data["employments"]:
        for home in holders.get(r["party_id"]) or [registry]:
            home.rows["employments"].append(
                {
                    **r,
                    "party_id": sp.rec(home, r["party_id"]),
                    "employer_id": sp.rec(home, r["employer_id"]),
                }
            )
    for r in data["property_ties"]:
        sid = r["stakeholder_id"]
        where = [registry] if sid in sp.employers else (holders.get(sid) or [registry])
        for home in where:
            home.rows["property_ties"].append({**r, "stakeholder_id": sp.rec(home, sid)})
    for pid in sp.parties:
        if pid not in holders and pid not in registry.copies and pid not in sp.workers:
            sp.rec(registry, pid)


def _write_registry(sp: _Split, folder: Path) -> None:
    """The registry in the plain bundle format: what the city shares, and its own records."""
    folder.mkdir(exist_ok=True)
    for table in TABLES:
        rows = sp.data[table] if table in _SHARED else sp.registry.rows.get(table, [])
        cols = table_model(table).columns()
        write_csv(folder / f"{table}.csv", cols, ([r.get(c, "") or "" for c in cols] for r in rows))


def _write_source(home: Home, p: SourceProfile, folder: Path) -> None:
    """A source's export (its file names, headers, labels, dates) and its mapping."""
    folder.mkdir(exist_ok=True)
    written = []
    for table in SOURCE_TABLES:
        rows = home.rows.get(table, [])
        if not rows:
            continue
        cols = table_model(table).columns()
        formatted = (fmt_row(table, r, p) for r in rows)
        write_csv(
            folder / file_name(table, p),
            [header(table, c, p) for c in cols],
            ([f[c] for c in cols] for f in formatted),
        )
        written.append(table)
    (folder / "mapping.toml").write_text(mapping_toml(p, written), encoding="utf-8")


def _truth(
    sp: _Split,
    planted: dict[str, Any],
    as_of: date,
    profiles: tuple[SourceProfile, ...],
    folders: list[dict[str, Any]],
) -> dict[str, Any]:
    """``_planted.json`` of the split: the bundle's, plus the identities and the hidden cluster."""
    identities: dict[str, list[str]] = {}
    for true_id in sorted(set(sp.parties) | set(sp.employers)):
        recs = [h.copies[true_id] for h in sp.all_homes if true_id in h.copies]
        if len(recs) >= 2:
            identities[true_id] = recs
    members = [*sp.workers, *sp.team]
    return {
        **{k: v for k, v in planted.items() if k != "patterns"},
        "as_of": as_of.isoformat(),
        "sources": [p.key for p in profiles],
        "load_order": folders,
        "identities": identities,
        "records": sum(len(h.copies) for h in sp.all_homes),
        "duplicates": len(sp.duplicates),
        "patterns": [
            *planted.get("patterns", []),
            {
                "name": "cross_source_wage_cluster",
                "expect": "after_resolution",
                "disputes": sp.hidden_ids,
                "members": sorted(sp.workers) + sorted(sp.team),
                "anchor": _TEAM,
                "records": {w: [h.copies[w] for h in sp.homes if w in h.copies] for w in members},
                "description_en": (
                    "Migrant workers of one labour company owed wages, each dispute in a "
                    "different source system: a group dispute only once their records are "
                    "resolved across sources."
                ),
                "description_zh": (
                    "同一劳务公司拖欠农民工工资，纠纷分散在不同系统，"
                    "需跨系统识别同一人后才显现为群体性纠纷。"
                ),
            },
        ],
    }


def split_sources(
    bundle: Path,
    out: Path,
    *,
    sources: int = 3,
    seed: int = 7,
    duplicate_rate: float = 0.25,
) -> dict[str, Any]:
    """Split a plain CSV bundle into ``sources`` source-system exports (1–4) and a registry.

    ``duplicate_rate`` of the (not planted) disputes also reach a second system,
    which keeps its own case record (``<prefix>-<id>``, linked as a duplicate).

    Returns (and writes to ``out/_planted.json``) the truth; see the package docstring.
    """
    if not 1 <= sources <= len(PROFILES):
        raise LoadError(f"--sources must be 1 to {len(PROFILES)}, not {sources}")
    data, planted, as_of = _read_bundle(bundle)
    profiles = PROFILES[:sources]
    _merge_organisations(data)
    _unique_id_numbers(data["parties"])
    sp = _Split(
        data,
        {r["id"]: r for r in data["parties"]},
        {r["id"]: r for r in data["employers"]},
        Home(None, seed),
        [Home(p, seed) for p in profiles],
    )
    sp.workers, sp.team, hidden = _hidden_cluster(as_of, max(2, min(sources, 4)), seed)
    sp.parties.update(sp.workers)
    sp.employers.update(sp.team)
    _place_disputes(sp, hidden, sources)
    _add_duplicates(sp, planted, seed, duplicate_rate)
    _distribute_cases(sp)
    _distribute_relations(sp)

    out.mkdir(parents=True, exist_ok=True)
    _write_registry(sp, out / "0-registry")
    folders: list[dict[str, Any]] = [
        {"folder": "0-registry", "source": "registry", "mapping": None}
    ]
    for i, (home, p) in enumerate(zip(sp.homes, profiles, strict=True), start=1):
        folder = out / f"{i}-{p.key}"
        _write_source(home, p, folder)
        folders.append({"folder": folder.name, "source": p.key, "mapping": "mapping.toml"})
    truth = _truth(sp, planted, as_of, profiles, folders)
    (out / "_planted.json").write_text(
        json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    return truth
