"""Property tests: values survive the trip through a CSV or JSONL file and the row models;
name normalisation behaves."""

from __future__ import annotations

import csv
import json
import tempfile
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from disputegraph.ingest.readers import TableSource, iter_rows
from disputegraph.ingest.validate import Issue, validate_row
from disputegraph.schemas import Category, Channel, DisputeRow, PartyKind, PartyRow, Status
from disputegraph.text import normalise_name

TZ = ZoneInfo("Asia/Shanghai")
text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30
).filter(lambda s: s.strip() == s and bool(s))
ids = st.text(alphabet="ABCDEFGHJK0123456789-_张王李", min_size=1, max_size=12)
zones = st.sampled_from([None, UTC, timezone(timedelta(hours=8)), timezone(timedelta(hours=-5))])
moments = st.datetimes(
    min_value=datetime(1992, 1, 1),
    max_value=datetime(2099, 12, 31),
    timezones=zones,  # type: ignore[arg-type]  # the stub only admits None-valued strategies
)
tags = st.lists(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz_老弱病", min_size=1, max_size=10), max_size=4
)


def spelling(member: Any) -> st.SearchStrategy[str]:
    return st.sampled_from([member.value, member.zh, member.en])


@st.composite
def disputes(draw: st.DrawFn) -> dict[str, Any]:
    category = draw(st.sampled_from(list(Category)))
    status = draw(st.sampled_from(list(Status)))
    channel = draw(st.sampled_from(list(Channel)))
    return {
        "expect": {
            "id": draw(ids),
            "title": draw(text),
            "category": category,
            "status": status,
            "channel": channel,
            "reported_at": draw(moments),
            "headcount": draw(st.integers(1, 1_000_000)),
            "amount_yuan": draw(
                st.none() | st.floats(0, 1e12, allow_nan=False, allow_infinity=False)
            ),
            "description": draw(st.none() | text),
        },
        "spell": {
            "category": draw(spelling(category)),
            "status": draw(spelling(status)),
            "channel": draw(spelling(channel)),
        },
    }


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _check(expect: dict[str, Any], row: DisputeRow) -> None:
    for key, value in expect.items():
        got = getattr(row, key)
        if isinstance(value, datetime):
            want = value if value.tzinfo else value.replace(tzinfo=TZ)
            assert got == want and got.utcoffset() == want.utcoffset()
        else:
            assert got == value, key


@settings(max_examples=60, deadline=None)
@given(st.lists(disputes(), min_size=1, max_size=5))
def test_disputes_round_trip_through_csv(rows: list[dict[str, Any]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "disputes.csv"
        header = list(rows[0]["expect"])
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(header)
            for r in rows:
                values = {**r["expect"], **r["spell"]}
                writer.writerow([_cell(values[k]) for k in header])
        issues: list[Issue] = []
        read = list(iter_rows(TableSource("disputes", path, "csv"), issues))
    assert issues == [] and len(read) == len(rows)
    for source, r in zip(read, rows, strict=True):
        row, problems = validate_row(DisputeRow, source.values, source.loc, "disputes", {"tz": TZ})
        assert problems == [] and isinstance(row, DisputeRow)
        _check(r["expect"], row)


@settings(max_examples=60, deadline=None)
@given(st.lists(disputes(), min_size=1, max_size=5))
def test_disputes_round_trip_through_jsonl(rows: list[dict[str, Any]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "disputes.jsonl"
        with path.open("w", encoding="utf-8") as fh:
            for r in rows:
                values = {**r["expect"], **r["spell"]}
                obj = {
                    k: v.isoformat() if isinstance(v, datetime) else v for k, v in values.items()
                }
                fh.write(json.dumps(obj, ensure_ascii=False) + "\n")
        issues: list[Issue] = []
        read = list(iter_rows(TableSource("disputes", path, "jsonl"), issues))
    assert issues == []
    for source, r in zip(read, rows, strict=True):
        row, problems = validate_row(DisputeRow, source.values, source.loc, "disputes", {"tz": TZ})
        assert problems == [] and isinstance(row, DisputeRow)
        _check(r["expect"], row)


@settings(max_examples=60, deadline=None)
@given(tags, st.sampled_from([";", "；", " ; "]))
def test_tags_round_trip(values: list[str], sep: str) -> None:
    cell = sep.join(values)
    row, problems = validate_row(
        PartyRow,
        {"id": "P1", "kind": "person", "name": "张三", "tags": cell},
        None,  # type: ignore[arg-type]
        "parties",
    )
    assert problems == [] and isinstance(row, PartyRow)
    assert row.tags == values
    assert row.kind is PartyKind.PERSON


# -- normalise_name -------------------------------------------------------------

_FULLWIDTH = {i: i + 0xFEE0 for i in range(0x21, 0x7F)}


#: what names are made of: CJK, ASCII, full-width forms, ideographic and other spaces
name_text = st.text(
    alphabet=st.characters(
        min_codepoint=0x20,
        max_codepoint=0x7E,
        include_characters="张王李建筑（）　\t\u00a0ＡＢ１２",
    )
    | st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
    max_size=40,
)


@given(name_text)
def test_normalise_name_is_idempotent_and_has_no_spaces(name: str) -> None:
    once = normalise_name(name)
    assert normalise_name(once) == once
    assert not any(ch.isspace() for ch in once)


def test_normalise_name_is_idempotent_on_spacing_marks() -> None:
    once = normalise_name("O¯")
    assert normalise_name(once) == once


@given(st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=40))
def test_normalise_name_folds_width_and_case(name: str) -> None:
    wide = name.translate(_FULLWIDTH)
    assert normalise_name(wide) == normalise_name(name) == normalise_name(name.upper())


@given(st.text(alphabet="张陈劉楊建築勞務工程集團有限公司 \u3000", max_size=20))
def test_normalise_name_folds_common_traditional_forms(name: str) -> None:
    simplified = name.translate(str.maketrans("劉楊築勞務團", "刘杨筑劳务团"))
    assert normalise_name(name) == normalise_name(simplified)
    assert "\u3000" not in normalise_name(name)
