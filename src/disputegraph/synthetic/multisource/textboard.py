"""A text-only source: a message board (问政留言板 / 12345 web messages) export.

:func:`write_text_source` reads a plain synthetic city (CSV) and writes what a
provincial message board exports: one row per message with ``留言编号``,
``留言用户``, ``留言主题``, ``留言时间``, ``留言详情``, ``一级分类`` and
``诉求地址``. Employers, residential compounds, buildings and villages appear
**only in the text**, the way people write them: the full registered name, the
name without its place or its legal form, a short form (鑫达劳务 for
临江鑫达建筑劳务有限公司), now and then a homophone typed by ear, a building as
``3栋``, ``3幢`` or ``3号楼``, traditional characters, full-width digits, HTML
remnants (``<br>``, ``\\n\\t\\t``, ``&nbsp;``), an empty detail, Latin words in
the text and one 100 kB detail.

Some messages belong to the city's planted patterns (the wage-arrears contractor
chain, the elevator building, the land-rent village): linked through
``MENTIONS`` only, they must join their pattern's cluster.

Layout (``OUT/_message-board/``; the ``_`` keeps ``load OUT`` from reading it)::

    留言.csv        the export
    mapping.toml    reads it, with ``extract = ["title", "description", "诉求地址"]``
    _truth.json     per message the true entities its text names (id, kind, surface form)
"""

from __future__ import annotations

import csv
import json
import random
from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import opencc

from disputegraph.exceptions import LoadError
from disputegraph.ingest.extract import generic_org, strip_place
from disputegraph.resolution.mention_links import mentioned_id
from disputegraph.schemas.enums import MentionKind, PropertyKind
from disputegraph.synthetic.multisource.exports import read_table

__all__ = ["BOARD_FOLDER", "BOARD_HEADERS", "write_text_source"]

BOARD_FOLDER = "_message-board"
BOARD_FILE = "留言.csv"
BOARD_HEADERS = ("留言编号", "留言用户", "留言主题", "留言时间", "留言详情", "一级分类", "诉求地址")

_S2T = opencc.OpenCC("s2t")
#: characters of company brands and compound names and a character that sounds alike
_SOUNDS = (
    "达答",
    "丰峰锋",
    "鑫新欣",
    "源元园",
    "泰太",
    "宏鸿红",
    "华骅",
    "盛胜",
    "恒衡",
    "隆龙",
    "兴星",
    "腾滕",
    "益意",
    "瑞锐",
    "诚城成",
    "宝保",
    "金今",
    "强墙",
    "伟玮",
    "建健",
    "辉晖",
    "天添",
    "飞菲",
    "荣容",
    "广光",
    "博搏",
    "晨辰",
    "汇惠会",
    "舟洲",
    "泽择",
    "业叶",
    "通同",
    "顺舜",
    "远原",
)
_SOUND = {ch: group for group in _SOUNDS for ch in group}
_FORMS = ("股份有限公司", "有限责任公司", "有限公司", "公司")
_INDUSTRY = ("劳务", "建筑", "建设", "物业", "置业", "装饰", "农业", "实业", "科技", "贸易")
_CATEGORY = {
    "wage": "劳动和社会保障",
    "property": "城乡建设",
    "elevator": "城乡建设",
    "village": "农村农业",
    "other": "其他",
}
_CATEGORY_CODES = {
    "劳动和社会保障": "wage_arrears",
    "城乡建设": "property_management",
    "农村农业": "land_contract",
    "其他": "other",
}
_WAGE_TITLES = ("{org}拖欠农民工工资", "反映{org}欠薪问题", "关于{org}拖欠工资的投诉")
_WAGE_BODIES = (
    "我们{n}名工人{where}干活，{org}拖欠工资{owed}万元，多次讨要至今未付。",
    "尊敬的领导：{where}的工人反映，{org}去年的工钱一直不给，快过年了希望政府帮忙。",
    "本人在{org}做木工，老板说项目款没到，{months}个月工资没有发，请求处理。",
)
_PLACE_TITLES = ("{bld}外墙脱落", "{bld}电梯经常故障", "{cpd}物业不作为", "{bld}楼顶漏水")
_PLACE_BODIES = (
    "我家住在{bld}，外墙瓷砖脱落砸坏车辆，物业一直不管。",
    "{bld}的电梯三天两头坏，老人上下楼很困难，投诉多次无果。",
    "{cpd}地下车库积水严重，业主反映了好几次都没人处理。",
    "本人是{cpd}业主，{bld}楼顶漏水，维修基金迟迟不能使用。",
)
_ELEVATOR_BODIES = (
    "{bld}是老房子，我们高层住户想加装电梯，低层住户一直反对，希望社区协调。",
    "反对在{bld}加装电梯，影响一楼采光和通行，请相关部门重视。",
    "{bld}加装电梯的事拖了一年多，老人爬楼太辛苦了。",
)
_VILLAGE_TITLES = ("{vil}土地流转租金拖欠", "{vil}村民反映承包地问题", "{vil}征地补偿款")
_VILLAGE_BODIES = (
    "{vil}村民反映，{org}承包我们的土地两年没付租金，村里也不管。",
    "我是{vil}的村民，家里的承包地被流转出去，租金一直没拿到。",
    "{vil}的征地补偿款迟迟没有发放到户，希望镇里给个说法。",
)
_OTHER = (
    ("咨询社保转移", "想问一下社保怎么转移，打了好几次电话都没人接。"),
    ("建议增加公交班次", "早晚高峰公交太挤了，建议增加班次。"),
    ("路灯不亮", "小区门口的路灯坏了一个多月，晚上出行不安全。"),
    ("噪音扰民", "楼下商铺晚上放音乐到十二点，严重影响休息。"),
    ("咨询WiFi覆盖", "图书馆的WiFi信号很差，APP也登不上，希望改进。"),
)
_NOISE = ("<br>", "</p>\n\t\t<p>", "&nbsp;", "\n\t\t", "<br/>\r\n")
_FILLER = "情况说明：以上情况属实，恳请有关部门尽快核实处理，谢谢。"


def _abbrev(name: str) -> str | None:
    """The brand + industry short form of an organisation's name (鑫达劳务), if it has one."""
    core = _core(name)
    word = next((w for w in _INDUSTRY if w in core[2:]), None)
    return core[:2] + word if word is not None else None


def _variant_org(
    name: str, rng: random.Random, shared: frozenset[str] = frozenset()
) -> tuple[str, str]:
    """How a message writes an organisation's name, and which variation it is
    (never a short form ``shared`` by several employers: that one waits for review)."""
    form = next((f for f in _FORMS if name.endswith(f)), "")
    no_form = name[: len(name) - len(form)] if form else name
    core = strip_place(no_form)
    team = name.endswith("班组")
    roll = rng.random()
    if team:
        if roll < 0.5:
            return name, "full"
        # 王建军木工班组 → 王建军班组
        return name[:3] + "班组", "short"
    word = next((w for w in _INDUSTRY if w in core[2:]), None)
    if roll < 0.2:
        return name, "full"
    if roll < 0.4:
        return core + form, "no_place"
    if roll < 0.6:
        return core, "no_form"
    if roll < 0.88 and word is not None and core[:2] + word not in shared:
        return core[:2] + word, "abbrev"
    spots = [i for i, ch in enumerate(core[:2]) if ch in _SOUND]
    if spots:
        i = rng.choice(spots)
        ch = rng.choice([c for c in _SOUND[core[i]] if c != core[i]])
        return core[:i] + ch + core[i + 1 :] + form, "homophone"
    return core + form, "no_place"


def _core(name: str) -> str:
    form = next((f for f in _FORMS if name.endswith(f)), "")
    return strip_place(name[: len(name) - len(form)] if form else name)


def _short_compound(name: str) -> str:
    return name[:-2] if name.endswith("小区") and len(name) > 4 else name


def _variant_building(compound: str, number: str, rng: random.Random) -> tuple[str, str]:
    suffix = rng.choice(("栋", "幢", "号楼"))
    base = _short_compound(compound) if rng.random() < 0.5 else compound
    return f"{base}{number}{suffix}", f"building_{suffix}"


def _to_full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in text)


def _unique(rows: Iterable[dict[str, str]]) -> list[dict[str, str]]:
    rows = list(rows)
    counts = Counter(r["name"] for r in rows)
    return [r for r in rows if counts[r["name"]] == 1]


class _Board:
    """The messages being written and their truth."""

    def __init__(self, rng: random.Random, as_of: date) -> None:
        self.rng = rng
        self.as_of = as_of
        self.rows: list[list[str]] = []
        self.truth: list[dict[str, Any]] = []
        #: short forms several employers share (桐坞农业 for two cooperatives of 桐坞村)
        self.shared: frozenset[str] = frozenset()

    def add(
        self,
        kind: str,
        title: str,
        body: str,
        address: str,
        mentions: list[dict[str, str]],
        pattern: str | None = None,
    ) -> str:
        rng = self.rng
        number = str(100001 + len(self.rows))
        style = rng.random()
        variation = ""
        if style < 0.08:
            title, body, address = (str(_S2T.convert(x)) for x in (title, body, address))
            variation = "traditional"
        elif style < 0.16:
            title, body, address = (_to_full_width(x) for x in (title, body, address))
            variation = "full_width"
        if rng.random() < 0.15:
            noise = rng.choice(_NOISE)
            body = f"{body}{noise}{rng.choice(_NOISE)}" if rng.random() < 0.5 else noise + body
        when = datetime.combine(self.as_of, datetime.min.time()) - timedelta(
            minutes=rng.randrange(60, 60 * 24 * 170)
        )
        stamp = (
            f"{when.year}/{when.month}/{when.day} {when.hour}:{when.minute:02d}:{when.second:02d}"
        )
        user = f"A{rng.randrange(10**7, 10**8)}"
        self.rows.append([number, user, title, stamp, body, _CATEGORY[kind], address])
        self.truth.append(
            {
                "message": number,
                "dispute": f"MB-{number}",
                "topic": kind,
                "pattern": pattern,
                "variation": variation,
                "mentions": mentions,
            }
        )
        return f"MB-{number}"


def _org_mention(board: _Board, emp: dict[str, str]) -> tuple[str, dict[str, str]]:
    surface, how = _variant_org(emp["name"], board.rng, board.shared)
    return surface, {
        "id": emp["id"],
        "kind": MentionKind.ORGANIZATION.value,
        "text": surface,
        "variation": how,
    }


def _building_mentions(
    board: _Board, building: dict[str, str], compound: dict[str, str]
) -> tuple[str, list[dict[str, str]]]:
    number = building["name"][len(_short_compound(compound["name"])) :].rstrip("幢栋")
    if not number.isdigit():
        number = "".join(ch for ch in building["name"] if ch.isdigit()) or "1"
    surface, how = _variant_building(compound["name"], number, board.rng)
    return surface, [
        {
            "id": compound["id"],
            "kind": MentionKind.RESIDENTIAL_COMMUNITY.value,
            "text": surface,
            "variation": how,
        },
        {
            "id": building["id"],
            "kind": MentionKind.BUILDING.value,
            "text": surface,
            "variation": how,
        },
    ]


def _address(row: dict[str, str], tail: str, rng: random.Random) -> str:
    street = row.get("street") or ""
    base = f"临江市{row.get('district') or ''}{street}{tail}"
    return base if rng.random() < 0.7 else ""


def write_text_source(
    bundle: Path, out: Path, *, seed: int = 7, messages: int = 200
) -> dict[str, Any]:
    """Write the message board of a plain synthetic city (see the module docstring).

    Returns (and writes to ``out/_truth.json``) the truth.
    """
    if not (bundle / "employers.csv").exists() or not (bundle / "properties.csv").exists():
        raise LoadError(f"{bundle} has no employers.csv/properties.csv: generate a CSV city first")
    planted_path = bundle / "_planted.json"
    planted: dict[str, Any] = (
        json.loads(planted_path.read_text(encoding="utf-8")) if planted_path.exists() else {}
    )
    as_of = date.fromisoformat(planted.get("as_of", "2026-02-03"))
    employers = read_table(bundle, "employers")
    properties = read_table(bundle, "properties")
    by_id = {r["id"]: r for r in (*employers, *properties)}
    rng = random.Random(f"{seed}:message-board")
    board = _Board(rng, as_of)
    short = Counter(a for a in (_abbrev(e["name"]) for e in employers) if a)
    board.shared = frozenset(a for a, n in short.items() if n > 1)
    patterns = {p["name"]: p for p in planted.get("patterns", [])}
    planted_ids = {m for p in patterns.values() for m in p.get("members", [])}
    planted_ids |= {e for p in patterns.values() for e in p.get("contractors", [])}
    planted_ids |= {
        p.get(k)
        for p in patterns.values()
        for k in ("building", "compound", "village", "project", "operator")
    }

    _planted_messages(board, patterns, by_id)
    # background: names unique in the city (a name two districts share needs review)
    # …and employers whose name without place and legal form is unique and has a brand
    orgs = [
        e
        for e in _unique({**e, "name": _core(e["name"])} for e in employers)
        if e["id"] not in planted_ids and not generic_org(e["name"])
    ]
    orgs = [by_id[e["id"]] for e in orgs]
    compounds = {
        r["id"]: r
        for r in _unique(p for p in properties if p["kind"] == PropertyKind.RESIDENTIAL_COMMUNITY)
        if r["id"] not in planted_ids
    }
    buildings = [
        b
        for b in properties
        if b["kind"] == PropertyKind.BUILDING and b.get("part_of") in compounds
    ]
    villages = [
        v
        for v in _unique(p for p in properties if p["kind"] == PropertyKind.VILLAGE)
        if v["id"] not in planted_ids
    ]
    projects = [
        p
        for p in _unique(p for p in properties if p["kind"] == PropertyKind.CONSTRUCTION_PROJECT)
        if p["id"] not in planted_ids
    ]
    while len(board.rows) < messages:
        roll = rng.random()
        if roll < 0.3 and orgs:
            site = rng.choice(projects) if projects and rng.random() < 0.4 else None
            _wage_message(board, rng.choice(orgs), site, None)
        elif roll < 0.65 and buildings:
            b = rng.choice(buildings)
            _place_message(board, b, compounds[b["part_of"]], None)
        elif roll < 0.8 and villages:
            _village_message(board, rng.choice(villages), None, None)
        else:
            title, body = rng.choice(_OTHER)
            body = body if rng.random() < 0.9 else ""  # an empty detail
            board.add("other", title, body, "", [])
    _bad_rows(board, orgs[0] if orgs else None)

    out.mkdir(parents=True, exist_ok=True)
    with (out / BOARD_FILE).open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(BOARD_HEADERS)
        writer.writerows(board.rows)
    (out / "mapping.toml").write_text(_MAPPING, encoding="utf-8")
    truth = {
        "seed": seed,
        "as_of": as_of.isoformat(),
        "messages": board.truth,
        "mentions": sum(len(t["mentions"]) for t in board.truth),
        "patterns": {
            name: [t["dispute"] for t in board.truth if t["pattern"] == name]
            for name in sorted({t["pattern"] for t in board.truth if t["pattern"]})
        },
    }
    (out / "_truth.json").write_text(
        json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    return truth


def _wage_message(
    board: _Board, emp: dict[str, str], project: dict[str, str] | None, pattern: str | None
) -> None:
    rng = board.rng
    surface, mention = _org_mention(board, emp)
    mentions = [mention]
    where = "在工地上"
    bodies: tuple[str, ...] = _WAGE_BODIES
    if project is not None:
        written, how = project["name"], "full"
        if written.endswith("工程") and rng.random() < 0.4:
            written, how = written[:-2] + "项目", "project_项目"
        where = f"在{written}"
        bodies = tuple(b for b in _WAGE_BODIES if "{where}" in b)  # a body that names it
        mentions.append(
            {
                "id": project["id"],
                "kind": MentionKind.CONSTRUCTION_PROJECT.value,
                "text": written,
                "variation": how,
            }
        )
    title = rng.choice(_WAGE_TITLES).format(org=surface)
    body = rng.choice(bodies).format(
        n=rng.randint(3, 40),
        where=where,
        org=surface,
        owed=rng.randint(2, 90),
        months=rng.randint(2, 8),
    )
    board.add("wage", title, body, "", mentions, pattern)


def _place_message(
    board: _Board, building: dict[str, str], compound: dict[str, str], pattern: str | None
) -> None:
    rng = board.rng
    bld, mentions = _building_mentions(board, building, compound)
    elevator = pattern is not None
    title_tpl = (
        rng.choice(("{bld}加装电梯", "{bld}加装电梯纠纷"))
        if elevator
        else rng.choice(_PLACE_TITLES)
    )
    body_tpl = rng.choice(_ELEVATOR_BODIES if elevator else _PLACE_BODIES)
    # a template that names only the compound mentions only the compound
    names_building = "{bld}" in title_tpl or "{bld}" in body_tpl
    cname = _short_compound(compound["name"]) if rng.random() < 0.5 else compound["name"]
    title = title_tpl.format(bld=bld, cpd=cname)
    body = body_tpl.format(bld=bld, cpd=cname)
    if not names_building:
        mentions = mentions[:1]
    address = _address(compound, bld if names_building else cname, rng)
    if rng.random() < 0.3 and address:
        address += "2单元501室"
    board.add("elevator" if elevator else "property", title, body, address, mentions, pattern)


def _village_message(
    board: _Board, village: dict[str, str], operator: dict[str, str] | None, pattern: str | None
) -> None:
    rng = board.rng
    mentions = [
        {
            "id": village["id"],
            "kind": MentionKind.VILLAGE.value,
            "text": village["name"],
            "variation": "full",
        }
    ]
    body_tpl = rng.choice(_VILLAGE_BODIES[1:]) if operator is None else _VILLAGE_BODIES[0]
    org = ""
    if operator is not None:
        org, mention = _org_mention(board, operator)
        mentions.append(mention)
    title = rng.choice(_VILLAGE_TITLES).format(vil=village["name"])
    where = village["name"]
    if operator is None and rng.random() < 0.5:
        # a village group (王家村3组): no register has it, so every message naming it in
        # the village reaches one new mentioned entity
        where = f"{village['name']}{rng.randint(1, 8)}组"
        mentions.append(
            {
                "id": mentioned_id(MentionKind.VILLAGE_GROUP, where, None),
                "kind": MentionKind.VILLAGE_GROUP.value,
                "text": where,
                "variation": "group",
            }
        )
    body = body_tpl.format(vil=where, org=org)
    board.add("village", title, body, _address(village, "", rng), mentions, pattern)


def _planted_messages(
    board: _Board, patterns: dict[str, dict[str, Any]], by_id: dict[str, dict[str, str]]
) -> None:
    """Text-only messages about the planted patterns (three each)."""
    wage = patterns.get("wage_arrears_chain")
    if wage:
        teams = list(wage["chain"][-1])
        project = by_id.get(wage.get("project", ""))
        for k in range(3):
            _wage_message(
                board, by_id[teams[k % len(teams)]], project if k == 0 else None, wage["name"]
            )
    elevator = patterns.get("elevator_building")
    if elevator:
        for _ in range(3):
            _place_message(
                board, by_id[elevator["building"]], by_id[elevator["compound"]], elevator["name"]
            )
    village = patterns.get("land_rent_village")
    if village:
        for k in range(2):
            operator = by_id.get(village.get("operator", "")) if k == 0 else None
            _village_message(board, by_id[village["village"]], operator, village["name"])


def _bad_rows(board: _Board, org: dict[str, str] | None) -> None:
    """Rows a loader must survive: an empty detail, a 100 kB detail (its one name in the
    first sentence; extraction reads the first 20,000 characters), mixed scripts."""
    board.add("other", "无标题留言", "", "", [])
    mentions: list[dict[str, str]] = []
    body = "反映问题。"
    if org is not None:
        surface, mention = _org_mention(board, org)
        body = f"反映{surface}拖欠工资。"
        mentions.append(mention)
    repeat = 1 + (100_000 - len(body.encode())) // len(_FILLER.encode())
    board.add("wage", "情况反映（附件内容）", body + _FILLER * repeat, "", mentions)
    mixed = "手机APP一直显示error，Android和iOS都不行。"
    board.add("other", "APP注册不了 error 500", mixed, "", [])


_MAPPING = (
    """\
# A provincial message board (问政留言板) export: one row per message, and nothing but
# the text names the employer, the compound, the building or the village. `extract`
# searches the subject, the details and the address for them (docs/mappings.md,
# "Names in the text").

[source]
name = "message-board"
title = "网上问政留言板"
date_formats = ["%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M"]

[values.category]
"""
    + "".join(f'"{label}" = "{code}"\n' for label, code in _CATEGORY_CODES.items())
    + """
[[tables]]
table = "disputes"
file = "留言.csv"
extract = ["title", "description", "诉求地址"]

[tables.columns]
id = { template = "MB-{留言编号}" }
title = { column = "留言主题", default = "（无主题）" }
description = "留言详情"
category = "一级分类"
status = { value = "accepted" }
reported_at = "留言时间"
channel = { value = "petition_online" }
source = { value = "留言板" }

[[tables]]
table = "parties"
file = "留言.csv"
distinct = true

[tables.columns]
id = { template = "MB-U-{留言用户}" }
kind = { value = "person" }
name = "留言用户"

[[tables]]
table = "involvements"
file = "留言.csv"

[tables.columns]
dispute_id = { template = "MB-{留言编号}" }
stakeholder_id = { template = "MB-U-{留言用户}" }
role = { value = "applicant" }
"""
)
