"""Warning rules (预警模型): named, versioned conditions over the metrics an analysis
computes, and the hits they raise (docs/architecture.md §6, "Warning rules").

A rule names its subject (a cluster or a dispute's chain), a severity (a
:class:`~disputegraph.schemas.enums.RiskLevel` other than ``none``), a condition —
clauses ``{metric, op, value}`` that must all (``when = "all"``) or any
(``when = "any"``) hold — and an explanation template in zh and en whose
``{placeholders}`` are metric names (or ``id``). A rule with ``query`` instead of
clauses is a named read-only Cypher query, run on Neo4j only.

The metrics are defined once, here (:data:`CLUSTER_METRICS`, :data:`CHAIN_METRICS`:
name → what it counts); the analytics compute exactly these names.

>>> Clause(metric="people_open", op=">=", value=10).holds({"people_open": 12})
True
>>> Clause(metric="level", op=">=", value="orange").holds({"level": 3})
True
"""

from __future__ import annotations

import operator
import string
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from disputegraph.schemas.enums import LabeledEnum, RiskLevel

__all__ = [
    "CHAIN_METRICS",
    "CLUSTER_METRICS",
    "Clause",
    "Rule",
    "RuleHit",
    "RuleSubject",
    "hit_counts",
    "known_fields",
    "metrics_of",
    "template_fields",
]


class RuleSubject(LabeledEnum):
    """What a warning rule looks at."""

    CLUSTER = "cluster", "纠纷群", "Cluster"
    CHAIN = "chain", "流转链", "Chain"


#: Cluster metrics: name → what it counts (the facts of ``analytics/facts.py`` and
#: the assessment). Missing from a cluster's stored metrics means 0.
CLUSTER_METRICS: dict[str, str] = {
    "score": "risk score 0–100",
    "level": "risk level as a rank: none 0, blue 1, yellow 2, orange 3, red 4 "
    "(a clause may compare with a level name)",
    "change": "score change since the previous assessment (0 without one)",
    "size": "nodes (disputes and stakeholders) in the cluster",
    "disputes": "disputes in the cluster",
    "open_disputes": "open disputes",
    "people": "people involved (distinct persons, or the largest headcount)",
    "people_open": "people with open disputes",
    "migrant_workers": "migrant workers with open disputes",
    "vulnerable": "people with open disputes and a vulnerable tag",
    "amount_open": "yuan at stake in open disputes",
    "new_recent": "disputes reported in the last momentum_days (30)",
    "contacts_recent": "contacts (reports) received in the last momentum_days (30)",
    "extra_contacts": "contacts beyond the first per dispute",
    "top_reporter_contacts_30d": "most contacts one reporter made in the 30 days to as-of",
    "petitions": "disputes with a petition contact",
    "repeat_petitions": "petition contacts beyond the first per dispute",
    "skip_level_petitions": "petitioned disputes handled at or above the skip-level "
    "petition level (越级访)",
    "escalated_steps": "`escalated` hand-offs",
    "litigated": "disputes sent to litigation",
    "failed_mediations": "failed mediations",
    "police_calls": "disputes with a 110 call",
    "oldest_open_days": "age in days of the oldest open dispute",
    "gap_disputes": "disputes whose chain has a responsibility-gap flag",
    "rebounds": "rebounded disputes",
    "wage_open": "open wage-arrears disputes",
    "wage_people_open": "people (workers) in open wage-arrears disputes",
    "days_to_festival": "days from as-of to the next Spring Festival (999 when unknown)",
    "in_festival_lead": "1 within festival_lead_days (75) before the Spring Festival, else 0",
    "hard_triggers": "hard triggers that fired",
}

#: Chain metrics (one dispute's hand-offs): name → what it counts.
CHAIN_METRICS: dict[str, str] = {
    "steps": "hand-off steps",
    "hops": "moves between agencies (admin steps and repeats collapsed)",
    "returns": "`returned` steps",
    "bounces": "times the case came back: the larger of `returned` steps and A→B→A moves",
    "overdue_steps": "steps past their due date or their legal time limit",
    "max_dwell_days": "longest dwell of one step, in days",
    "escalated_steps": "`escalated` steps",
    "flags": "chain flags raised",
    "open": "1 while the dispute is open, else 0",
}

#: Placeholders every template may use besides the metrics.
_EXTRA_FIELDS = ("id",)

Op = Literal[">=", ">", "<=", "<", "==", "!="]
_OPS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
    "==": operator.eq,
    "!=": operator.ne,
}


def metrics_of(subject: RuleSubject) -> dict[str, str]:
    """The metric catalogue of a subject."""
    return CLUSTER_METRICS if subject is RuleSubject.CLUSTER else CHAIN_METRICS


def template_fields(template: str) -> list[str]:
    """The placeholder names of a ``{field}`` template (``ValueError`` if malformed)."""
    return [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Clause(_Model):
    """One comparison ``metric op value``; ``level`` compares with a level name or rank."""

    metric: str = Field(min_length=1)
    op: Op
    value: float | str

    @field_validator("value")
    @classmethod
    def _level_name(cls, value: float | str) -> float | str:
        if isinstance(value, str):
            try:
                return RiskLevel.parse(value).value
            except ValueError:
                raise ValueError(f"{value!r} is neither a number nor a risk level") from None
        return value

    @model_validator(mode="after")
    def _text_only_for_level(self) -> Clause:
        if isinstance(self.value, str) and self.metric != "level":
            raise ValueError(f"metric {self.metric!r} compares with a number, not {self.value!r}")
        return self

    @property
    def number(self) -> float:
        """The value as a number (a level name as its rank)."""
        return float(RiskLevel(self.value).rank) if isinstance(self.value, str) else self.value

    def holds(self, metrics: Mapping[str, float]) -> bool:
        return _OPS[self.op](float(metrics.get(self.metric, 0.0)), self.number)


class Rule(_Model):
    """One warning rule (loaded from TOML by ``analytics/rules.py``)."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="Stable snake_case name.")
    version: int = Field(1, ge=1, description="Bumped on every change of meaning.")
    title_zh: str = Field(min_length=1)
    title_en: str = Field(min_length=1)
    severity: RiskLevel
    subject: RuleSubject = RuleSubject.CLUSTER
    when: Literal["all", "any"] = "all"
    conditions: list[Clause] = Field(default_factory=list)
    query: str | None = Field(
        None, description="A read-only .cypher file (relative to the rules file): Neo4j only."
    )
    cypher: str | None = Field(None, description="The query's text (read when loaded).")
    returns: list[str] = Field(default_factory=list, description="The query's columns.")
    explain_zh: str = Field(min_length=1, description="Template with {metric} placeholders.")
    explain_en: str = Field(min_length=1)
    source: str = Field("", description="File and line the rule was read from.")

    @field_validator("severity")
    @classmethod
    def _not_none(cls, level: RiskLevel) -> RiskLevel:
        if level is RiskLevel.NONE:
            raise ValueError("severity must be red, orange, yellow or blue")
        return level

    @model_validator(mode="after")
    def _one_condition(self) -> Rule:
        if bool(self.conditions) == bool(self.query):
            raise ValueError("give either conditions or a query (a Cypher rule), not both")
        return self

    @property
    def key(self) -> str:
        """``id@version``."""
        return f"{self.id}@{self.version}"

    def title(self, lang: str = "zh") -> str:
        return self.title_zh if lang == "zh" else self.title_en

    def matches(self, metrics: Mapping[str, float]) -> bool:
        """Whether the clauses hold (all or any); a Cypher rule never matches here."""
        if not self.conditions:
            return False
        test = all if self.when == "all" else any
        return test(c.holds(metrics) for c in self.conditions)

    def explain(self, fields: Mapping[str, Any]) -> tuple[str, str]:
        """The zh and en explanations with the placeholders filled (a missing metric is 0)."""
        values = _Fields(fields)
        return self.explain_zh.format_map(values), self.explain_en.format_map(values)


class _Fields(dict[str, Any]):
    """Template values: integral numbers print without ``.0``; missing metrics are 0."""

    def __init__(self, fields: Mapping[str, Any]) -> None:
        super().__init__(
            {k: int(v) if isinstance(v, float) and v.is_integer() else v for k, v in fields.items()}
        )

    def __missing__(self, key: str) -> Any:
        return 0


class RuleHit(_Model):
    """One rule that held for one subject in one analysis."""

    rule_id: str
    version: int
    subject: RuleSubject
    subject_id: str = Field(description="Cluster id (C-…) or dispute id.")
    severity: RiskLevel
    title_zh: str
    title_en: str
    explanation_zh: str
    explanation_en: str
    values: dict[str, float | str] = Field(
        default_factory=dict, description="The metrics the condition read, or the query's row."
    )
    cluster_id: str | None = Field(None, description="The cluster of a chain hit's dispute.")

    def explanation(self, lang: str = "zh") -> str:
        return self.explanation_zh if lang == "zh" else self.explanation_en


def known_fields(subject: RuleSubject) -> list[str]:
    """Every placeholder a template of this subject may use."""
    return [*_EXTRA_FIELDS, *metrics_of(subject)]


def hit_counts(hits: Iterable[RuleHit]) -> dict[str, int]:
    """Hits per rule id."""
    counts: dict[str, int] = {}
    for h in hits:
        counts[h.rule_id] = counts.get(h.rule_id, 0) + 1
    return counts
