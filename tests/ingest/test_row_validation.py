"""Row validation: one issue per problem, with a reason a person can act on."""

from __future__ import annotations

import json
from typing import Any

import pytest

from disputegraph.ingest.validate import (
    Issue,
    Location,
    TableCounts,
    ValidationReport,
    enum_of,
    validate_row,
)
from disputegraph.schemas import (
    Category,
    DisputeRow,
    EmployerRow,
    HandlingRole,
    HandlingRow,
    PartyRow,
    PropertyRow,
)

LOC = Location("disputes.csv", line=7)
GOOD: dict[str, Any] = {
    "id": "D-1",
    "title": "欠薪",
    "category": "欠薪",
    "status": "登记",
    "reported_at": "2026-03-01 09:30",
    "channel": "12345",
}


def _issues(model: type[Any], **changes: Any) -> list[Issue]:
    values = {**GOOD, **changes} if model is DisputeRow else changes
    row, issues = validate_row(model, values, LOC, model.table)
    assert row is None
    return issues


def test_good_row_validates_with_the_configured_zone() -> None:
    from zoneinfo import ZoneInfo

    row, issues = validate_row(DisputeRow, GOOD, LOC, "disputes", {"tz": ZoneInfo("UTC")})
    assert issues == [] and isinstance(row, DisputeRow)
    assert row.reported_at.utcoffset() is not None and row.reported_at.hour == 9
    assert row.category is Category.WAGE_ARREARS


@pytest.mark.parametrize(
    ("changes", "column", "fragment"),
    [
        ({"category": "欠债"}, "category", "did you mean '欠薪'?"),
        ({"category": "wage arrear"}, "category", "did you mean 'wage_arrears'?"),
        ({"reported_at": "2026/3/1"}, "reported_at", "is not a valid date/time"),
        ({"headcount": "many"}, "headcount", "'many' is not a whole number"),
        ({"headcount": "0"}, "headcount", "'0' is out of range: must be ≥ 1"),
        ({"amount_yuan": "¥100"}, "amount_yuan", "'¥100' is not a number"),
        ({"title": ""}, "title", "required value is missing"),
        ({"closed_at": "2026-01-01"}, None, "closed_at is before reported_at"),
    ],
)
def test_reasons(changes: dict[str, Any], column: str | None, fragment: str) -> None:
    (issue,) = _issues(DisputeRow, **changes)
    assert issue.column == column
    assert fragment in issue.reason
    assert (issue.file, issue.line, issue.table) == ("disputes.csv", 7, "disputes")
    if column is not None:
        assert issue.value == changes[column] or changes[column] == ""


def test_every_problem_of_a_row_is_reported() -> None:
    issues = _issues(DisputeRow, category="x", status="y", channel="z")
    assert sorted(i.column or "" for i in issues) == ["category", "channel", "status"]


PARTY = {"id": "P1", "kind": "person", "name": "张三"}


def _set_aside(model: type[Any], values: dict[str, Any]) -> tuple[Any, list[Issue]]:
    row, issues = validate_row(model, values, LOC, model.table)
    assert row is not None, [str(i) for i in issues]
    assert all(i.severity == "warning" for i in issues)
    return row, issues


def test_a_bad_id_number_is_set_aside_masked_and_the_row_loads() -> None:
    row, (issue,) = _set_aside(PartyRow, {**PARTY, "id_number": "3301061985031212345678"})
    assert row.id_number is None and row.name == "张三"
    assert (issue.file, issue.line, issue.column) == ("disputes.csv", 7, "id_number")
    assert issue.value == "3301**************5678"
    assert "1985031212" not in str(issue)
    assert issue.reason == (
        "not a resident id number (居民身份证号码): 18 characters expected "
        "(or 15 for an old id number), got 22; set aside: the row loads without this value"
    )


def test_a_wrong_check_character_names_the_right_one() -> None:
    row, (issue,) = _set_aside(PartyRow, {**PARTY, "id_number": "330106198503121241"})
    assert row.id_number is None
    assert "check character should be X, got 1" in issue.reason
    assert issue.value == "3301**********1241"


def test_private_values_are_normalised_before_validation() -> None:
    row, issues = validate_row(
        PartyRow,
        {
            "id": "P1",
            "kind": "自然人",
            "name": "张三",
            "id_number": "330106 19850312 124x",
            "phone": "+86 138-1234-5678",
        },
        LOC,
        "parties",
    )
    assert issues == [] and isinstance(row, PartyRow)
    assert row.id_number == "33010619850312124X" and row.phone == "13812345678"


def test_a_bad_phone_is_set_aside() -> None:
    row, (issue,) = _set_aside(
        PartyRow, {**PARTY, "id_number": "33010619850312124X", "phone": "138 12"}
    )
    assert row.phone is None and row.id_number == "33010619850312124X"
    assert issue.column == "phone" and issue.value == "1***2"
    assert issue.reason.startswith("not a phone number: 6 to 20 digits expected, got 5;")


def test_an_organisation_party_holds_a_credit_code() -> None:
    org = {"id": "P2", "kind": "单位", "name": "某公司"}
    row, issues = validate_row(PartyRow, {**org, "id_number": "91110000100000000r"}, LOC, "parties")
    assert issues == [] and row is not None and row.id_number == "91110000100000000R"
    row, (issue,) = _set_aside(PartyRow, {**org, "id_number": "33010619850312124X"})
    assert row.id_number is None
    assert issue.reason.startswith("not a unified social credit code (统一社会信用代码):")


def test_a_bad_credit_code_is_set_aside() -> None:
    values = {"id": "E1", "name": "某公司", "credit_code": "91330106MA2H3K7L5I"}
    row, (issue,) = _set_aside(EmployerRow, values)
    assert row.credit_code is None and row.id == "E1"
    assert (issue.column, issue.value) == ("credit_code", "9133**********7L5I")
    assert "check character should be P, got a character outside the code set" in issue.reason
    row, (issue,) = _set_aside(EmployerRow, {**values, "credit_code": "91AB0106MA2H3K7L5P"})
    assert "positions 3–8 (administrative division code) must be digits" in issue.reason
    row, issues = validate_row(
        EmployerRow, {**values, "credit_code": " 91330106ma2h3k7l5p "}, LOC, "employers"
    )
    assert issues == [] and row is not None and row.credit_code == "91330106MA2H3K7L5P"


def test_a_set_aside_value_stays_a_warning_beside_real_errors() -> None:
    values = {**PARTY, "kind": "robot", "phone": "12"}
    row, issues = validate_row(PartyRow, values, LOC, "parties")
    assert row is None
    assert sorted((i.severity, i.column) for i in issues) == [
        ("error", "kind"),
        ("warning", "phone"),
    ]


def test_a_row_built_in_code_rejects_a_bad_identifier() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="credit_code: not a unified social credit code"):
        EmployerRow(id="E1", name="某公司", credit_code="91330106MA2H3K7L5X")
    with pytest.raises(ValidationError, match="id_number: not a resident id number"):
        PartyRow(id="P1", kind="person", name="张三", id_number="330106198503121241")


def test_other_patterns_and_models() -> None:
    (issue,) = _issues(PropertyRow, id="X", kind="building", name="楼", part_of="X")
    assert issue.column is None and "names the property itself" in issue.reason
    issues = _issues(HandlingRow, dispute_id="D1")
    assert {i.column for i in issues} == {"seq", "agency_id", "action", "started_at"}
    assert all(i.reason == "required value is missing" for i in issues)


def test_enum_of() -> None:
    assert enum_of(DisputeRow, "category") is Category
    assert enum_of(HandlingRow, "role") is HandlingRole  # optional enum
    assert enum_of(DisputeRow, "title") is None
    assert enum_of(DisputeRow, "nope") is None


def test_issue_text() -> None:
    issue = Issue.at(LOC, "bad", column="title", value="a\nb" + "x" * 100)
    assert "\n" not in str(issue) and str(issue).startswith("disputes.csv:7 title='a⏎b")
    assert issue.value is not None and len(issue.value) == 80 and issue.value.endswith("…")
    sheet = Issue.at(Location("w.xlsx", 4, "parties"), "bad")
    assert str(sheet) == "w.xlsx[parties] row 4: bad"
    assert Issue(reason="x").where == "(bundle)"


def test_report() -> None:
    report = ValidationReport(
        bundle="b",
        tables={"disputes": TableCounts(rows=3, good=2, bad=1)},
        issues=[
            Issue.at(Location("parties.csv"), "odd", severity="warning"),
            Issue.at(LOC, "broken", column="category", value="欠债"),
        ],
    )
    assert not report.ok and report.bad_rows == 1
    assert [i.reason for i in report.errors] == ["broken"]
    assert [i.reason for i in report.warnings] == ["odd"]
    text = report.render_text(max_issues=1)
    assert "ERRORS" in text and "disputes" in text and "… and 1 more" in text
    data = json.loads(report.render_json())
    assert data["ok"] is False and data["tables"]["disputes"] == {"rows": 3, "good": 2, "bad": 1}
    assert data["issues"][1]["value"] == "欠债"
    summary = report.summary()
    assert "\n" not in summary and "first: disputes.csv:7 category='欠债': broken" in summary
    warnings_only = ValidationReport(bundle="b", issues=report.warnings)
    assert warnings_only.ok and "first" not in warnings_only.summary()
