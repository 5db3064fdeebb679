"""Analysis results: clusters with their risk, responsibility chains, agency statistics, traces.

These are the shapes that ``run_analysis`` persists (``model_dump(mode="json")``),
the CLI prints and the dashboard reads. Flag codes are stable English
``snake_case`` with zh-CN and English labels::

    >>> ChainFlag.BOUNCED.label("zh")
    '推诿退回'
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from functools import cache, lru_cache
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticUndefined

from disputegraph.exceptions import AnalysisError
from disputegraph.schemas.enums import LabeledEnum, RiskLevel
from disputegraph.schemas.rules import RuleHit

__all__ = [
    "AgencyStats",
    "AnalysisResult",
    "Chain",
    "ChainFlag",
    "ChainStep",
    "Citation",
    "ClusterAssessment",
    "ContractorLink",
    "ContractorRole",
    "Factor",
    "HandoffStats",
    "KeyPerson",
    "KeyReason",
    "KeyReasonCode",
    "LiablePayer",
    "LiablePayers",
    "PayerDuty",
    "RiskFactor",
    "TraceLink",
    "TraceResult",
    "agency_stats",
    "cluster_of",
    "shared_factor",
]


class ChainFlag(LabeledEnum):
    """Problems in one dispute's responsibility chain (docs/architecture.md §6)."""

    OVERDUE = "overdue", "超期", "Overdue"
    BOUNCED = "bounced", "推诿退回", "Bounced"
    NO_LEAD = "no_lead", "无主办单位", "No lead agency"
    UPWARD_DRIFT = "upward_drift", "层级上移", "Upward drift"
    MANY_HOPS = "many_hops", "流转过多", "Many hand-offs"
    NO_OWNER = "no_owner", "无人签收", "No owner"
    NO_FOLLOW_UP = "no_follow_up", "办结未回访", "Closed without follow-up"
    REBOUND = "rebound", "反弹", "Rebound"
    DEAD_END = "dead_end", "调解不成无去向", "Dead end"


class RiskFactor(LabeledEnum):
    """The group-incident risk factors (docs/architecture.md §6)."""

    SCALE = "scale", "涉及人数", "Scale"
    MOMENTUM = "momentum", "增长势头", "Momentum"
    REPEAT_CONTACT = "repeat_contact", "重复诉求", "Repeat contact"
    ESCALATION = "escalation", "升级态势", "Escalation"
    UNRESOLVED = "unresolved", "未化解", "Unresolved"
    STAKES = "stakes", "涉及金额", "Stakes"
    SENSITIVITY = "sensitivity", "敏感类型", "Sensitivity"
    VULNERABILITY = "vulnerability", "弱势群体", "Vulnerability"
    RESPONSIBILITY_GAP = "responsibility_gap", "责任缺位", "Responsibility gap"
    REBOUND = "rebound", "反弹", "Rebound"


class ContractorRole(LabeledEnum):
    """An employer's place in a contractor chain under 保障农民工工资支付条例."""

    DEVELOPER = "developer", "建设单位", "Construction unit (developer)"
    GENERAL_CONTRACTOR = "general_contractor", "施工总承包单位", "General contractor"
    SUBCONTRACTOR = "subcontractor", "分包单位", "Subcontractor"


class PayerDuty(LabeledEnum):
    """What an employer must do about a wage-arrears cluster's wages, in the order the
    law asks (docs/architecture.md §6)."""

    ADVANCE = "advance", "以未结清工程款为限先行垫付", "Advances, up to the unpaid project price"
    BEAR = "bear", "清偿", "Pays the wages"
    PAY_FIRST = "pay_first", "先行清偿", "Pays first, then recovers"
    RECOURSE = "recourse", "被追偿", "Recovered from"
    DIRECT = "direct", "直接责任", "Directly liable"
    EMPLOYER = "employer", "用人单位", "Employer"


class KeyReasonCode(LabeledEnum):
    """Why a person or organisation ties a cluster together (the sentences are
    ``i18n`` keys ``keyperson.<code>``; docs/architecture.md §6)."""

    CUT_VERTEX = "cut_vertex", "关键连接点", "Cut vertex"
    BETWEENNESS = "betweenness", "中介位置", "Broker"
    DISPUTES = "disputes", "涉及多起纠纷", "In several disputes"
    REPRESENTATIVE = "representative", "代表人", "Representative"
    RESPONDENT = "respondent", "被申请人", "Respondent"
    EMPLOYER = "employer", "用工单位", "Employer"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)

    @classmethod
    def trusted(cls, **values: Any) -> Self:
        """An instance from values the analytics computed themselves, without validation.

        What ``model_construct`` does, faster (a million-dispute city builds
        millions of chain steps): fields not given take their defaults, and the
        fields keep their declared order.
        """
        template, required, factories = _defaults(cls)
        if not required.issubset(values):
            raise TypeError(f"{cls.__name__}.trusted: missing {sorted(required - set(values))}")
        full = {**template, **values}
        for name, factory in factories:
            if name not in values:
                full[name] = factory()
        obj = cls.__new__(cls)
        object.__setattr__(obj, "__dict__", full)
        object.__setattr__(obj, "__pydantic_fields_set__", set(values))
        object.__setattr__(obj, "__pydantic_extra__", None)
        object.__setattr__(obj, "__pydantic_private__", None)
        return obj


@cache
def _defaults(
    cls: type[BaseModel],
) -> tuple[dict[str, Any], frozenset[str], tuple[tuple[str, Callable[[], Any]], ...]]:
    """Every field in order with its plain default (``None`` until given), the
    required fields, and the fields with a default factory."""
    template: dict[str, Any] = {}
    required: set[str] = set()
    factories: list[tuple[str, Callable[[], Any]]] = []
    for name, info in cls.model_fields.items():
        template[name] = None
        if info.default_factory is not None:
            factories.append((name, info.default_factory))  # type: ignore[arg-type]
        elif info.default is PydanticUndefined:
            required.add(name)
        else:
            template[name] = info.default
    return template, frozenset(required), tuple(factories)


class Factor(_Model):
    """One risk factor of one cluster (immutable: equal factors are one shared object,
    see :func:`shared_factor`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(description="RiskFactor code.")
    value: float = Field(description="Raw measure (people, yuan, share, count… see `detail`).")
    normalised: float = Field(ge=0.0, le=1.0, description="The measure mapped to 0–1.")
    weight: float = Field(description="Weight in points (weights sum to 100).")
    contribution: float = Field(description="normalised × weight: points added to the score.")
    detail: str = Field("", description="What the raw value counts, in English.")


@lru_cache(maxsize=1 << 16, typed=True)
def shared_factor(
    name: str, value: float, normalised: float, weight: float, contribution: float, detail: str
) -> Factor:
    """The one :class:`Factor` with these values.

    Most clusters are a dispute or two, and their ten factors repeat the same
    few values (nothing open, one person, the category weight); sharing them
    keeps a million-dispute analysis from holding 3 million factor objects
    (≈ 9 KB per cluster before).
    """
    return Factor.trusted(
        name=name,
        value=value,
        normalised=normalised,
        weight=weight,
        contribution=contribution,
        detail=detail,
    )


class Citation(_Model):
    """The law and article a flag or a duty rests on, in Chinese and English."""

    zh: str
    en: str

    def text(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en


class ContractorLink(_Model):
    """One employer of a wage cluster's contractor chain (``SUBCONTRACTOR_OF`` contracts
    active in the window)."""

    employer_id: str
    name: str = ""
    kind: str = Field("", description="EmployerKind code.")
    role: ContractorRole
    depth: int = Field(description="Contracts below the top of the chain (0: the top).")
    contractor_id: str | None = Field(None, description="Who it holds its contract from.")
    qualified: bool | None = Field(
        None, description="Lawful business qualification (False: an individual or unqualified)."
    )
    unpaid_yuan: float | None = Field(
        None, description="Project price its contractor has not paid it (元)."
    )
    workers: int = Field(0, description="Workers of the cluster's wage disputes it employs.")


class LiablePayer(_Model):
    """One employer that must pay a wage cluster's wages, with the article it rests on."""

    employer_id: str
    name: str = ""
    role: ContractorRole | None = Field(None, description="None: not on the contractor chain.")
    duty: PayerDuty
    article: int = Field(description="Article of 保障农民工工资支付条例 (2020).")
    citation: Citation
    rule_zh: str = Field(description="The article's rule, shortly, in Chinese.")
    rule_en: str = Field(description="The article's rule, shortly, in English.")
    reason_zh: str = ""
    reason_en: str = ""
    limit_yuan: float | None = Field(None, description="Most it must pay (advance: 元).")
    for_employers: list[str] = Field(
        default_factory=list, description="The employers in arrears whose wages it covers."
    )

    def line(self, lang: str = "zh") -> str:
        """One line: who, what duty, why, and the article."""
        reason = self.reason_zh if lang == "zh" else self.reason_en
        rule = self.rule_zh if lang == "zh" else self.rule_en
        if lang == "zh":
            role = f"（{self.role.zh}）" if self.role is not None else ""
            return f"{self.name}{role}：{self.duty.zh}。{reason}（依据{self.citation.zh}：{rule}）"
        role = f" ({self.role.en})" if self.role is not None else ""
        return f"{self.name}{role}: {self.duty.en}. {reason} ({self.citation.en}: {rule})"


class LiablePayers(_Model):
    """Who must pay a wage-arrears cluster's wages under 保障农民工工资支付条例 (2020):
    its contractor chain, top first, and the liable payers in the order the law asks
    them to pay (docs/architecture.md §6)."""

    chain: list[ContractorLink] = Field(default_factory=list)
    debtors: list[str] = Field(
        default_factory=list, description="The employers in arrears: they employ the workers."
    )
    payers: list[LiablePayer] = Field(default_factory=list)
    notes_zh: list[str] = Field(default_factory=list, description="What the data leaves open.")
    notes_en: list[str] = Field(default_factory=list)

    def notes(self, lang: str = "zh") -> list[str]:
        return self.notes_zh if lang == "zh" else self.notes_en

    def lines(self, lang: str = "zh") -> list[str]:
        """Every payer as :meth:`LiablePayer.line`, numbered, then the notes."""
        return [f"{i}. {p.line(lang)}" for i, p in enumerate(self.payers, 1)] + self.notes(lang)

    def chain_text(self, lang: str = "zh") -> str:
        """The chain top first, one tier after another (``A（建设单位） → B（…） → …``)."""
        tiers: dict[int, list[str]] = {}
        for link in self.chain:
            role = link.role.zh if lang == "zh" else link.role.en
            tiers.setdefault(link.depth, []).append(
                f"{link.name}（{role}）" if lang == "zh" else f"{link.name} ({role})"
            )
        sep = "、" if lang == "zh" else ", "
        return " → ".join(sep.join(names) for _, names in sorted(tiers.items()))


class KeyReason(_Model):
    """One reason a key person ranks: a code and the counts its sentence names."""

    code: KeyReasonCode
    fields: dict[str, int] = Field(default_factory=dict)


class KeyPerson(_Model):
    """A person or organisation that ties a cluster together (analytics/keypersons.py):
    its place in the cluster's own subgraph and its roles in the cluster's disputes."""

    entity_id: str
    label: str = Field(description="NodeLabel value: Party or Employer.")
    kind: str = Field(description="PartyKind code (person/organization) or EmployerKind code.")
    name: str = Field("", description="As stored; front ends mask persons by role.")
    score: float = Field(ge=0.0, le=1.0, description="Weighted sum, see risk_defaults.toml.")
    betweenness: float = Field(
        ge=0.0, le=1.0, description="Normalised betweenness on the cluster's subgraph."
    )
    cut_off: int = Field(0, description="Nodes its removal cuts off from the largest rest.")
    cut_off_people: int = Field(0, description="Persons among the nodes cut off.")
    parts: int = Field(0, description="Pieces the cluster falls into without it (0: none).")
    disputes: int = Field(0, description="Disputes of the cluster it is party to.")
    roles: dict[str, int] = Field(
        default_factory=dict, description="PartyRole code → disputes of the cluster in it."
    )
    reasons: list[KeyReason] = Field(default_factory=list)
    reasons_zh: list[str] = Field(default_factory=list)
    reasons_en: list[str] = Field(default_factory=list)

    @property
    def is_person(self) -> bool:
        return self.label == "Party" and self.kind == "person"

    def reason_text(self, lang: str = "zh") -> str:
        """Every reason in one line (``；`` / ``; ``)."""
        return "；".join(self.reasons_zh) if lang == "zh" else "; ".join(self.reasons_en)


class ClusterAssessment(_Model):
    """A cluster of linked disputes and its group-incident risk."""

    id: str = Field(
        description="Stable id: the id of the earlier cluster it continues "
        "(analytics/lineage.py), else 'C-' + 10 hex of sha1 of the sorted dispute ids."
    )
    score: float = Field(ge=0.0, le=100.0)
    level: RiskLevel
    size: int = Field(description="Number of nodes (disputes and stakeholders) in the cluster.")
    people: int = Field(
        description="People involved (max of distinct persons and summed headcount)."
    )
    disputes: list[str]
    members: list[str] = Field(description="Stakeholder and property ids (not disputes).")
    factors: dict[str, float] = Field(description="Contribution per factor, in points.")
    factor_details: list[Factor] = Field(default_factory=list)
    reasons_zh: list[str] = Field(default_factory=list)
    reasons_en: list[str] = Field(default_factory=list)
    hard_triggers: list[str] = Field(
        default_factory=list, description="Hard-trigger rule names that fired."
    )
    previous_score: float | None = None
    change: float | None = Field(None, description="score − previous_score, when there was one.")
    hubs: list[tuple[str, int]] = Field(
        default_factory=list, description="(id, degree) of hub members."
    )
    categories: dict[str, int] = Field(
        default_factory=dict, description="Disputes per category code."
    )
    districts: dict[str, int] = Field(default_factory=dict, description="Disputes per district.")
    open_disputes: int = 0
    amount_yuan: float = 0.0
    agencies: list[str] = Field(
        default_factory=list, description="Agencies that handled its disputes."
    )
    split_from: str | None = Field(
        None, description="Id of the oversized component this cluster was split from, if any."
    )
    since: date | None = Field(
        None, description="The as-of date of the first analysis this cluster was seen in."
    )
    lineage: str = Field(
        "new",
        description="How it came about since the earlier analysis: new, continued, "
        "merged or split (analytics/lineage.py).",
    )
    came_from: list[str] = Field(
        default_factory=list,
        description="The earlier clusters it shares disputes with, most shared first.",
    )
    liable_payers: LiablePayers | None = Field(
        None,
        description="Wage-arrears clusters with a contractor chain: who must pay the wages "
        "under 保障农民工工资支付条例 (2020), with the article.",
    )
    key_persons: list[KeyPerson] = Field(
        default_factory=list,
        description="The people and organisations that tie the cluster together, ranked.",
    )
    metrics: dict[str, float] = Field(
        default_factory=dict,
        description="The warning-rule metrics (schemas.rules.CLUSTER_METRICS) that are not 0.",
    )

    @field_validator("factor_details")
    @classmethod
    def _share_factors(cls, factors: list[Factor]) -> list[Factor]:
        return [shared_factor(*f.__dict__.values()) for f in factors]

    def reasons(self, lang: str = "zh") -> list[str]:
        """Reasons in one language."""
        return self.reasons_zh if lang == "zh" else self.reasons_en


class ChainStep(_Model):
    """One HANDLED_BY step of a dispute."""

    seq: int
    agency_id: str
    agency_name: str = ""
    agency_kind: str = ""
    level: str = ""
    action: str
    role: str | None = None
    outcome: str | None = None
    started_at: datetime
    ended_at: datetime | None = None
    due_at: datetime | None = None
    dwell_days: float = Field(
        description="Days at this step (to ended_at, else to the next step, else to as_of)."
    )
    overdue: bool = False
    limit: str | None = Field(None, description="The time limit applied, e.g. '15d' or '5wd'.")
    limit_basis: str | None = Field(
        None, description="Law and article of the time limit applied, in Chinese."
    )
    limit_basis_en: str | None = Field(
        None, description="Law and article of the time limit applied, in English."
    )


class Chain(_Model):
    """The responsibility chain of one dispute."""

    dispute_id: str
    steps: list[ChainStep] = Field(default_factory=list)
    flags: list[str] = Field(default_factory=list, description="ChainFlag codes.")
    as_of: date | None = None
    citations: dict[str, list[Citation]] = Field(
        default_factory=dict,
        description="Flag code → the laws and articles it rests on (overdue: the time "
        "limits broken).",
    )

    def citation_text(self, flag: str, lang: str = "zh") -> str:
        """The citations of a flag in one language, joined; empty when it has none."""
        sep = "；" if lang == "zh" else "; "
        return sep.join(c.text(lang) for c in self.citations.get(flag, ()))


class AgencyStats(_Model):
    """Hand-off statistics of one agency."""

    agency_id: str
    name: str = ""
    kind: str = ""
    level: str = ""
    handled: int = Field(0, description="Disputes with at least one step at this agency.")
    steps: int = 0
    handoffs_out: int = 0
    handoffs_in: int = 0
    median_dwell_days: float | None = None
    overdue_rate: float = 0.0
    bounce_rate: float = 0.0
    bottleneck: bool = False


class HandoffStats(_Model):
    """Hand-offs from one agency to another."""

    source_agency: str
    target_agency: str
    count: int
    median_days: float | None = None
    returned: int = Field(0, description="Hand-offs that were returns (退回).")


class AnalysisResult(_Model):
    """Everything ``run_analysis`` computes for one (as_of, window_days)."""

    as_of: date
    window_days: int
    computed_at: datetime
    clusters: list[ClusterAssessment] = Field(description="Ranked by score, highest first.")
    chain_flags: dict[str, list[str]] = Field(
        default_factory=dict, description="Dispute id → flag codes."
    )
    agencies: list[AgencyStats] = Field(default_factory=list)
    handoffs: list[HandoffStats] = Field(default_factory=list)
    hubs: list[tuple[str, int]] = Field(
        default_factory=list, description="(id, degree) over the projection."
    )
    settings: dict[str, Any] = Field(
        default_factory=dict, description="The risk configuration used."
    )
    counts: dict[str, int] = Field(default_factory=dict, description="Sizes of the projection.")
    chain_metrics: dict[str, dict[str, float]] = Field(
        default_factory=dict,
        description="Dispute id → its chain's warning-rule metrics "
        "(schemas.rules.CHAIN_METRICS) that are not 0, for every dispute with hand-offs.",
    )
    rules: list[str] = Field(
        default_factory=list, description="Warning rules evaluated, as id@version."
    )
    rules_skipped: list[str] = Field(
        default_factory=list,
        description="Warning rules not evaluated (Cypher rules without Neo4j), as id@version.",
    )
    rule_hits: list[RuleHit] = Field(
        default_factory=list, description="Warning-rule hits, most severe first."
    )

    def cluster(self, cluster_id: str) -> ClusterAssessment | None:
        """The cluster with this id, or None."""
        for c in self.clusters:
            if c.id == cluster_id:
                return c
        return None

    def cluster_of(self, dispute_id: str) -> ClusterAssessment | None:
        """The cluster a dispute belongs to, or None."""
        for c in self.clusters:
            if dispute_id in c.disputes:
                return c
        return None


def cluster_of(result: AnalysisResult, cluster_or_dispute: str) -> ClusterAssessment:
    """A cluster of a result by its id or by one of its disputes; AnalysisError if none."""
    found = result.cluster(cluster_or_dispute) or result.cluster_of(cluster_or_dispute)
    if found is None:
        raise AnalysisError(
            f"unknown cluster {cluster_or_dispute!r} in the analysis of {result.as_of}: "
            "list clusters with `disputegraph risk`"
        )
    return found


def agency_stats(result: AnalysisResult) -> tuple[list[AgencyStats], list[HandoffStats]]:
    """Per-agency and per-pair hand-off statistics of an analysis (bottlenecks first)."""
    agencies = sorted(result.agencies, key=lambda a: (not a.bottleneck, -a.steps, a.agency_id))
    return agencies, list(result.handoffs)


class TraceLink(_Model):
    """A dispute linked to the traced entity."""

    dispute_id: str
    hops: int = Field(description="Stakeholder-graph hops from the source.")
    path: list[str] = Field(description="Ids from the source to the dispute.")
    reason_zh: str = ""
    reason_en: str = ""
    title: str = ""
    status: str = ""
    identities: list[str] = Field(
        default_factory=list,
        description=(
            "Canonical entities the path goes through: the link joins records of one "
            "person or organisation across source systems (active SAME_AS)."
        ),
    )


class TraceResult(_Model):
    """Disputes linked to one entity."""

    source: str
    source_label: str = ""
    hops: int = 2
    linked: list[TraceLink] = Field(default_factory=list)
    capped: list[str] = Field(default_factory=list, description="Hubs not expanded.")
