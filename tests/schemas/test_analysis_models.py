"""Result models: ``trusted`` builds what validation would, without validating; equal
risk factors are one shared, immutable object."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from disputegraph.schemas.analysis import (
    Chain,
    ChainStep,
    ClusterAssessment,
    Factor,
    shared_factor,
)


def _step(**extra: object) -> dict[str, object]:
    return {
        "seq": 1,
        "agency_id": "A1",
        "action": "assigned",
        "started_at": datetime(2026, 1, 5, 9, tzinfo=UTC),
        "dwell_days": 2.5,
        **extra,
    }


def test_trusted_equals_the_validated_model() -> None:
    fast, checked = ChainStep.trusted(**_step(overdue=True)), ChainStep(**_step(overdue=True))
    assert fast == checked
    assert fast.model_dump(mode="json") == checked.model_dump(mode="json")
    assert list(fast.model_dump()) == list(ChainStep.model_fields)  # declared order kept
    assert fast.model_fields_set == checked.model_fields_set == set(_step(overdue=True))
    assert fast.agency_name == "" and fast.limit is None  # defaults filled


def test_trusted_gives_each_instance_its_own_default_lists() -> None:
    a, b = Chain.trusted(dispute_id="D1"), Chain.trusted(dispute_id="D2")
    a.flags.append("bounced")
    assert b.flags == [] and a.steps is not b.steps


def test_trusted_names_missing_required_fields() -> None:
    with pytest.raises(TypeError, match=r"ChainStep.trusted: missing \['action', 'dwell_days'"):
        ChainStep.trusted(seq=1, agency_id="A1", started_at=datetime(2026, 1, 5, tzinfo=UTC))


def test_equal_factors_are_one_immutable_object() -> None:
    a = shared_factor("scale", 0.0, 0.0, 20.0, 0.0, "people with open disputes")
    b = shared_factor("scale", 0.0, 0.0, 20.0, 0.0, "people with open disputes")
    other = shared_factor("scale", 3.0, 0.0, 20.0, 0.0, "people with open disputes")
    assert a is b and a is not other
    assert a == Factor(
        name="scale",
        value=0.0,
        normalised=0.0,
        weight=20.0,
        contribution=0.0,
        detail="people with open disputes",
    )
    with pytest.raises(ValidationError, match="frozen"):
        a.value = 5.0  # shared by many clusters: must not change under them
    # an int and a float are kept apart (they serialise differently)
    assert shared_factor("rebound", 1, 0.5, 5.0, 2.5, "x").value == 1
    assert isinstance(shared_factor("rebound", 1.0, 0.5, 5.0, 2.5, "x").value, float)


def test_a_loaded_assessment_shares_its_factors() -> None:
    factor = {
        "name": "scale",
        "value": 0.0,
        "normalised": 0.0,
        "weight": 20.0,
        "contribution": 0.0,
        "detail": "people with open disputes",
    }
    doc = {
        "id": "C-1",
        "score": 0.0,
        "level": "none",
        "size": 2,
        "people": 1,
        "disputes": ["D1"],
        "members": ["P1"],
        "factors": {"scale": 0.0},
        "factor_details": [factor],
    }
    one, two = ClusterAssessment.model_validate(doc), ClusterAssessment.model_validate(doc)
    assert one.factor_details[0] is two.factor_details[0]
    assert one.model_dump(mode="json")["factor_details"] == [factor]
