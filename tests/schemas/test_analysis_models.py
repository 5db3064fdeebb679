"""Result models: ``trusted`` builds what validation would, without validating."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from disputegraph.schemas.analysis import Chain, ChainStep


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
