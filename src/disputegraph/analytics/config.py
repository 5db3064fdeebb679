"""The analytics configuration: clustering, risk weights, bands, hard triggers, time limits.

The shipped defaults live in ``risk_defaults.toml`` next to this module, each
value with a comment saying why. :func:`load_risk_config` merges an override
file (``Settings.risk_config``) onto them key by key.

>>> cfg = load_risk_config()
>>> round(sum(cfg.risk.weights.values()))
100
"""

from __future__ import annotations

import tomllib
from datetime import timedelta
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator

from disputegraph.exceptions import ConfigError
from disputegraph.schemas import RiskLevel
from disputegraph.schemas.analysis import RiskFactor
from disputegraph.taxonomy import Taxonomy

__all__ = [
    "DEFAULTS_PATH",
    "ChainSettings",
    "ClusterSettings",
    "HardTrigger",
    "KeyPersonSettings",
    "LimitRule",
    "ProjectionSettings",
    "RiskConfig",
    "RiskSettings",
    "TimeLimit",
    "load_risk_config",
]

DEFAULTS_PATH = Path(__file__).with_name("risk_defaults.toml")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ProjectionSettings(_Strict):
    join_parent_kinds: list[str] = Field(
        default_factory=lambda: ["building", "construction_project"]
    )
    include_property_ties: bool = True


class ClusterSettings(_Strict):
    size_cap: int = Field(400, ge=2)
    resolution: float = Field(1.0, gt=0)
    seed: int = 42
    hub_degree: int = Field(25, ge=1)


class KeyPersonSettings(_Strict):
    """Who ties a cluster together (:mod:`disputegraph.analytics.keypersons`)."""

    top: int = Field(10, ge=0)
    weights: dict[str, float] = Field(
        default_factory=lambda: {"betweenness": 0.5, "cut_off": 0.3, "lead_role": 0.2}
    )
    lead_roles: list[str] = Field(default_factory=lambda: ["representative"])
    lead_full: int = Field(3, ge=1)
    min_size: int = Field(3, ge=2)

    @model_validator(mode="after")
    def _check(self) -> KeyPersonSettings:
        known = {"betweenness", "cut_off", "lead_role"}
        if set(self.weights) != known:
            raise ValueError(f"weights must name exactly {sorted(known)}")
        if any(w < 0 for w in self.weights.values()) or sum(self.weights.values()) > 1 + 1e-9:
            raise ValueError("weights must be ≥ 0 and sum to at most 1")
        return self


class HardTrigger(_Strict):
    """Force at least ``level`` when every given condition holds."""

    name: str
    level: RiskLevel
    min_people: int = 0
    min_open: int = 0
    min_petitions: int = 0
    min_skip_level: int = 0
    category: str | None = None
    festival: bool = False


class RiskSettings(_Strict):
    group_threshold: int = 5
    momentum_days: int = 30
    baseline_days: int = 60
    festival_lead_days: int = 75
    festival_boost: float = 0.4
    vulnerable_tags: list[str] = Field(default_factory=list)
    weights: dict[str, float]
    bands: dict[str, float]
    scale: dict[str, list[list[float]]]
    stakes: dict[str, float]
    escalation: dict[str, float]
    repeat_contact: dict[str, float]
    unresolved: dict[str, float]
    rebound: dict[str, float]
    responsibility_gap: dict[str, Any]
    categories: dict[str, float]
    #: the city's categories with their own weight (from the taxonomy, ``load_risk_config``)
    source_categories: dict[str, float] = Field(default_factory=dict)
    hard_triggers: list[HardTrigger] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check(self) -> RiskSettings:
        unknown = set(self.weights) - set(RiskFactor.codes())
        if unknown:
            raise ValueError(
                f"unknown risk factors in weights: {sorted(unknown)}; known: {RiskFactor.codes()}"
            )
        for band in self.bands:
            RiskLevel.parse(band)
        return self

    def category_weight(self, category: str, source: str | None = None) -> float:
        """The sensitivity weight of a dispute: its city category's own weight
        (``source``, when the taxonomy gives one), else its model category's."""
        if source is not None and source in self.source_categories:
            return self.source_categories[source]
        return self.categories.get(category, self.categories.get("default", 0.2))


class TimeLimit(_Strict):
    """A time limit: ``days`` calendar days, or working days when ``working``; with
    the law and article it comes from (``basis`` zh, ``basis_en`` en) when configured."""

    days: int
    working: bool = False
    basis: str | None = None
    basis_en: str | None = None

    @classmethod
    def parse(cls, text: str) -> TimeLimit:
        t = text.strip().lower()
        try:
            if t.endswith("wd"):
                return cls(days=int(t[:-2]), working=True)
            if t.endswith("d"):
                return cls(days=int(t[:-1]))
            return cls(days=int(t))
        except ValueError:
            raise ConfigError(f"time limit {text!r} is not like '15d' or '5wd'") from None

    def __str__(self) -> str:
        return f"{self.days}{'wd' if self.working else 'd'}"

    @property
    def approx(self) -> timedelta:
        return timedelta(days=self.days)


class LimitRule(_Strict):
    """A configured default time limit and the law and article it rests on, e.g.
    ``{ limit = "60d", basis = "信访工作条例 第三十四条",
    basis_en = "Regulations on Letters and Visits, art. 34" }``."""

    limit: str
    basis: str = Field(min_length=1, description="Law and article, in Chinese.")
    basis_en: str = Field(min_length=1, description="Law and article, in English.")

    @model_validator(mode="after")
    def _parse(self) -> LimitRule:
        try:
            TimeLimit.parse(self.limit)
        except ConfigError as exc:
            raise ValueError(str(exc)) from None
        return self

    def time_limit(self) -> TimeLimit:
        parsed = TimeLimit.parse(self.limit)
        return parsed.model_copy(update={"basis": self.basis, "basis_en": self.basis_en})


class ChainSettings(_Strict):
    max_hops: int = 5
    drift_levels: int = 2
    skip_level_petition_level: str = "city"
    follow_up_grace_days: int = 15
    failed_outcomes: list[str] = Field(default_factory=list)
    limits: dict[str, LimitRule] = Field(default_factory=dict)
    _limit_cache: dict[tuple[str, str], TimeLimit | None] = PrivateAttr(default_factory=dict)

    def limit_for(self, agency_kind: str, action: str) -> TimeLimit | None:
        """The most specific configured limit for an action at an agency kind (memoised)."""
        # the private dict itself: attribute access to a private field costs ≈ 7 µs,
        # and a million-dispute city asks millions of times
        memo: dict[tuple[str, str], TimeLimit | None] = self.__pydantic_private__["_limit_cache"]  # type: ignore[index]
        cached = memo.get((agency_kind, action), False)
        if cached is not False:
            return cached  # type: ignore[return-value]
        found = None
        for key in (f"{agency_kind}:{action}", f"{agency_kind}:*", f"*:{action}", "*:*"):
            if key in self.limits:
                found = self.limits[key].time_limit()
                break
        memo[(agency_kind, action)] = found
        return found


class RiskConfig(_Strict):
    """Everything the analytics can be told."""

    projection: ProjectionSettings = Field(default_factory=ProjectionSettings)
    clusters: ClusterSettings = Field(default_factory=ClusterSettings)
    risk: RiskSettings
    chains: ChainSettings = Field(default_factory=ChainSettings)
    key_persons: KeyPersonSettings = Field(default_factory=KeyPersonSettings)
    source: list[str] = Field(default_factory=list, description="Files merged, in order.")


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except OSError as exc:
        raise ConfigError(f"cannot read risk config {path}: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"risk config {path} is not valid TOML: {exc}") from exc


def _limits(data: dict[str, Any]) -> dict[str, Any]:
    chains = data.get("chains")
    limits = chains.get("limits") if isinstance(chains, dict) else None
    return limits if isinstance(limits, dict) else {}


def _check_citations(path: Path, data: dict[str, Any]) -> None:
    """Every time limit of one file names its law and article (zh and en)."""
    for key, value in _limits(data).items():
        missing = (
            ["basis", "basis_en"]
            if not isinstance(value, dict)
            else [f for f in ("basis", "basis_en") if not str(value.get(f) or "").strip()]
        )
        if missing:
            raise ConfigError(
                f"risk config {path}: chains.limits.{key!r}: the time limit does not cite "
                f"its law and article ({' and '.join(missing)} missing); write it as "
                f'{{ limit = "15d", basis = "信访工作条例 第…条", basis_en = "…, art. …" }}'
            )


def load_risk_config(
    path: Path | str | None = None, taxonomy: Taxonomy | None = None
) -> RiskConfig:
    """The shipped defaults, with ``path`` (if given) merged over them key by key (a
    time limit is replaced whole, so that its citation goes with it); the city
    categories of ``taxonomy`` that carry their own weight go to
    ``risk.source_categories``."""
    data = _read(DEFAULTS_PATH)
    _check_citations(DEFAULTS_PATH, data)
    sources = ["defaults"]
    if path is not None:
        over = _read(Path(path))
        _check_citations(Path(path), over)
        limits = {**_limits(data), **_limits(over)}
        data = _merge(data, over)
        if limits:
            data["chains"]["limits"] = limits
        sources.append(Path(path).name)
    try:
        config = RiskConfig.model_validate({**data, "source": sources})
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(
            f"risk config {path or DEFAULTS_PATH.name}: {where}: {first['msg']}"
        ) from None
    if taxonomy is not None:
        config.risk.source_categories = {
            **taxonomy.weights(),
            **config.risk.source_categories,  # a risk config's own entry wins
        }
        config.source.append(taxonomy.name)
    return config
