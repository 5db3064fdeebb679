from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from disputegraph.exceptions import SchemaError
from disputegraph.schemas import (
    REL_ENDPOINTS,
    TABLES,
    ContractRow,
    DisputeRow,
    HandlingRow,
    NodeLabel,
    PartyRow,
    PropertyRow,
    PropertyTieRow,
    RelType,
    parse_label,
    parse_rel_type,
    table_model,
    to_graph,
)


def test_registry_has_every_table_of_the_bundle_format() -> None:
    assert set(TABLES) == {
        "disputes", "parties", "employers", "properties", "agencies", "reports",
        "involvements", "dispute_properties", "employments", "contracts",
        "property_ties", "handlings", "dispute_links",
    }  # fmt: skip


def test_unknown_kinds_fail_loudly() -> None:
    with pytest.raises(SchemaError, match="unknown table 'dispute'"):
        table_model("dispute")
    with pytest.raises(SchemaError, match="unknown node label"):
        parse_label("Person")
    with pytest.raises(SchemaError, match="unknown relationship type"):
        parse_rel_type("KNOWS")


def test_every_relationship_type_has_endpoints() -> None:
    assert set(REL_ENDPOINTS) == set(RelType)
    assert REL_ENDPOINTS[RelType.PARTY_TO] == (
        (NodeLabel.PARTY, NodeLabel.EMPLOYER),
        (NodeLabel.DISPUTE,),
    )
    assert REL_ENDPOINTS[RelType.SUBCONTRACTOR_OF] == ((NodeLabel.EMPLOYER,), (NodeLabel.EMPLOYER,))


def test_naive_datetimes_take_the_configured_zone() -> None:
    row = {
        "id": "D1", "title": "t", "category": "noise", "status": "reported",
        "reported_at": "2026-03-01T09:30", "channel": "grid_report",
    }  # fmt: skip
    default = DisputeRow.model_validate(row)
    assert default.reported_at == datetime(2026, 3, 1, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    utc = DisputeRow.model_validate(row, context={"tz": ZoneInfo("UTC")})
    assert utc.reported_at.utcoffset() is not None
    assert utc.reported_at.utcoffset().total_seconds() == 0  # type: ignore[union-attr]
    aware = DisputeRow.model_validate({**row, "reported_at": "2026-03-01T09:30:00+00:00"})
    assert aware.reported_at.hour == 9 and aware.reported_at.utcoffset().total_seconds() == 0  # type: ignore[union-attr]


def test_blank_optional_cells_are_missing_and_blank_required_ones_are_errors() -> None:
    row = DisputeRow.model_validate(
        {"id": "D1", "title": "t", "category": "noise", "status": "reported",
         "reported_at": "2026-03-01", "channel": "grid_report", "closed_at": "", "headcount": ""}
    )  # fmt: skip
    assert row.closed_at is None and row.headcount == 1
    with pytest.raises(ValidationError, match="title"):
        DisputeRow.model_validate(
            {"id": "D1", "title": " ", "category": "noise", "status": "reported",
             "reported_at": "2026-03-01", "channel": "grid_report"}
        )  # fmt: skip


def test_cross_field_checks() -> None:
    with pytest.raises(ValidationError, match="closed_at is before reported_at"):
        DisputeRow.model_validate(
            {"id": "D1", "title": "t", "category": "noise", "status": "closed",
             "reported_at": "2026-03-02", "closed_at": "2026-03-01", "channel": "grid_report"}
        )  # fmt: skip
    with pytest.raises(ValidationError, match="cannot subcontract to itself"):
        ContractRow.model_validate({"contractor_id": "E1", "subcontractor_id": "E1"})
    with pytest.raises(ValidationError, match="part_of names the property itself"):
        PropertyRow.model_validate({"id": "X", "kind": "building", "name": "1幢", "part_of": "X"})


def test_party_becomes_a_node_without_raw_pii() -> None:
    row = PartyRow.model_validate(
        {"id": "P1", "kind": "自然人", "name": "张　三", "id_number": "33010219800101123X",
         "phone": "13812345678", "tags": "migrant_worker; elderly"}
    )  # fmt: skip
    node, edges = to_graph(row)
    assert node is not None and edges == []
    assert node.label is NodeLabel.PARTY and node.id == "P1"
    assert "id_number" not in node.props and "phone" not in node.props
    assert node.props["tags"] == ["migrant_worker", "elderly"]
    assert node.props["name_norm"] == "张三"
    protected, _ = to_graph(row, lambda field, value: {f"{field}_hash": value[::-1]})
    assert protected is not None
    assert protected.props["id_number_hash"] == "X32110100891201033"
    assert "id_number" not in protected.props


def test_edges_carry_type_key_and_props() -> None:
    tie = PropertyTieRow.model_validate(
        {"stakeholder_id": "P1", "property_id": "B1", "relation": "业主"}
    )
    assert to_graph(tie)[1][0].type is RelType.OWNS
    step = HandlingRow.model_validate(
        {"dispute_id": "D1", "seq": 2, "agency_id": "A1", "action": "退回",
         "started_at": "2026-03-01", "role": "lead"}
    )  # fmt: skip
    node, (edge,) = to_graph(step)
    assert node is None
    assert (edge.type, edge.source, edge.target, edge.key) == (RelType.HANDLED_BY, "D1", "A1", "2")
    assert edge.props["action"] == "returned" and edge.props["role"] == "lead"
    assert "ended_at" not in edge.props  # missing values are not stored
    prop = PropertyRow.model_validate({"id": "B1", "kind": "楼栋", "name": "1幢", "part_of": "C1"})
    node, (part_of,) = to_graph(prop)
    assert part_of.ident == ("PART_OF", "B1", "C1", "")
    root = PropertyRow.model_validate({"id": "C1", "kind": "小区", "name": "锦绣花园"})
    assert to_graph(root)[1] == []
