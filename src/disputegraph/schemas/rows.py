"""Source-row models: one pydantic model per table of the input bundle (README, "Input bundle").

Each model knows its table name, the node label it creates (if any), the other
node ids it refers to (checked for dangling references by the loader) and the
edges it becomes. :mod:`disputegraph.schemas.registry` turns a validated row
into graph nodes and edges.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from typing import Annotated, Any, ClassVar
from zoneinfo import ZoneInfo

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    model_validator,
)

from disputegraph.schemas.enums import (
    Action,
    AgencyKind,
    AgencyLevel,
    Category,
    Channel,
    EmployerKind,
    HandlingRole,
    LinkReason,
    NodeLabel,
    PartyKind,
    PartyRole,
    PropertyKind,
    PropertyRelation,
    RelType,
    Status,
)
from disputegraph.schemas.identifiers import (
    credit_code_problem,
    id_number_problem,
    phone_problem,
)

__all__ = [
    "AgencyRow",
    "ContractRow",
    "DisputeLinkRow",
    "DisputePropertyRow",
    "DisputeRow",
    "EdgeSpec",
    "EmployerRow",
    "EmploymentRow",
    "HandlingRow",
    "InvolvementRow",
    "PartyRow",
    "PropertyRow",
    "PropertyTieRow",
    "ReportRow",
    "Row",
    "Timestamp",
    "localise",
]

DEFAULT_TZ = ZoneInfo("Asia/Shanghai")
STAKEHOLDERS = (NodeLabel.PARTY, NodeLabel.EMPLOYER)


_OFFSETS: dict[timedelta | None, tzinfo] = {}


def localise(value: datetime, tz: tzinfo) -> datetime:
    """A naive datetime in zone ``tz``; an explicit offset as a shared standard
    :class:`datetime.timezone` (pydantic attaches its own tzinfo type), so stored
    values never depend on pydantic internals."""
    if value.tzinfo is None:
        return value.replace(tzinfo=tz)
    if isinstance(value.tzinfo, ZoneInfo):
        return value
    offset = value.utcoffset()
    zone = _OFFSETS.get(offset)
    if zone is None:
        zone = _OFFSETS.setdefault(offset, timezone(offset) if offset is not None else UTC)
    return value if value.tzinfo is zone else value.replace(tzinfo=zone)


def _localise(value: datetime, info: ValidationInfo) -> datetime:
    """Read naive datetimes in the configured zone (``context={"tz": ZoneInfo}``)."""
    return localise(value, (info.context or {}).get("tz", DEFAULT_TZ))


def _split_tags(value: Any) -> Any:
    if isinstance(value, str):
        return [t.strip() for t in value.replace("；", ";").split(";") if t.strip()]
    return value


_YES = {"是", "有", "具备", "合格"}
_NO = {"否", "无", "不具备", "不合格"}


def _yes_no(value: Any) -> Any:
    """``是``/``否`` (and 有/无, 具备/不具备) as booleans; anything else as pydantic reads it
    (true/false, yes/no, 1/0)."""
    if isinstance(value, str):
        text = value.strip()
        if text in _YES:
            return True
        if text in _NO:
            return False
    return value


#: A yes/no column: true/false, yes/no, 1/0 or 是/否.
YesNo = Annotated[bool, BeforeValidator(_yes_no)]
#: An ISO 8601 date or datetime; naive values get the configured time zone.
Timestamp = Annotated[datetime, AfterValidator(_localise)]
Tags = Annotated[list[str], BeforeValidator(_split_tags)]
Id = Annotated[str, Field(min_length=1, max_length=200)]


@dataclass(frozen=True, slots=True)
class EdgeSpec:
    """How a row becomes one relationship.

    ``type`` is a relationship type or a function of the row that picks one;
    ``source``/``target`` name the fields holding the end ids; ``props`` the
    fields copied onto the relationship; ``key`` the fields that tell apart
    parallel relationships of one type between the same two nodes.
    """

    type: RelType | Callable[[Row], RelType]
    source: str
    target: str
    props: tuple[str, ...] = ()
    key: tuple[str, ...] = ()
    optional: bool = False  # no edge when the target field is empty
    #: every type ``type`` can pick, when it is a function
    choices: tuple[RelType, ...] = ()

    def rel_type(self, row: Row) -> RelType:
        return self.type if isinstance(self.type, RelType) else self.type(row)

    def rel_types(self) -> tuple[RelType, ...]:
        return (self.type,) if isinstance(self.type, RelType) else self.choices


class Row(BaseModel):
    """Base of every source-row model."""

    model_config = ConfigDict(
        extra="ignore", str_strip_whitespace=True, frozen=True, use_enum_values=False
    )

    table: ClassVar[str]
    label: ClassVar[NodeLabel | None] = None
    #: field -> node labels the referenced id must have
    refs: ClassVar[dict[str, tuple[NodeLabel, ...]]] = {}
    edges: ClassVar[tuple[EdgeSpec, ...]] = ()
    #: fields that never reach the graph as they are (PII, edge-only fields)
    private: ClassVar[frozenset[str]] = frozenset()
    #: optional identifier fields checked by :meth:`identifier_problem`; the loader
    #: sets a value in bad shape aside with a warning and keeps the row
    identifiers: ClassVar[frozenset[str]] = frozenset()
    #: optional columns a bundle may carry beyond the standard ones: read and stored
    #: like any field, left out of :meth:`columns` (so bundle writers such as the
    #: synthetic city keep their files as they were)
    extra_columns: ClassVar[frozenset[str]] = frozenset()

    @model_validator(mode="before")
    @classmethod
    def _blank_is_missing(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if not (isinstance(v, str) and not v.strip())}
        return data

    @classmethod
    def identifier_problem(cls, name: str, value: str, row: Mapping[str, Any]) -> str | None:
        """What is wrong with identifier ``name`` holding the normalised ``value``
        (``None`` when it is in shape); ``row`` holds the row's other values."""
        return None

    @classmethod
    def required_columns(cls) -> list[str]:
        return [name for name, f in cls.model_fields.items() if f.is_required()]

    @classmethod
    def columns(cls) -> list[str]:
        """The standard columns, in order: every field but the :attr:`extra_columns`."""
        return [name for name in cls.model_fields if name not in cls.extra_columns]


#: validation context key: the caller (the loader) already checked the identifiers
IDENTIFIERS_CHECKED = "identifiers_checked"


class _IdentifiedRow(Row):
    """A row with optional identifiers: a row built with one in bad shape is refused
    (the loader sets such values aside before, see ``validate_row``)."""

    @model_validator(mode="after")
    def _identifiers_in_shape(self, info: ValidationInfo) -> _IdentifiedRow:
        if info.context and info.context.get(IDENTIFIERS_CHECKED):
            return self
        for name in self.identifiers:
            value = self.__dict__[name]
            if value is not None:
                problem = self.identifier_problem(name, value, self.__dict__)
                if problem is not None:
                    raise ValueError(f"{name}: {problem}")  # the value may be PII: not echoed
        return self


# ---------------------------------------------------------------------------
# node tables


class DisputeRow(Row):
    table: ClassVar[str] = "disputes"
    label: ClassVar[NodeLabel | None] = NodeLabel.DISPUTE
    extra_columns: ClassVar[frozenset[str]] = frozenset({"source_category", "source_channel"})

    id: Id
    title: str = Field(min_length=1)
    category: Category
    status: Status
    reported_at: Timestamp
    closed_at: Timestamp | None = None
    channel: Channel
    headcount: int = Field(1, ge=1, le=1_000_000)
    amount_yuan: float | None = Field(None, ge=0)
    district: str | None = None
    street: str | None = None
    grid: str | None = None
    description: str | None = None
    source: str | None = None
    #: the source's own category and channel codes (the city's taxonomy, ``taxonomy.py``)
    source_category: str | None = Field(None, max_length=100)
    source_channel: str | None = Field(None, max_length=100)

    @model_validator(mode="after")
    def _closed_after_reported(self) -> DisputeRow:
        if self.closed_at is not None and self.closed_at < self.reported_at:
            raise ValueError("closed_at is before reported_at")
        return self


class PartyRow(_IdentifiedRow):
    table: ClassVar[str] = "parties"
    label: ClassVar[NodeLabel | None] = NodeLabel.PARTY
    private: ClassVar[frozenset[str]] = frozenset({"id_number", "phone"})
    identifiers: ClassVar[frozenset[str]] = frozenset({"id_number", "phone"})

    id: Id
    kind: PartyKind
    name: str = Field(min_length=1, max_length=200)
    #: a person's resident id number; an organisation's unified social credit code
    id_number: str | None = None
    phone: str | None = None
    district: str | None = None
    tags: Tags = Field(default_factory=list)

    @classmethod
    def identifier_problem(cls, name: str, value: str, row: Mapping[str, Any]) -> str | None:
        if name == "phone":
            problem = phone_problem(value)
            return None if problem is None else f"not a phone number: {problem}"
        kind = row.get("kind")
        try:
            kind = PartyKind(kind) if isinstance(kind, str) else None
        except ValueError:
            kind = None
        if kind is None:
            return None  # the row is rejected for its kind
        if kind is PartyKind.ORGANIZATION:
            return _credit_code_reason(value)
        problem = id_number_problem(value)
        return None if problem is None else f"not a resident id number (居民身份证号码): {problem}"


class EmployerRow(_IdentifiedRow):
    table: ClassVar[str] = "employers"
    label: ClassVar[NodeLabel | None] = NodeLabel.EMPLOYER

    identifiers: ClassVar[frozenset[str]] = frozenset({"credit_code"})
    extra_columns: ClassVar[frozenset[str]] = frozenset({"qualified"})

    id: Id
    name: str = Field(min_length=1, max_length=200)
    credit_code: str | None = None
    kind: EmployerKind = EmployerKind.COMPANY
    industry: str | None = None
    district: str | None = None
    #: 具备合法经营资格: false for an individual (包工头, a 班组 with no business licence)
    #: or a unit without the lawful qualification for the work (保障农民工工资支付条例
    #: 第三十六条); empty when not known
    qualified: YesNo | None = None

    @classmethod
    def identifier_problem(cls, name: str, value: str, row: Mapping[str, Any]) -> str | None:
        return _credit_code_reason(value)


def _credit_code_reason(value: str) -> str | None:
    problem = credit_code_problem(value)
    if problem is None:
        return None
    return f"not a unified social credit code (统一社会信用代码): {problem}"


class PropertyRow(Row):
    table: ClassVar[str] = "properties"
    label: ClassVar[NodeLabel | None] = NodeLabel.PROPERTY
    refs: ClassVar[dict[str, tuple[NodeLabel, ...]]] = {"part_of": (NodeLabel.PROPERTY,)}
    edges: ClassVar[tuple[EdgeSpec, ...]] = (
        EdgeSpec(RelType.PART_OF, "id", "part_of", optional=True),
    )

    id: Id
    kind: PropertyKind
    name: str = Field(min_length=1)
    address: str | None = None
    district: str | None = None
    street: str | None = None
    grid: str | None = None
    built_year: int | None = Field(None, ge=1800, le=2100)
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)
    part_of: str | None = None

    @model_validator(mode="after")
    def _not_own_parent(self) -> PropertyRow:
        if self.part_of == self.id:
            raise ValueError("part_of names the property itself")
        return self


class AgencyRow(Row):
    table: ClassVar[str] = "agencies"
    label: ClassVar[NodeLabel | None] = NodeLabel.AGENCY
    refs: ClassVar[dict[str, tuple[NodeLabel, ...]]] = {"reports_to": (NodeLabel.AGENCY,)}
    edges: ClassVar[tuple[EdgeSpec, ...]] = (
        EdgeSpec(RelType.REPORTS_TO, "id", "reports_to", optional=True),
    )

    id: Id
    name: str = Field(min_length=1)
    kind: AgencyKind
    level: AgencyLevel
    district: str | None = None
    reports_to: str | None = None


class ReportRow(Row):
    table: ClassVar[str] = "reports"
    label: ClassVar[NodeLabel | None] = NodeLabel.REPORT
    refs: ClassVar[dict[str, tuple[NodeLabel, ...]]] = {
        "dispute_id": (NodeLabel.DISPUTE,),
        "reporter_id": (NodeLabel.PARTY,),
    }
    edges: ClassVar[tuple[EdgeSpec, ...]] = (
        EdgeSpec(RelType.ABOUT, "id", "dispute_id"),
        EdgeSpec(RelType.FILED_BY, "id", "reporter_id", optional=True),
    )

    id: Id
    dispute_id: Id
    channel: Channel
    received_at: Timestamp
    reporter_id: str | None = None


# ---------------------------------------------------------------------------
# relationship and event tables


class InvolvementRow(Row):
    table: ClassVar[str] = "involvements"
    refs: ClassVar[dict[str, tuple[NodeLabel, ...]]] = {
        "dispute_id": (NodeLabel.DISPUTE,),
        "stakeholder_id": STAKEHOLDERS,
    }
    edges: ClassVar[tuple[EdgeSpec, ...]] = (
        EdgeSpec(RelType.PARTY_TO, "stakeholder_id", "dispute_id", ("role",), ("role",)),
    )

    dispute_id: Id
    stakeholder_id: Id
    role: PartyRole


class DisputePropertyRow(Row):
    table: ClassVar[str] = "dispute_properties"
    refs: ClassVar[dict[str, tuple[NodeLabel, ...]]] = {
        "dispute_id": (NodeLabel.DISPUTE,),
        "property_id": (NodeLabel.PROPERTY,),
    }
    edges: ClassVar[tuple[EdgeSpec, ...]] = (
        EdgeSpec(RelType.CONCERNS, "dispute_id", "property_id"),
    )

    dispute_id: Id
    property_id: Id


class EmploymentRow(Row):
    table: ClassVar[str] = "employments"
    refs: ClassVar[dict[str, tuple[NodeLabel, ...]]] = {
        "party_id": (NodeLabel.PARTY,),
        "employer_id": (NodeLabel.EMPLOYER,),
    }
    edges: ClassVar[tuple[EdgeSpec, ...]] = (
        EdgeSpec(RelType.EMPLOYED_BY, "party_id", "employer_id", ("since", "until"), ("since",)),
    )

    party_id: Id
    employer_id: Id
    since: date | None = None
    until: date | None = None

    @model_validator(mode="after")
    def _ordered(self) -> EmploymentRow:
        if self.since and self.until and self.until < self.since:
            raise ValueError("until is before since")
        return self


class ContractRow(Row):
    table: ClassVar[str] = "contracts"
    refs: ClassVar[dict[str, tuple[NodeLabel, ...]]] = {
        "contractor_id": (NodeLabel.EMPLOYER,),
        "subcontractor_id": (NodeLabel.EMPLOYER,),
        "project_id": (NodeLabel.PROPERTY,),
    }
    edges: ClassVar[tuple[EdgeSpec, ...]] = (
        EdgeSpec(
            RelType.SUBCONTRACTOR_OF,
            "subcontractor_id",
            "contractor_id",
            ("project_id", "since", "until", "unpaid_yuan"),
            ("project_id",),
        ),
    )
    extra_columns: ClassVar[frozenset[str]] = frozenset({"unpaid_yuan"})

    contractor_id: Id
    subcontractor_id: Id
    project_id: str | None = None
    since: date | None = None
    until: date | None = None
    #: 未结清工程款: project price the contractor owes the subcontractor under this
    #: contract (元); a construction unit that owes its general contractor advances the
    #: wages up to it (保障农民工工资支付条例 第二十九条)
    unpaid_yuan: float | None = Field(None, ge=0)

    @model_validator(mode="after")
    def _checks(self) -> ContractRow:
        if self.contractor_id == self.subcontractor_id:
            raise ValueError("an employer cannot subcontract to itself")
        if self.since and self.until and self.until < self.since:
            raise ValueError("until is before since")
        return self


def _tie_type(row: Row) -> RelType:
    assert isinstance(row, PropertyTieRow)
    return row.relation.rel_type


class PropertyTieRow(Row):
    table: ClassVar[str] = "property_ties"
    refs: ClassVar[dict[str, tuple[NodeLabel, ...]]] = {
        "stakeholder_id": STAKEHOLDERS,
        "property_id": (NodeLabel.PROPERTY,),
    }
    edges: ClassVar[tuple[EdgeSpec, ...]] = (
        EdgeSpec(
            _tie_type,
            "stakeholder_id",
            "property_id",
            choices=tuple(r.rel_type for r in PropertyRelation),
        ),
    )

    stakeholder_id: Id
    property_id: Id
    relation: PropertyRelation


class HandlingRow(Row):
    table: ClassVar[str] = "handlings"
    refs: ClassVar[dict[str, tuple[NodeLabel, ...]]] = {
        "dispute_id": (NodeLabel.DISPUTE,),
        "agency_id": (NodeLabel.AGENCY,),
    }
    edges: ClassVar[tuple[EdgeSpec, ...]] = (
        EdgeSpec(
            RelType.HANDLED_BY,
            "dispute_id",
            "agency_id",
            ("seq", "action", "started_at", "ended_at", "due_at", "role", "outcome", "note"),
            ("seq",),
        ),
    )

    dispute_id: Id
    seq: int = Field(ge=0, le=10_000)
    agency_id: Id
    action: Action
    started_at: Timestamp
    ended_at: Timestamp | None = None
    due_at: Timestamp | None = None
    role: HandlingRole | None = None
    outcome: str | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _ordered(self) -> HandlingRow:
        if self.ended_at is not None and self.ended_at < self.started_at:
            raise ValueError("ended_at is before started_at")
        return self


class DisputeLinkRow(Row):
    table: ClassVar[str] = "dispute_links"
    refs: ClassVar[dict[str, tuple[NodeLabel, ...]]] = {
        "dispute_id": (NodeLabel.DISPUTE,),
        "other_id": (NodeLabel.DISPUTE,),
    }
    edges: ClassVar[tuple[EdgeSpec, ...]] = (
        EdgeSpec(RelType.RELATED_TO, "dispute_id", "other_id", ("reason",), ("reason",)),
    )

    dispute_id: Id
    other_id: Id
    reason: LinkReason

    @model_validator(mode="after")
    def _distinct(self) -> DisputeLinkRow:
        if self.dispute_id == self.other_id:
            raise ValueError("a dispute cannot be linked to itself")
        return self
