"""How each source system exports: its profile, file names, headers, labels and dates,
and the ``mapping.toml`` that reads an export back."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from disputegraph.ingest.validate import enum_of
from disputegraph.schemas import Lang, table_model
from disputegraph.schemas.enums import Category, Channel

__all__ = [
    "PROFILES",
    "SOURCE_TABLES",
    "SourceProfile",
    "file_name",
    "fmt_row",
    "header",
    "mapping_toml",
    "read_table",
    "write_csv",
]


@dataclass(frozen=True, slots=True)
class SourceProfile:
    """How one source system exports (see the module docstring)."""

    key: str
    title: str
    prefix: str
    channels: tuple[Channel, ...]
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
        (
            Channel.HOTLINE_12345,
            Channel.POLICE_110,
            Channel.ONLINE_SENTIMENT,
            Channel.LEADER_INSTRUCTION,
        ),
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
        (Channel.GRID_REPORT, Channel.PROACTIVE_SCREENING),
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
        (Channel.PETITION_LETTER, Channel.PETITION_VISIT, Channel.PETITION_ONLINE, Channel.WALK_IN),
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
            Channel.COURT_PRE_LITIGATION,
            Channel.LABOUR_INSPECTION,
            Channel.TRADE_UNION,
            Channel.WOMENS_FEDERATION,
            Channel.OTHER_DEPARTMENT,
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
_CUSTOM = {
    "hotline": {
        "category": {Category.WAGE_ARREARS.value: "劳动保障", Category.NEIGHBOR.value: "邻里纠纷"}
    }
}
_DATE_FORMATS = {
    "slash": ["%Y/%m/%d %H:%M", "%Y/%m/%d"],
    "iso_space": ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d"],
    "zh": ["%Y年%m月%d日 %H:%M", "%Y年%m月%d日"],
    "iso": ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"],
}
SOURCE_TABLES = (
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


def fmt_row(table: str, row: dict[str, str], p: SourceProfile) -> dict[str, str]:
    out = {}
    for col, labels in _plan(table, p.key, p.labels):
        value = row.get(col, "") or ""
        if value and col in _DATE_COLUMNS:
            value = _fmt_dt(value, p.date_style, _DATE_COLUMNS[col])
        elif value and labels is not None:
            value = labels.get(value, value)
        out[col] = value
    return out


def header(table: str, col: str, p: SourceProfile) -> str:
    return _ZH_HEADERS[table][col] if p.headers == "zh" else col.upper()


def file_name(table: str, p: SourceProfile) -> str:
    return f"{_ZH_FILES[table]}.csv" if p.headers == "zh" else f"{table.upper()}.csv"


def mapping_toml(p: SourceProfile, tables: Iterable[str]) -> str:
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
        lines += ["[[tables]]", f'table = "{table}"', f'file = "{file_name(table, p)}"', ""]
        lines.append("[tables.columns]")
        for col in table_model(table).columns():
            lines.append(f'{col} = "{header(table, col, p)}"')
        lines.append("")
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# reading and writing CSV


def read_table(bundle: Path, table: str) -> list[dict[str, str]]:
    path = bundle / f"{table}.csv"
    if not path.exists():
        return []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def write_csv(path: Path, header: list[str], rows: Iterable[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
