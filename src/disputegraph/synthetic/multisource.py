"""A multi-source city: one synthetic bundle split across source systems.

:func:`split_sources` takes a plain bundle (the synthetic city) and writes what
a city really receives: each source system (a 12345 hotline, a grid platform,
a petition system, a court-mediation system) exports the disputes of its own
channels with **its own record ids** for every person and organisation, its
own file names, header style, labels and date format, and its own habits —
the hotline rarely has id numbers and its operators type names by ear
(homophones), some systems write traditional characters or full-width spaces,
companies lose or change their legal form. Each source folder carries the
mapping (``mapping.toml``) that reads it back. A registry folder holds what
the city shares (agencies, properties, the employer register with credit
codes, contracts) and the disputes of channels no source claims, in the plain
bundle format.

``_planted.json`` records the truth: for every true person or organisation
the records that stand for it (``identities``), the load order, and one extra
planted pattern, ``cross_source_wage_cluster``: a wage-arrears group whose
disputes each sit in a different source and share people *only* across
sources, so that it is a group dispute after resolution and invisible before.

Layout::

    OUT/0-registry/…            plain bundle (load first)
    OUT/1-hotline/纠纷.csv …     + mapping.toml
    OUT/2-grid/DISPUTES.csv …   + mapping.toml
    OUT/_planted.json
"""

from __future__ import annotations

import csv
import json
import random
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import opencc

from disputegraph.config import Settings
from disputegraph.exceptions import LoadError
from disputegraph.ingest.load import LoadResult, load_bundle
from disputegraph.ingest.mapping import convert, load_mapping
from disputegraph.ingest.validate import enum_of
from disputegraph.resolution.text import pinyin_key
from disputegraph.schemas import TABLES, Lang, table_model
from disputegraph.schemas.identifiers import id_number_check
from disputegraph.store.protocol import GraphStore

__all__ = ["PROFILES", "SourceProfile", "iter_identity_pairs", "load_split", "split_sources"]

_S2T = opencc.OpenCC("s2t")


@dataclass(frozen=True, slots=True)
class SourceProfile:
    """How one source system exports (see the module docstring)."""

    key: str
    title: str
    prefix: str
    channels: tuple[str, ...]
    headers: str  # "zh" or "upper"
    labels: str  # "zh", "en" or "code"
    date_style: str  # "slash", "iso_space", "zh", "iso"
    p_id: float  # share of person records keeping the id number
    p_phone: float
    p_credit: float
    p_variant: float  # share of names spelled differently
    p_typo: float  # share of names with a wrong character (different sound)


PROFILES: tuple[SourceProfile, ...] = (
    SourceProfile(
        "hotline",
        "12345热线工单系统",
        "HL",
        ("hotline_12345", "police_110", "online_sentiment", "leader_instruction"),
        "zh",
        "zh",
        "slash",
        0.35,
        0.97,
        0.2,
        0.25,
        0.02,
    ),
    SourceProfile(
        "grid",
        "网格化社会治理平台",
        "WG",
        ("grid_report", "proactive_screening"),
        "upper",
        "en",
        "iso_space",
        0.8,
        0.92,
        0.5,
        0.12,
        0.01,
    ),
    SourceProfile(
        "petition",
        "信访信息系统",
        "XF",
        ("petition_letter", "petition_visit", "petition_online", "walk_in"),
        "zh",
        "zh",
        "zh",
        0.95,
        0.9,
        0.7,
        0.1,
        0.01,
    ),
    SourceProfile(
        "court",
        "诉调对接平台",
        "SD",
        (
            "court_pre_litigation",
            "labour_inspection",
            "trade_union",
            "womens_federation",
            "other_department",
        ),
        "zh",
        "code",
        "iso",
        0.95,
        0.85,
        0.9,
        0.05,
        0.0,
    ),
)

_ZH_FILES = {
    "disputes": "纠纷",
    "parties": "当事人",
    "employers": "单位",
    "involvements": "涉事人员",
    "reports": "来件",
    "handlings": "办理过程",
    "dispute_properties": "涉事房产",
    "dispute_links": "关联纠纷",
    "employments": "用工关系",
    "property_ties": "房产关系",
}
_ZH_HEADERS: dict[str, dict[str, str]] = {
    "disputes": {
        "id": "纠纷编号",
        "title": "纠纷标题",
        "category": "纠纷类型",
        "status": "办理状态",
        "reported_at": "登记时间",
        "closed_at": "办结时间",
        "channel": "来源渠道",
        "headcount": "涉及人数",
        "amount_yuan": "涉及金额",
        "district": "所属区县",
        "street": "所属街道",
        "grid": "所属网格",
        "description": "纠纷描述",
        "source": "数据来源",
    },
    "parties": {
        "id": "人员编号",
        "kind": "人员性质",
        "name": "姓名",
        "id_number": "证件号码",
        "phone": "联系电话",
        "district": "户籍区县",
        "tags": "人员类别",
    },
    "employers": {
        "id": "单位编号",
        "name": "单位名称",
        "credit_code": "统一社会信用代码",
        "kind": "单位类型",
        "industry": "所属行业",
        "district": "所在区县",
    },
    "involvements": {
        "dispute_id": "纠纷编号",
        "stakeholder_id": "当事人编号",
        "role": "当事人角色",
    },
    "reports": {
        "id": "来件编号",
        "dispute_id": "纠纷编号",
        "channel": "来件渠道",
        "received_at": "来件时间",
        "reporter_id": "来件人编号",
    },
    "handlings": {
        "dispute_id": "纠纷编号",
        "seq": "序号",
        "agency_id": "办理单位编码",
        "action": "办理环节",
        "started_at": "开始时间",
        "ended_at": "结束时间",
        "due_at": "办理时限",
        "role": "主协办",
        "outcome": "办理结果",
        "note": "办理意见",
    },
    "dispute_properties": {"dispute_id": "纠纷编号", "property_id": "房产编号"},
    "dispute_links": {"dispute_id": "纠纷编号", "other_id": "关联纠纷编号", "reason": "关联原因"},
    "employments": {
        "party_id": "人员编号",
        "employer_id": "单位编号",
        "since": "入职日期",
        "until": "离职日期",
    },
    "property_ties": {
        "stakeholder_id": "当事人编号",
        "property_id": "房产编号",
        "relation": "关系",
    },
}
#: custom labels a system uses (bundle column -> code -> label), written into its mapping
_CUSTOM = {"hotline": {"category": {"wage_arrears": "劳动保障", "neighbor": "邻里纠纷"}}}
_DATE_FORMATS = {
    "slash": ["%Y/%m/%d %H:%M", "%Y/%m/%d"],
    "iso_space": ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d"],
    "zh": ["%Y年%m月%d日 %H:%M", "%Y年%m月%d日"],
    "iso": ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"],
}
_SOURCE_TABLES = (
    "disputes",
    "parties",
    "employers",
    "reports",
    "involvements",
    "dispute_properties",
    "employments",
    "property_ties",
    "handlings",
    "dispute_links",
)
_HOMOPHONES = (
    "伟玮炜苇",
    "明铭鸣",
    "华骅桦",
    "丽莉俐",
    "军君钧",
    "静婧靖",
    "杰洁",
    "敏闽",
    "芳方",
    "娟涓",
    "燕艳雁",
    "玲琳翎",
    "霞侠",
    "涛韬",
    "斌彬",
    "刚钢纲",
    "勇涌",
    "磊垒",
    "峰锋枫",
    "辉晖",
    "鹏朋",
    "建健剑",
    "平萍坪",
    "红虹鸿",
    "春纯",
    "秀绣",
    "英瑛莹",
    "兰岚蓝",
    "梅玫",
    "文雯",
    "国帼",
    "云芸",
    "晓小",
    "海亥",
    "林琳",
    "洋阳扬",
    "婷亭",
    "俊骏",
    "志智",
    "东冬",
)
_HOMO = {ch: group for group in _HOMOPHONES for ch in group}
_TYPO = "一二三王李张刘陈杨黄赵周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"


# ---------------------------------------------------------------------------
# variants


def _person_variant(name: str, rng: random.Random, p: SourceProfile) -> str:
    roll = rng.random()
    if roll < p.p_typo and len(name) >= 2:
        i = rng.randrange(1, len(name))
        for _ in range(5):
            ch = rng.choice(_TYPO)
            if ch != name[i] and pinyin_key(ch) != pinyin_key(name[i]):
                return name[:i] + ch + name[i + 1 :]
        return name
    if roll >= p.p_typo + p.p_variant:
        return name
    kind = rng.random()
    if kind < 0.5:
        spots = [i for i in range(1, len(name)) if name[i] in _HOMO]
        if spots:
            i = rng.choice(spots)
            options = [c for c in _HOMO[name[i]] if c != name[i]]
            cand = name[:i] + rng.choice(options) + name[i + 1 :]
            if pinyin_key(cand) == pinyin_key(name):
                return cand
    if kind < 0.8:
        return str(_S2T.convert(name))
    return name[0] + "\u3000" + name[1:] if len(name) >= 2 else name


_PLACES = ("杭州", "宁波", "临江", "温州", "浙江", "江西", "安徽", "上海", "江苏")


def _org_variant(name: str, rng: random.Random, p: SourceProfile) -> str:
    roll = rng.random()
    if roll < p.p_typo and len(name) >= 4:
        i = rng.randrange(2, len(name) - 2)
        return name[:i] + rng.choice(_TYPO) + name[i + 1 :]
    if roll >= p.p_typo + p.p_variant * 2:  # organisations vary more than persons
        return name
    kind = rng.random()
    if kind < 0.3 and name.endswith("有限公司"):
        return name[: -len("有限公司")] + rng.choice(("有限责任公司", "公司", ""))
    if kind < 0.5 and name.endswith("集团有限公司"):
        return name.replace("集团有限公司", "(集团)有限公司")
    if kind < 0.7:
        for place in _PLACES:
            if name.startswith(place) and name.endswith("有限公司") and len(name) > 8:
                return f"{name[len(place) : -4]}({place})有限公司"
    if kind < 0.9:
        return str(_S2T.convert(name))
    return name.replace("(", "（").replace(")", "）") + ("" if "(" in name else " ")


def _phone_variant(phone: str, rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.15 and len(phone) == 11:
        return f"+86 {phone[:3]}-{phone[3:7]}-{phone[7:]}"
    if roll < 0.3 and len(phone) == 11:
        return f"{phone[:3]} {phone[3:7]} {phone[7:]}"
    return phone


# ---------------------------------------------------------------------------
# value formatting per source


def _fmt_dt(value: str, style: str, kind: str) -> str:
    if not value:
        return ""
    dt = datetime.fromisoformat(value)
    if dt.tzinfo is not None:
        dt = dt.replace(tzinfo=None)  # the systems export local time without an offset
    if kind == "date":
        d: date = dt.date() if isinstance(dt, datetime) else dt
        if style == "slash":
            return f"{d.year}/{d.month}/{d.day}"
        if style == "zh":
            return f"{d.year}年{d.month:02d}月{d.day:02d}日"
        return d.isoformat()
    if style == "slash":
        return f"{dt.year}/{dt.month}/{dt.day} {dt.hour}:{dt.minute:02d}"
    if style == "iso_space":
        return dt.strftime("%Y-%m-%d %H:%M:%S")
    if style == "zh":
        return dt.strftime("%Y年%m月%d日 %H:%M")
    return dt.strftime("%Y-%m-%dT%H:%M:%S")


_DATE_COLUMNS = {
    "reported_at": "datetime",
    "closed_at": "datetime",
    "received_at": "datetime",
    "started_at": "datetime",
    "ended_at": "datetime",
    "due_at": "datetime",
    "since": "date",
    "until": "date",
}


@lru_cache(maxsize=64)
def _plan(table: str, key: str, labels: str) -> list[tuple[str, dict[str, str] | None]]:
    """Per column of a table: the code → label table of a source (None: no translation)."""
    model = table_model(table)
    custom = _CUSTOM.get(key, {})
    plan: list[tuple[str, dict[str, str] | None]] = []
    for col in model.columns():
        enum = enum_of(model, col)
        if enum is None or labels == "code":
            plan.append((col, None))
            continue
        lang: Lang = "zh" if labels == "zh" else "en"
        table_of = {m.value: custom.get(col, {}).get(m.value) or m.label(lang) for m in enum}
        plan.append((col, table_of))
    return plan


def _fmt_row(table: str, row: dict[str, str], p: SourceProfile) -> dict[str, str]:
    out = {}
    for col, labels in _plan(table, p.key, p.labels):
        value = row.get(col, "") or ""
        if value and col in _DATE_COLUMNS:
            value = _fmt_dt(value, p.date_style, _DATE_COLUMNS[col])
        elif value and labels is not None:
            value = labels.get(value, value)
        out[col] = value
    return out


def _header(table: str, col: str, p: SourceProfile) -> str:
    return _ZH_HEADERS[table][col] if p.headers == "zh" else col.upper()


def _file(table: str, p: SourceProfile) -> str:
    return f"{_ZH_FILES[table]}.csv" if p.headers == "zh" else f"{table.upper()}.csv"


def _mapping_toml(p: SourceProfile, tables: Iterable[str]) -> str:
    lines = [
        f"# {p.title}: export of the synthetic multi-source city ({p.key}).",
        "",
        "[source]",
        f'name = "{p.key}"',
        f'title = "{p.title}"',
        "date_formats = [" + ", ".join(f'"{f}"' for f in _DATE_FORMATS[p.date_style]) + "]",
        "",
    ]
    for col, codes in _CUSTOM.get(p.key, {}).items():
        lines.append(f"[values.{col}]")
        lines += [f'"{label}" = "{code}"' for code, label in codes.items()]
        lines.append("")
    for table in tables:
        lines += ["[[tables]]", f'table = "{table}"', f'file = "{_file(table, p)}"', ""]
        lines.append("[tables.columns]")
        for col in table_model(table).columns():
            lines.append(f'{col} = "{_header(table, col, p)}"')
        lines.append("")
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# reading the plain bundle


def _read(bundle: Path, table: str) -> list[dict[str, str]]:
    path = bundle / f"{table}.csv"
    if not path.exists():
        return []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _write(path: Path, header: list[str], rows: Iterable[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)


# ---------------------------------------------------------------------------
# the split


class _Home:
    """The records of one source (or the registry) being built."""

    def __init__(self, profile: SourceProfile | None, seed: int) -> None:
        self.profile = profile
        self.rng = random.Random(f"{seed}:{profile.key if profile else 'registry'}")
        self.rows: dict[str, list[dict[str, str]]] = defaultdict(list)
        self.copies: dict[str, str] = {}  # true id -> record id here
        self.count = 0

    def record(
        self,
        true_id: str,
        parties: dict[str, dict[str, str]],
        employers: dict[str, dict[str, str]],
        *,
        keep_phone: bool = False,
    ) -> str:
        """The record id of a true party or employer in this home (created on first use)."""
        have = self.copies.get(true_id)
        if have is not None:
            return have
        p = self.profile
        if p is None:
            rid = true_id
            row = dict(parties.get(true_id) or employers[true_id])
        else:
            self.count += 1
            rng = self.rng
            if true_id in parties:
                rid = f"{p.prefix}-P{self.count:07d}"
                row = dict(parties[true_id])
                if row.get("kind") == "organization":
                    row["name"] = _org_variant(row["name"], rng, p)
                else:
                    row["name"] = _person_variant(row["name"], rng, p)
                if row.get("id_number") and rng.random() >= p.p_id:
                    row["id_number"] = ""
                if row.get("phone"):
                    if not keep_phone and rng.random() >= p.p_phone:
                        row["phone"] = ""
                    elif not keep_phone and rng.random() < 0.02:
                        row["phone"] = f"1{rng.randrange(30, 99)}{rng.randrange(10**8):08d}"
                    else:
                        row["phone"] = _phone_variant(row["phone"], rng)
            else:
                rid = f"{p.prefix}-E{self.count:07d}"
                row = dict(employers[true_id])
                row["name"] = _org_variant(row["name"], rng, p)
                if row.get("credit_code") and rng.random() >= p.p_credit:
                    row["credit_code"] = ""
            row["id"] = rid
        self.copies[true_id] = rid
        self.rows["parties" if true_id in parties else "employers"].append(row)
        return rid


def _id_number(region: str, born: date, rng: random.Random) -> str:
    """A resident id number with a right check character."""
    body = f"{region}{born:%Y%m%d}{rng.randrange(1, 1000):03d}"
    return body + id_number_check(body)


def _words(text: str) -> list[str]:
    return text.split()


def _hidden_cluster(
    as_of: date, n_disputes: int, seed: int
) -> tuple[dict[str, dict[str, str]], dict[str, dict[str, str]], list[dict[str, Any]]]:
    """The cross-source wage cluster: workers, one labour team, disputes with their people."""
    rng = random.Random(f"{seed}:hidden")
    surnames = _words("欧阳 司马 诸葛 上官 东方 慕容 皇甫 尉迟 公孙 令狐 长孙 宇文 夏侯 端木")
    given = _words("思远 嘉怡 子涵 浩然 雨桐 梓萱 宇航 欣怡 俊杰 诗涵 明轩 佳琪 晨阳")
    workers: dict[str, dict[str, str]] = {}
    n_workers = 4 + 3 * (n_disputes - 1)
    for i in range(n_workers):
        wid = f"PX{i + 1:04d}"
        workers[wid] = {
            "id": wid,
            "kind": "person",
            "name": surnames[i % len(surnames)] + given[(i * 5) % len(given)],
            "id_number": _id_number(
                "522401", date(1965, 1, 1) + timedelta(days=rng.randrange(13_000)), rng
            ),
            "phone": f"177{rng.randrange(10**8):08d}",
            "district": "",
            "tags": "migrant_worker",
        }
    team = {
        "EX0001": {
            "id": "EX0001",
            "name": "临江市欧阳思远劳务有限公司",
            "credit_code": "",
            "kind": "labour_team",
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
                    "category": "wage_arrears",
                    "status": "accepted",
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
                "respondent": "EX0001",
            }
        )
    return workers, team, disputes


def _usual_source(rows: Iterable[dict[str, str]], channel: str, skip: set[str]) -> str:
    """The ``source`` most disputes of a source system carry (of its channel first)."""
    rows = [r for r in rows if r["id"] not in skip and r.get("source")]
    same = [r for r in rows if r.get("channel") == channel] or rows
    counts = Counter(r["source"] for r in same)
    return min(counts, key=lambda k: (-counts[k], k)) if counts else ""


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

    Returns (and writes to ``out/_planted.json``) the truth; see the module docstring.
    """
    if not 1 <= sources <= len(PROFILES):
        raise LoadError(f"--sources must be 1 to {len(PROFILES)}, not {sources}")
    if not (bundle / "disputes.csv").exists():
        raise LoadError(f"{bundle} has no disputes.csv: split a plain CSV bundle (generate first)")
    profiles = PROFILES[:sources]
    data = {t: _read(bundle, t) for t in TABLES}
    planted_path = bundle / "_planted.json"
    planted: dict[str, Any] = (
        json.loads(planted_path.read_text(encoding="utf-8")) if planted_path.exists() else {}
    )
    as_of = (
        date.fromisoformat(planted["as_of"])
        if "as_of" in planted
        else max(datetime.fromisoformat(d["reported_at"]).date() for d in data["disputes"])
    )
    # the same organisation (a town government) may be several party rows of the
    # bundle: the truth has one organisation per name, so its rows become one
    alias: dict[str, str] = {}
    first_org: dict[str, str] = {}
    for r in data["parties"]:
        if r.get("kind") == "organization":
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
    # an id number belongs to one person: a random collision in the plain bundle
    # (two generated people drawing the same number) is given a fresh sequence part
    taken: set[str] = set()
    for r in data["parties"]:
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
    parties = {r["id"]: r for r in data["parties"]}
    employers = {r["id"]: r for r in data["employers"]}
    registry = _Home(None, seed)
    homes = [_Home(p, seed) for p in profiles]
    by_channel = {c: homes[i] for i, p in enumerate(profiles) for c in p.channels}

    # the hidden cross-source cluster
    workers, team, hidden = _hidden_cluster(as_of, max(2, min(sources, 4)), seed)
    parties.update(workers)
    employers.update(team)
    dispute_home: dict[str, _Home] = {}
    hidden_ids = []
    for k, h in enumerate(hidden):
        home = homes[k % len(homes)] if sources >= 2 else registry
        row = dict(h["row"])
        row["channel"] = home.profile.channels[0] if home.profile else "other"
        data["disputes"].append(row)
        hidden_ids.append(row["id"])
        for w in h["people"]:
            data["involvements"].append(
                {"dispute_id": row["id"], "stakeholder_id": w, "role": "applicant"}
            )
        data["involvements"].append(
            {"dispute_id": row["id"], "stakeholder_id": h["respondent"], "role": "respondent"}
        )
        dispute_home[row["id"]] = home
    for d in data["disputes"]:
        home = dispute_home.get(d["id"]) or by_channel.get(d["channel"], registry)
        dispute_home[d["id"]] = home
        home.rows["disputes"].append(d)
    for did in hidden_ids:  # named by their system like its other disputes
        home = dispute_home[did]
        row = next(d for d in home.rows["disputes"] if d["id"] == did)
        row["source"] = _usual_source(home.rows["disputes"], row["channel"], set(hidden_ids))
    keep_phone = set(workers)

    # the same matter often reaches a second system: a duplicate case record there
    planted_ids = {d for pat in planted.get("patterns", []) for d in pat.get("disputes", [])}
    dup_rng = random.Random(f"{seed}:duplicates")
    by_dispute: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in data["involvements"]:
        by_dispute[r["dispute_id"]].append(r)
    duplicates: list[tuple[str, str]] = []
    for d in list(data["disputes"]):
        if d["id"] in planted_ids or d["id"] in hidden_ids or dup_rng.random() >= duplicate_rate:
            continue
        others = [h for h in homes if h is not dispute_home[d["id"]]]
        if not others:
            continue
        home = dup_rng.choice(others)
        assert home.profile is not None
        copy = {**d, "id": f"{home.profile.prefix}-{d['id']}"}
        copy["channel"] = home.profile.channels[0]
        dispute_home[copy["id"]] = home
        home.rows["disputes"].append(copy)
        for r in by_dispute.get(d["id"], []):
            data["involvements"].append({**r, "dispute_id": copy["id"]})
        duplicates.append((copy["id"], d["id"]))
        data["dispute_links"].append(
            {"dispute_id": copy["id"], "other_id": d["id"], "reason": "duplicate"}
        )

    def rec(home: _Home, true_id: str) -> str:
        return home.record(true_id, parties, employers, keep_phone=true_id in keep_phone)

    # the registry holds every employer under its own id, in every case
    for eid in sorted(e for e in employers if e not in team):
        rec(registry, eid)
    for r in data["involvements"]:
        home = dispute_home[r["dispute_id"]]
        home.rows["involvements"].append({**r, "stakeholder_id": rec(home, r["stakeholder_id"])})
    for r in data["reports"]:
        home = dispute_home[r["dispute_id"]]
        row = dict(r)
        if row.get("reporter_id"):
            row["reporter_id"] = rec(home, row["reporter_id"])
        home.rows["reports"].append(row)
    for table in ("dispute_properties", "handlings"):
        for r in data[table]:
            dispute_home[r["dispute_id"]].rows[table].append(r)
    last = homes[-1] if sources >= 1 else registry
    for r in data["dispute_links"]:
        a, b = dispute_home[r["dispute_id"]], dispute_home[r["other_id"]]
        (a if a is b else last).rows["dispute_links"].append(r)
    # who is where: a party's relations go to every home that has a record of it
    holders: dict[str, list[_Home]] = defaultdict(list)
    for home in (registry, *homes):
        for true_id in home.copies:
            holders[true_id].append(home)
    for r in data["employments"]:
        for home in holders.get(r["party_id"]) or [registry]:
            home.rows["employments"].append(
                {
                    **r,
                    "party_id": rec(home, r["party_id"]),
                    "employer_id": rec(home, r["employer_id"]),
                }
            )
    for r in data["property_ties"]:
        sid = r["stakeholder_id"]
        where = [registry] if sid in employers else (holders.get(sid) or [registry])
        for home in where:
            home.rows["property_ties"].append({**r, "stakeholder_id": rec(home, sid)})
    for pid in parties:  # people in no dispute and no relation stay in the registry
        if pid not in holders and pid not in registry.copies and pid not in workers:
            rec(registry, pid)

    # write
    out.mkdir(parents=True, exist_ok=True)
    folders = []
    reg_dir = out / "0-registry"
    reg_dir.mkdir(exist_ok=True)
    for table in TABLES:
        rows = data[table] if table in ("agencies", "properties", "contracts") else None
        rows = rows if rows is not None else registry.rows.get(table, [])
        cols = table_model(table).columns()
        _write(reg_dir / f"{table}.csv", cols, ([r.get(c, "") or "" for c in cols] for r in rows))
    folders.append({"folder": reg_dir.name, "source": "registry", "mapping": None})
    for i, home in enumerate(homes, start=1):
        p = home.profile
        assert p is not None
        folder = out / f"{i}-{p.key}"
        folder.mkdir(exist_ok=True)
        written = []
        for table in _SOURCE_TABLES:
            rows = home.rows.get(table, [])
            if not rows:
                continue
            cols = table_model(table).columns()
            formatted = (_fmt_row(table, r, p) for r in rows)
            _write(
                folder / _file(table, p),
                [_header(table, c, p) for c in cols],
                ([f[c] for c in cols] for f in formatted),
            )
            written.append(table)
        (folder / "mapping.toml").write_text(_mapping_toml(p, written), encoding="utf-8")
        folders.append({"folder": folder.name, "source": p.key, "mapping": "mapping.toml"})

    identities: dict[str, list[str]] = {}
    for true_id in sorted(set(parties) | set(employers)):
        recs = [h.copies[true_id] for h in (registry, *homes) if true_id in h.copies]
        if len(recs) >= 2:
            identities[true_id] = recs
    truth = {
        **{k: v for k, v in planted.items() if k != "patterns"},
        "as_of": as_of.isoformat(),
        "sources": [p.key for p in profiles],
        "load_order": folders,
        "identities": identities,
        "records": sum(len(h.copies) for h in (registry, *homes)),
        "duplicates": len(duplicates),
        "patterns": [
            *planted.get("patterns", []),
            {
                "name": "cross_source_wage_cluster",
                "expect": "after_resolution",
                "disputes": hidden_ids,
                "members": sorted(workers) + sorted(team),
                "anchor": "EX0001",
                "records": {
                    w: [h.copies[w] for h in homes if w in h.copies] for w in [*workers, *team]
                },
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
    (out / "_planted.json").write_text(
        json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    return truth


def iter_identity_pairs(identities: dict[str, list[str]]) -> Iterator[tuple[str, str]]:
    """Every pair of records that stand for the same true entity."""
    for recs in identities.values():
        for i, a in enumerate(recs):
            for b in recs[i + 1 :]:
                yield (a, b) if a < b else (b, a)


def load_split(out: Path, store: GraphStore, settings: Settings) -> list[LoadResult]:
    """Load a split city into a store in its load order (registry, then each source).

    Each source is read through its mapping into a plain bundle first; a source
    with any mapping problem raises :class:`~disputegraph.exceptions.LoadError`
    naming it, before that source is written.
    """
    truth = json.loads((out / "_planted.json").read_text(encoding="utf-8"))
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for entry in truth["load_order"]:
            folder = out / entry["folder"]
            if entry.get("mapping"):
                mapping = load_mapping(folder / entry["mapping"])
                plain = Path(tmp) / entry["folder"]
                issues = convert(folder, mapping, plain)
                errors = [i for i in issues if i.severity == "error"]
                if errors:
                    raise LoadError(
                        f"{entry['folder']}: {len(errors)} mapping errors; first: {errors[0]}"
                    )
                folder = plain
            results.append(load_bundle(folder, store, settings))
    return results
