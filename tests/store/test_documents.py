"""Documents as JSON: a model in pieces is byte for byte what pydantic writes in one go."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from disputegraph.exceptions import StoreError
from disputegraph.schemas import RiskLevel
from disputegraph.schemas.analysis import (
    AgencyStats,
    AnalysisResult,
    ClusterAssessment,
    shared_factor,
)
from disputegraph.store.documents import dump_document, iter_document, load_document


def _result(n_clusters: int) -> AnalysisResult:
    factor = shared_factor("scale", 3.0, 0.25, 20.0, 5.0, "people with open disputes")
    clusters = [
        ClusterAssessment(
            id=f"C-{i:05d}",
            score=5.0,
            level=RiskLevel.NONE,
            size=2,
            people=1,
            disputes=[f"D{i}"],
            members=[f"P{i}"],
            factors={"scale": 5.0},
            factor_details=[factor],
            reasons_zh=[f"{i}人涉及1件未化解纠纷"],
            reasons_en=[f"{i} people in 1 open dispute"],
            hubs=[(f"P{i}", 3)],
        )
        for i in range(n_clusters)
    ]
    return AnalysisResult(
        as_of=date(2026, 1, 10),
        window_days=180,
        computed_at=datetime(2026, 1, 10, 8, 30, tzinfo=UTC),
        clusters=clusters,
        chain_flags={"D1": ["bounced"]},
        agencies=[AgencyStats(agency_id="A1", name="街道办", median_dwell_days=None)],
        hubs=[("P1", 3)],
        settings={"risk": {"bands": {"red": 75.0}}},
        counts={"disputes": n_clusters},
    )


@pytest.mark.parametrize("n_clusters", [0, 1, 999, 1000, 2501])
def test_a_model_in_pieces_is_its_json(n_clusters: int) -> None:
    result = _result(n_clusters)
    pieces = list(iter_document("analysis", "k", result))
    assert b"".join(pieces) == result.model_dump_json().encode()
    assert dump_document("analysis", "k", result) == b"".join(pieces)
    whole = b"".join(pieces)
    if n_clusters > 2000:  # serialised a thousand clusters at a time, never all at once
        assert max(len(p) for p in pieces) < len(whole) / 2
    assert AnalysisResult.model_validate(load_document(whole)) == result


def test_a_dict_keeps_its_dates_and_a_bad_value_names_the_document() -> None:
    doc = {"day": date(2026, 1, 10), "at": datetime(2026, 1, 10, 8, tzinfo=UTC), "n": (1, 2)}
    data = dump_document("review", "k1", doc)
    assert json.loads(data)["day"] == {"$date": "2026-01-10"}
    assert load_document(data) == {**doc, "n": [1, 2]}
    with pytest.raises(StoreError, match=r"document review/k2 cannot be stored as JSON"):
        dump_document("review", "k2", {"x": {1, 2}, "y": object()})
