"""Warning rules: loading them from TOML, the chain metrics, and evaluating every rule
on an analysis (docs/architecture.md §6, "Warning rules").

The shipped rules live in ``rules_defaults.toml`` next to this module; a user file
(``Settings.rules``, ``DISPUTEGRAPH_RULES``) adds rules and replaces shipped ones
of the same id (with a higher version). A rule is refused when loaded — with the
file, the line and the closest valid name — for a TOML syntax error, an unknown
metric or placeholder, a bad field, or a Cypher rule whose query could write.

Evaluation is pure: :func:`evaluate_rules` reads the metrics the analysis stored
(``ClusterAssessment.metrics``, ``AnalysisResult.chain_metrics``); Cypher rules
run through :func:`evaluate_cypher_rules` with a store's read-only query method.

>>> rules = load_rules()
>>> "skip_level_petition" in {r.id for r in rules}
True
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from disputegraph.analytics.chains import ChainFacts, agency_runs
from disputegraph.exceptions import QueryError, RuleError
from disputegraph.queries.catalog import parse_query_file
from disputegraph.queries.runner import check_read_only, tokens
from disputegraph.schemas.analysis import AnalysisResult
from disputegraph.schemas.rules import (
    Rule,
    RuleHit,
    RuleSubject,
    hit_counts,
    known_fields,
    metrics_of,
    template_fields,
)

__all__ = [
    "DEFAULT_RULES_PATH",
    "QUERY_PARAMS",
    "chain_metrics",
    "evaluate_cypher_rules",
    "evaluate_rules",
    "find_rule",
    "hit_counts",
    "load_rules",
    "read_rules",
    "sort_hits",
]

DEFAULT_RULES_PATH = Path(__file__).with_name("rules_defaults.toml")
#: The parameters a Cypher rule's query may declare (filled from the analysis).
QUERY_PARAMS = ("as_of", "window_days")
_RULE_HEADER = re.compile(r"^\s*\[\[\s*rule\s*\]\]")
_TOML_LINE = re.compile(r"\(at line (\d+), column \d+\)")
#: A read-only query callable: (cypher, params) → (columns, rows).
QueryReader = Callable[[Any, dict[str, Any]], tuple[list[str], list[list[Any]]]]


def chain_metrics(facts: ChainFacts, is_open: bool) -> dict[str, float]:
    """The warning-rule metrics of one chain (``schemas.rules.CHAIN_METRICS``), those
    that are not 0. ``bounces``: the larger of the ``returned`` steps and the A→B→A
    moves of the agency sequence (one return often makes one A→B→A, so they are not
    added)."""
    steps = facts.steps
    runs = agency_runs(steps)
    ping_pong = sum(1 for i in range(len(runs) - 2) if runs[i] == runs[i + 2])
    returns = sum(1 for s in steps if s.action == "returned")
    values = {
        "steps": float(len(steps)),
        "hops": float(max(0, len(runs) - 1)),
        "returns": float(returns),
        "bounces": float(max(returns, ping_pong)),
        "overdue_steps": float(sum(1 for s in steps if s.overdue)),
        "max_dwell_days": max((s.dwell_days for s in steps), default=0.0),
        "escalated_steps": float(sum(1 for s in steps if s.action == "escalated")),
        "flags": float(len(facts.flags)),
        "open": 1.0 if is_open else 0.0,
    }
    return {k: v for k, v in values.items() if v}


# --- loading -------------------------------------------------------------------------


def _where(path: Path, line: int | None) -> str:
    return f"rules file {path}, line {line}" if line else f"rules file {path}"


def _closest(name: str, known: Iterable[str]) -> str:
    match = difflib.get_close_matches(name, list(known), n=1, cutoff=0.5)
    return f"; did you mean {match[0]!r}?" if match else f"; known: {', '.join(known)}"


def _line_of(lines: Sequence[str], start: int, end: int, needle: str) -> int:
    """The first line (1-based) in ``[start, end)`` that holds ``needle``, else ``start``."""
    for i in range(start, min(end, len(lines) + 1)):
        if needle in lines[i - 1]:
            return i
    return start


def _clause_line(lines: Sequence[str], start: int, end: int, index: int) -> int:
    """The line of the ``index``-th clause (the ``index``-th ``metric`` key) of a rule."""
    found = [i for i in range(start, min(end, len(lines) + 1)) if "metric" in lines[i - 1]]
    return found[index] if index < len(found) else _line_of(lines, start, end, "conditions")


def _parse_toml(path: Path) -> tuple[dict[str, Any], list[str]]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RuleError(f"cannot read rules file {path}: {exc.strerror}") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = _TOML_LINE.search(str(exc))
        reason = _TOML_LINE.sub("", str(exc)).strip()
        raise RuleError(
            f"{_where(path, int(m.group(1)) if m else None)}: not valid TOML: {reason}"
        ) from None
    return data, text.splitlines()


def read_rules(path: Path | str) -> list[Rule]:
    """The rules of one TOML file (``[[rule]]`` tables); :class:`RuleError` naming the
    file, the line and the closest valid name on any problem."""
    path = Path(path)
    data, lines = _parse_toml(path)
    extra = sorted(set(data) - {"rule"})
    if extra:
        raise RuleError(f"{_where(path, None)}: unknown top-level key {extra[0]!r}; use [[rule]]")
    tables = data.get("rule", [])
    if not isinstance(tables, list):
        raise RuleError(f"{_where(path, None)}: `rule` must be an array of tables ([[rule]])")
    starts = [i for i, text in enumerate(lines, 1) if _RULE_HEADER.match(text)]
    rules: list[Rule] = []
    seen: dict[str, int] = {}
    for k, table in enumerate(tables):
        start = starts[k] if k < len(starts) else 0
        end = starts[k + 1] if k + 1 < len(starts) else len(lines) + 1
        rule = _one_rule(path, lines, table, start, end)
        if rule.id in seen:
            raise RuleError(
                f"{_where(path, start)}: rule {rule.id!r} is defined twice "
                f"(first at line {seen[rule.id]})"
            )
        seen[rule.id] = start
        rules.append(rule)
    return rules


def _one_rule(path: Path, lines: list[str], table: Any, start: int, end: int) -> Rule:
    if not isinstance(table, dict):
        raise RuleError(f"{_where(path, start)}: a rule must be a table ([[rule]])")
    name = repr(table.get("id"))
    #: filled by the loader only: a rules file may not give a query's text itself
    internal = {"source", "cypher", "returns"}
    allowed = [f for f in Rule.model_fields if f not in internal]
    for key in table:
        if key not in allowed:
            raise RuleError(
                f"{_where(path, _line_of(lines, start, end, key))}: rule {name}: unknown field "
                f"{key!r}{_closest(key, allowed)}"
            )
    try:
        rule = Rule.model_validate({**table, "source": f"{path.name}:{start}"})
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = [str(p) for p in first["loc"]]
        field = ".".join(loc)
        key = next((p for p in reversed(loc) if not p.isdigit()), "")
        line = _line_of(lines, start, end, key) if key else start
        if len(loc) > 1 and loc[0] == "conditions" and loc[1].isdigit():
            line = _clause_line(lines, start, end, int(loc[1]))
        raise RuleError(f"{_where(path, line)}: rule {name}: {field}: {first['msg']}") from None
    metrics = list(metrics_of(rule.subject))
    for clause in rule.conditions:
        if clause.metric not in metrics:
            line = _clause_line(lines, start, end, rule.conditions.index(clause))
            raise RuleError(
                f"{_where(path, line)}: rule {rule.id!r}: unknown {rule.subject.value} metric "
                f"{clause.metric!r}{_closest(clause.metric, metrics)}"
            )
    fields: list[str] = known_fields(rule.subject)
    if rule.query is not None:
        rule = _with_query(path, lines, rule, start, end)
        fields = ["id", *rule.returns]
    for attr in ("explain_zh", "explain_en"):
        template = getattr(rule, attr)
        line = _line_of(lines, start, end, attr)
        try:
            names = template_fields(template)
        except ValueError as exc:
            raise RuleError(f"{_where(path, line)}: rule {rule.id!r}: {attr}: {exc}") from None
        for field_name in names:
            if field_name not in fields:
                raise RuleError(
                    f"{_where(path, line)}: rule {rule.id!r}: {attr}: unknown placeholder "
                    f"{{{field_name}}}{_closest(field_name, fields)}"
                )
    return rule


def _with_query(path: Path, lines: list[str], rule: Rule, start: int, end: int) -> Rule:
    """A Cypher rule with its query read, parsed and checked to be read-only."""
    assert rule.query is not None
    qpath = (path.parent / rule.query).resolve()
    line = _line_of(lines, start, end, "query")
    try:
        text = qpath.read_text(encoding="utf-8")
    except OSError as exc:
        raise RuleError(
            f"{_where(path, line)}: rule {rule.id!r}: cannot read query {qpath}: {exc.strerror}"
        ) from None
    try:
        query = parse_query_file(qpath.name, text)
    except QueryError as exc:
        raise RuleError(f"{_where(path, line)}: rule {rule.id!r}: {exc}") from None
    if query.mode != "read":
        raise RuleError(
            f"query file {qpath}: rule {rule.id!r}: mode {query.mode!r}; a rule's query "
            "must be `mode: read`"
        )
    try:
        check_read_only(query.cypher, qpath.name)
    except QueryError as exc:
        raise RuleError(
            f"query file {qpath}, line {_cypher_line(text, str(exc))}: rule {rule.id!r}: "
            f"{str(exc).split(': ', 1)[-1]}"
        ) from None
    bad = [p.name for p in query.params if p.name not in QUERY_PARAMS]
    if bad:
        raise RuleError(
            f"query file {qpath}: rule {rule.id!r}: parameter {bad[0]!r} cannot be filled; "
            f"a rule's query may use {', '.join('$' + p for p in QUERY_PARAMS)}"
            f"{_closest(bad[0], QUERY_PARAMS)}"
        )
    returns = [c.strip() for c in query.returns.split(",") if c.strip()]
    if "subject_id" not in returns:
        raise RuleError(
            f"query file {qpath}: rule {rule.id!r}: the query must return a `subject_id` "
            "column (a cluster id or a dispute id); returns: " + ", ".join(returns)
        )
    return rule.model_copy(update={"cypher": query.cypher, "returns": returns})


def _cypher_line(text: str, message: str) -> int:
    """The line of a query file holding the clause a read-only check refused."""
    m = re.search(r": (?:CALL )?([A-Z]+)\b", message)
    word = m.group(1) if m else ""
    lines = text.splitlines()
    body = next((i for i, line in enumerate(lines, 1) if not line.strip().startswith("//")), 1)
    for i in range(body, len(lines) + 1):
        try:
            found = any(k == "word" and t.upper() == word for k, t in tokens(lines[i - 1]))
        except QueryError:  # a string or comment spanning lines
            continue
        if found:
            return i
    return body


def find_rule(rules: Iterable[Rule], rule_id: str) -> Rule:
    """The rule with this id; :class:`RuleError` with the closest id if there is none."""
    by_id = {r.id: r for r in rules}
    if rule_id not in by_id:
        raise RuleError(f"unknown rule {rule_id!r}{_closest(rule_id, by_id)} (see `rules list`)")
    return by_id[rule_id]


def load_rules(path: Path | str | None = None) -> list[Rule]:
    """The shipped rules, with the rules of ``path`` (if given) added; a user rule with
    the id of a shipped one replaces it and must carry a higher version."""
    rules = {r.id: r for r in read_rules(DEFAULT_RULES_PATH)}
    if path is not None:
        for rule in read_rules(path):
            old = rules.get(rule.id)
            if old is not None and rule.version <= old.version:
                raise RuleError(
                    f"rules file {path}, line {rule.source.rpartition(':')[2]}: rule "
                    f"{rule.id!r} replaces version {old.version} of the shipped rule: give "
                    f"it version {old.version + 1} or more"
                )
            rules[rule.id] = rule
    return list(rules.values())


# --- evaluation ----------------------------------------------------------------------


def _hit(
    rule: Rule,
    subject_id: str,
    values: Mapping[str, Any],
    used: Iterable[str],
    cluster_id: str | None = None,
) -> RuleHit:
    zh, en = rule.explain({**values, "id": subject_id})
    return RuleHit(
        rule_id=rule.id,
        version=rule.version,
        subject=rule.subject,
        subject_id=subject_id,
        severity=rule.severity,
        title_zh=rule.title_zh,
        title_en=rule.title_en,
        explanation_zh=zh,
        explanation_en=en,
        values={k: values.get(k, 0.0) for k in used},
        cluster_id=cluster_id,
    )


def _used(rule: Rule) -> list[str]:
    names = [c.metric for c in rule.conditions]
    for template in (rule.explain_zh, rule.explain_en):
        names.extend(n for n in template_fields(template) if n != "id")
    return list(dict.fromkeys(names))


def sort_hits(hits: Iterable[RuleHit]) -> list[RuleHit]:
    """Most severe first, then by rule and subject."""
    return sorted(hits, key=lambda h: (-h.severity.rank, h.rule_id, h.subject_id))


def evaluate_rules(rules: Sequence[Rule], analysis: AnalysisResult) -> list[RuleHit]:
    """Every condition rule on every cluster or chain of the analysis (pure); Cypher
    rules are left to :func:`evaluate_cypher_rules`."""
    hits: list[RuleHit] = []
    cluster_rules = [r for r in rules if r.conditions and r.subject is RuleSubject.CLUSTER]
    chain_rules = [r for r in rules if r.conditions and r.subject is RuleSubject.CHAIN]
    used = {r.id: _used(r) for r in rules if r.conditions}
    for c in analysis.clusters if cluster_rules else ():
        for rule in cluster_rules:
            if rule.matches(c.metrics):
                hits.append(_hit(rule, c.id, c.metrics, used[rule.id]))
    if chain_rules:
        owner: dict[str, str] = {}
        for did, metrics in analysis.chain_metrics.items():
            for rule in chain_rules:
                if rule.matches(metrics):
                    if not owner:
                        owner = {d: c.id for c in analysis.clusters for d in c.disputes}
                    hits.append(_hit(rule, did, metrics, used[rule.id], owner.get(did)))
    return sort_hits(hits)


def evaluate_cypher_rules(
    rules: Sequence[Rule], read: QueryReader, analysis: AnalysisResult
) -> list[RuleHit]:
    """Every Cypher rule run through ``read`` (a store's read-only query), one hit per
    row; ``$as_of`` and ``$window_days`` come from the analysis."""
    hits: list[RuleHit] = []
    params = {"as_of": analysis.as_of, "window_days": analysis.window_days}
    for rule in rules:
        if rule.cypher is None:
            continue
        declared = set(QUERY_PARAMS) & set(re.findall(r"\$([a-z_]+)", rule.cypher))
        columns, rows = read(rule.cypher, {k: params[k] for k in declared})
        for row in rows:
            values = {
                col: (v if isinstance(v, int | float) and not isinstance(v, bool) else str(v))
                for col, v in zip(columns, row, strict=False)
            }
            subject_id = str(values.pop("subject_id", ""))
            hits.append(_hit(rule, subject_id, values, list(values)))
    return hits
