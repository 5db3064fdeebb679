"""A tiny-city builder for hand-worked analytics tests.

Rows go through the real row models and ``to_graph``, so the graph looks
exactly like a loaded one. Times are naive and read as Asia/Shanghai.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from disputegraph.schemas import Row, rows, to_graph
from disputegraph.store import MemoryStore

AS_OF = date(2026, 1, 10)


def add_row(store: MemoryStore, model: type[Row], **values: Any) -> None:
    """Validate one row (``None`` values left out) and upsert its node and edges."""
    row = model.model_validate({k: v for k, v in values.items() if v is not None})
    node, edges = to_graph(row)
    if node is not None:
        store.upsert_nodes([node])
    store.upsert_edges(edges)


class City:
    """Build a MemoryStore row by row (nodes before the edges that need them)."""

    def __init__(self) -> None:
        self.store = MemoryStore()

    def _add(self, model: type[Row], **values: Any) -> None:
        add_row(self.store, model, **values)

    def dispute(
        self,
        id: str,
        *,
        reported: str = "2026-01-01T09:00:00",
        category: str = "neighbor",
        status: str = "in_mediation",
        closed: str | None = None,
        channel: str = "grid_report",
        headcount: int = 1,
        amount: float | None = None,
        title: str | None = None,
    ) -> City:
        self._add(
            rows.DisputeRow,
            id=id,
            title=title or f"纠纷{id}",
            category=category,
            status=status,
            reported_at=reported,
            closed_at=closed,
            channel=channel,
            headcount=headcount,
            amount_yuan=amount,
            district="西湖区",
        )
        return self

    def party(
        self, id: str, name: str | None = None, *, kind: str = "person", tags: str = ""
    ) -> City:
        self._add(rows.PartyRow, id=id, kind=kind, name=name or f"当事人{id}", tags=tags)
        return self

    def employer(
        self,
        id: str,
        name: str | None = None,
        *,
        kind: str = "company",
        qualified: bool | str | None = None,
    ) -> City:
        self._add(rows.EmployerRow, id=id, name=name or f"公司{id}", kind=kind, qualified=qualified)
        return self

    def prop(
        self,
        id: str,
        name: str | None = None,
        *,
        kind: str = "building",
        part_of: str | None = None,
    ) -> City:
        self._add(rows.PropertyRow, id=id, kind=kind, name=name or f"房产{id}", part_of=part_of)
        return self

    def agency(self, id: str, kind: str, level: str, name: str | None = None) -> City:
        self._add(rows.AgencyRow, id=id, name=name or f"单位{id}", kind=kind, level=level)
        return self

    def involve(self, dispute: str, stakeholder: str, role: str = "applicant") -> City:
        self._add(rows.InvolvementRow, dispute_id=dispute, stakeholder_id=stakeholder, role=role)
        return self

    def concerns(self, dispute: str, prop: str) -> City:
        self._add(rows.DisputePropertyRow, dispute_id=dispute, property_id=prop)
        return self

    def employ(
        self, party: str, employer: str, since: str | None = None, until: str | None = None
    ) -> City:
        self._add(
            rows.EmploymentRow, party_id=party, employer_id=employer, since=since, until=until
        )
        return self

    def contract(
        self,
        contractor: str,
        sub: str,
        since: str | None = None,
        until: str | None = None,
        *,
        unpaid: float | None = None,
    ) -> City:
        self._add(
            rows.ContractRow,
            contractor_id=contractor,
            subcontractor_id=sub,
            since=since,
            until=until,
            unpaid_yuan=unpaid,
        )
        return self

    def tie(self, stakeholder: str, prop: str, relation: str = "resident") -> City:
        self._add(
            rows.PropertyTieRow, stakeholder_id=stakeholder, property_id=prop, relation=relation
        )
        return self

    def handle(
        self,
        dispute: str,
        seq: int,
        agency: str,
        action: str,
        started: str,
        ended: str | None = None,
        *,
        due: str | None = None,
        role: str | None = "lead",
        outcome: str | None = None,
    ) -> City:
        self._add(
            rows.HandlingRow,
            dispute_id=dispute,
            seq=seq,
            agency_id=agency,
            action=action,
            started_at=started,
            ended_at=ended,
            due_at=due,
            role=role,
            outcome=outcome,
        )
        return self

    def report(
        self,
        id: str,
        dispute: str,
        received: str,
        channel: str = "hotline_12345",
        reporter: str | None = None,
    ) -> City:
        self._add(
            rows.ReportRow,
            id=id,
            dispute_id=dispute,
            channel=channel,
            received_at=received,
            reporter_id=reporter,
        )
        return self

    def link(self, a: str, b: str, reason: str = "same_incident") -> City:
        self._add(rows.DisputeLinkRow, dispute_id=a, other_id=b, reason=reason)
        return self
