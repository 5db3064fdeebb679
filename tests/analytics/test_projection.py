"""The window projection on a hand-built store whose answer is worked out below.

as_of 2026-01-10, window 180 days: the window is (2025-07-14, 2026-01-10].

    D1  reported 2026-01-01, open                      -> in
    D2  reported 2025-06-01, open (before the window)  -> out
    D3  reported 2026-01-20 (after as_of)              -> out
    D4  reported 2025-12-01, closed 2025-12-10         -> in, closed
    D5  reported 2025-12-01, closed 2026-02-01         -> in, open at as_of

    P1 applicant of D1, P2 applicant of D2 only        -> P1 in, P2 out
    E1 respondent of D1; E1 sub of E2 (active)         -> E2 in
    E2 sub of E3 until 2025-01-01 (expired)            -> E3 out
    E4 sub of E1 (below, no dispute)                   -> E4 out (chains go upward only)
    P1 employed by E5 (open-ended), by E6 until 2024   -> E5 in, E6 out
    D1 concerns unit U1 < building B1 < community R1   -> U1, B1 in; R1 out
    D4 concerns parcel L1 < village V1                 -> L1 in; V1 out (villages never join)
    P1 resides at B1 (both in) and owns R1 (out)       -> one tie edge
    reports about D1 on 01-02 and 01-15                -> only the first
    hand-offs of D1 started 01-02 and 01-12            -> only the first
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from analytics_city import add_row as _add

from disputegraph.analytics.projection import EDGE_TYPES, project
from disputegraph.schemas import RelType, rows
from disputegraph.store import MemoryStore

AS_OF = date(2026, 1, 10)


@pytest.fixture
def store() -> MemoryStore:
    s = MemoryStore()
    for id, reported, status, closed in (
        ("D1", "2026-01-01T09:00:00", "in_mediation", None),
        ("D2", "2025-06-01T09:00:00", "in_mediation", None),
        ("D3", "2026-01-20T09:00:00", "in_mediation", None),
        ("D4", "2025-12-01T09:00:00", "closed", "2025-12-10T09:00:00"),
        ("D5", "2025-12-01T09:00:00", "closed", "2026-02-01T09:00:00"),
    ):
        _add(
            s,
            rows.DisputeRow,
            id=id,
            title=id,
            category="wage_arrears",
            status=status,
            reported_at=reported,
            closed_at=closed,
            channel="hotline_12345",
        )
    for pid in ("P1", "P2"):
        _add(s, rows.PartyRow, id=pid, kind="person", name=pid)
    for eid in ("E1", "E2", "E3", "E4", "E5", "E6"):
        _add(s, rows.EmployerRow, id=eid, name=eid)
    _add(s, rows.PropertyRow, id="R1", kind="residential_community", name="R1")
    _add(s, rows.PropertyRow, id="B1", kind="building", name="B1", part_of="R1")
    _add(s, rows.PropertyRow, id="U1", kind="unit", name="U1", part_of="B1")
    _add(s, rows.PropertyRow, id="V1", kind="village", name="V1")
    _add(s, rows.PropertyRow, id="L1", kind="land_parcel", name="L1", part_of="V1")
    _add(s, rows.AgencyRow, id="A1", name="A1", kind="hotline_center", level="city")
    _add(s, rows.InvolvementRow, dispute_id="D1", stakeholder_id="P1", role="applicant")
    _add(s, rows.InvolvementRow, dispute_id="D2", stakeholder_id="P2", role="applicant")
    _add(s, rows.InvolvementRow, dispute_id="D1", stakeholder_id="E1", role="respondent")
    _add(s, rows.ContractRow, contractor_id="E2", subcontractor_id="E1", since="2025-01-01")
    _add(s, rows.ContractRow, contractor_id="E3", subcontractor_id="E2", until="2025-01-01")
    _add(s, rows.ContractRow, contractor_id="E1", subcontractor_id="E4")
    _add(s, rows.EmploymentRow, party_id="P1", employer_id="E5", since="2025-01-01")
    _add(s, rows.EmploymentRow, party_id="P1", employer_id="E6", until="2024-12-31")
    _add(s, rows.DisputePropertyRow, dispute_id="D1", property_id="U1")
    _add(s, rows.DisputePropertyRow, dispute_id="D4", property_id="L1")
    _add(s, rows.PropertyTieRow, stakeholder_id="P1", property_id="B1", relation="resident")
    _add(s, rows.PropertyTieRow, stakeholder_id="P1", property_id="R1", relation="owner")
    for rid, channel, received in (
        ("RP1", "hotline_12345", "2026-01-02T10:00:00"),
        ("RP2", "petition_visit", "2026-01-15T10:00:00"),
    ):
        _add(s, rows.ReportRow, id=rid, dispute_id="D1", channel=channel, received_at=received)
    for seq, action, started in (
        (1, "received", "2026-01-02T10:00:00"),
        (2, "assigned", "2026-01-12T10:00:00"),
    ):
        _add(
            s,
            rows.HandlingRow,
            dispute_id="D1",
            seq=seq,
            agency_id="A1",
            action=action,
            started_at=started,
        )
    return s


def test_window_membership(store: MemoryStore) -> None:
    p = project(store, AS_OF, 180)
    assert sorted(p.disputes) == ["D1", "D4", "D5"]
    assert p.disputes["D1"].open and p.disputes["D5"].open
    assert not p.disputes["D4"].open
    assert p.disputes["D5"].closed_at is None  # its closure lies after as_of


def test_nodes_follow_the_documented_choices(store: MemoryStore) -> None:
    p = project(store, AS_OF, 180)
    assert sorted(p.parties) == ["P1"]
    assert sorted(p.employers) == ["E1", "E2", "E5"]
    assert sorted(p.properties) == ["B1", "L1", "U1"]
    assert "A1" not in p.index  # agencies are not graph nodes
    assert p.contracts == [("E1", "E2")]
    assert p.employments == [("P1", "E5")]


def test_edges_are_undirected_and_typed(store: MemoryStore) -> None:
    p = project(store, AS_OF, 180)
    pairs = {
        (EDGE_TYPES[t].value, *sorted((p.ids[a], p.ids[b])))
        for a, b, t in zip(p.src, p.dst, p.etype, strict=True)
    }
    assert pairs == {
        ("PARTY_TO", "D1", "P1"),
        ("PARTY_TO", "D1", "E1"),
        ("CONCERNS", "D1", "U1"),
        ("CONCERNS", "D4", "L1"),
        ("PART_OF", "B1", "U1"),
        ("EMPLOYED_BY", "E5", "P1"),
        ("SUBCONTRACTOR_OF", "E1", "E2"),
        ("RESIDES_AT", "B1", "P1"),
    }
    adj = p.adjacency()
    assert (adj != adj.T).nnz == 0
    deg = p.degree()
    assert deg[p.index["D1"]] == 3 and deg[p.index["P1"]] == 3


def test_events_after_as_of_are_left_out(store: MemoryStore) -> None:
    p = project(store, AS_OF, 180)
    assert [r.id for r in p.reports["D1"]] == ["RP1"]
    assert [h.seq for h in p.handlings["D1"]] == [1]
    assert set(p.agencies) == {"A1"}


def test_a_past_as_of_reproduces_the_past(store: MemoryStore) -> None:
    p = project(store, date(2026, 1, 20), 180)
    assert "D3" in p.disputes
    assert [r.id for r in p.reports["D1"]] == ["RP1", "RP2"]


def test_subgraph_and_networkx(store: MemoryStore) -> None:
    p = project(store, AS_OF, 180)
    g = p.to_networkx()
    assert g.number_of_nodes() == p.n_nodes and g.number_of_edges() == p.n_edges
    sub = p.subgraph([p.index["D1"], p.index["U1"], p.index["B1"]])
    assert sorted(sub.nodes) == ["B1", "D1", "U1"]
    assert sub.nodes["D1"]["label"] == "Dispute"
    assert sub.edges["D1", "U1"]["type"] == RelType.CONCERNS.value
    assert sub.number_of_edges() == 2  # D1-U1, U1-B1


def test_joining_no_parent_kinds(store: MemoryStore) -> None:
    p = project(store, AS_OF, 180, join_parent_kinds=(), include_property_ties=False)
    assert sorted(p.properties) == ["L1", "U1"]
    assert not np.any(p.etype == EDGE_TYPES.index(RelType.RESIDES_AT))


def test_empty_store() -> None:
    p = project(MemoryStore(), AS_OF, 180)
    assert p.n_nodes == 0 and p.n_edges == 0
    assert p.degree().shape == (0,)
