"""The records a projection is made of (a dispute, party, employer, property, agency, report,
hand-off) and how each is read from the values a store keeps."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time
from typing import Any, NamedTuple

from disputegraph.schemas import OpenHistory

__all__ = [
    "AGENCY_KEYS",
    "DISPUTE_KEYS",
    "HANDLING_KEYS",
    "AgencyInfo",
    "DisputeInfo",
    "EmployerInfo",
    "HandlingInfo",
    "PartyInfo",
    "PropertyInfo",
    "ReportInfo",
    "StepTime",
    "agency_from_node",
    "agency_from_values",
    "as_datetime",
    "dispute_from_values",
    "handling_from_edge",
    "handling_from_values",
    "open_history",
    "step_time",
]


def as_datetime(value: Any) -> datetime | None:
    """A stored timestamp as an aware ``datetime`` (naive values read as UTC).

    Accepts ``datetime``, ``date``, ISO strings and driver types with ``to_native()``.
    """
    if isinstance(value, datetime):  # the usual case first: millions of calls
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if value is None or value == "":
        return None
    if hasattr(value, "to_native"):
        value = value.to_native()
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime.combine(value, time(), tzinfo=UTC)
    raise TypeError(f"not a timestamp: {value!r}")


def _as_date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if hasattr(value, "to_native"):
        value = value.to_native()
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raise TypeError(f"not a date: {value!r}")


class DisputeInfo(NamedTuple):
    id: str
    title: str
    category: str
    status: str
    reported_at: datetime
    closed_at: datetime | None
    channel: str
    headcount: int
    amount_yuan: float
    district: str | None
    open: bool
    #: the city's own category code (the taxonomy's), when the source gave one
    source_category: str | None = None


class PartyInfo(NamedTuple):
    id: str
    kind: str
    name: str
    tags: tuple[str, ...]


class EmployerInfo(NamedTuple):
    id: str
    name: str
    kind: str
    #: lawful business qualification; False: an individual or an unqualified unit
    qualified: bool | None = None


class PropertyInfo(NamedTuple):
    id: str
    name: str
    kind: str
    part_of: str | None


class AgencyInfo(NamedTuple):
    id: str
    name: str
    kind: str
    level: str


class ReportInfo(NamedTuple):
    id: str
    dispute_id: str
    channel: str
    received_at: datetime
    reporter_id: str | None


class HandlingInfo(NamedTuple):
    dispute_id: str
    seq: int
    agency_id: str
    action: str
    started_at: datetime
    ended_at: datetime | None
    due_at: datetime | None
    role: str | None
    outcome: str | None


def _text(value: Any, default: str) -> str:
    return default if value is None else str(value)


#: The dispute properties a :class:`DisputeInfo` is made of.
DISPUTE_KEYS = (
    "reported_at",
    "closed_at",
    "status",
    "title",
    "category",
    "channel",
    "headcount",
    "amount_yuan",
    "district",
    "source_category",
)


def dispute_from_values(
    dispute_id: str,
    as_of: date,
    reported_at: Any,
    closed_at: Any,
    status: Any,
    title: Any,
    category: Any,
    channel: Any,
    headcount: Any,
    amount_yuan: Any,
    district: Any,
    source_category: Any = None,
    *,
    steps: Iterable[StepTime] = (),
) -> DisputeInfo:
    """A dispute as of ``as_of`` from the values of :data:`DISPUTE_KEYS` and its
    hand-off ``steps`` (:func:`step_time` of each, later ones too): open then by
    :func:`open_history` (the rule of :class:`~disputegraph.schemas.OpenHistory`);
    a closure after as_of is not known yet."""
    reported = as_datetime(reported_at) or datetime(1970, 1, 1, tzinfo=UTC)
    closed = as_datetime(closed_at)
    state = _text(status, "reported")
    history = open_history(reported, state, closed, steps)
    is_open = history.at(as_of)
    if state == "rebounded" and history.last_event and history.last_event.date() > as_of:
        # rebounded after as_of, maybe: today's status is known to hold then only when
        # nothing dated came after (an unsatisfied follow-up by then still flags it)
        state = "in_mediation" if is_open else "resolved"
    return DisputeInfo(
        id=dispute_id,
        title=_text(title, dispute_id),
        category=_text(category, "other"),
        status=state,
        reported_at=reported,
        closed_at=closed if closed is not None and closed.date() <= as_of else None,
        channel=_text(channel, "other"),
        headcount=int(headcount or 1),
        amount_yuan=float(amount_yuan or 0.0),
        district=district,
        open=is_open,
        source_category=str(source_category) if source_category not in (None, "") else None,
    )


#: ``(seq, action, started_at)`` of one hand-off step: what the open rule reads of it
StepTime = tuple[int, str, datetime | None]


def step_time(seq: Any, action: Any, started_at: Any) -> StepTime:
    """The :data:`StepTime` of a ``HANDLED_BY`` relationship from its values."""
    return int(seq or 0), _text(action, ""), as_datetime(started_at)


def open_history(
    reported_at: Any, status: Any, closed_at: Any, steps: Iterable[StepTime]
) -> OpenHistory:
    """:class:`~disputegraph.schemas.OpenHistory` of a dispute from its stored values
    and the :func:`step_time` of its hand-offs (any order; taken in ``seq`` order)."""
    ordered = sorted(steps, key=lambda h: h[0])
    return OpenHistory.of(
        as_datetime(reported_at),
        _text(status, "reported"),
        as_datetime(closed_at),
        [(action, started) for _, action, started in ordered],
    )


#: The ``HANDLED_BY`` properties a :class:`HandlingInfo` is made of, in its order.
HANDLING_KEYS = ("seq", "action", "started_at", "ended_at", "due_at", "role", "outcome")
#: The agency properties an :class:`AgencyInfo` is made of, in its order.
AGENCY_KEYS = ("name", "kind", "level")


def handling_from_values(
    dispute_id: str,
    agency_id: str,
    seq: Any,
    action: Any,
    started_at: Any,
    ended_at: Any,
    due_at: Any,
    role: Any,
    outcome: Any,
) -> HandlingInfo:
    """One ``HANDLED_BY`` relationship as a :class:`HandlingInfo`, from the values of
    :data:`HANDLING_KEYS`."""
    started = as_datetime(started_at)
    return HandlingInfo(
        dispute_id=dispute_id,
        seq=int(seq or 0),
        agency_id=agency_id,
        action=_text(action, ""),
        started_at=datetime(1970, 1, 1, tzinfo=UTC) if started is None else started,
        ended_at=as_datetime(ended_at),
        due_at=as_datetime(due_at),
        role=role,
        outcome=outcome,
    )


def handling_from_edge(dispute_id: str, agency_id: str, props: dict[str, Any]) -> HandlingInfo:
    """One ``HANDLED_BY`` relationship as a :class:`HandlingInfo`."""
    return handling_from_values(dispute_id, agency_id, *(props.get(k) for k in HANDLING_KEYS))


def agency_from_values(agency_id: str, name: Any, kind: Any, level: Any) -> AgencyInfo:
    """An agency as an :class:`AgencyInfo`, from the values of :data:`AGENCY_KEYS`."""
    return AgencyInfo(
        agency_id, _text(name, agency_id), _text(kind, "other"), _text(level, "county")
    )


def agency_from_node(agency_id: str, props: dict[str, Any]) -> AgencyInfo:
    """One agency node as an :class:`AgencyInfo`."""
    return agency_from_values(agency_id, *(props.get(k) for k in AGENCY_KEYS))
