"""Analytics: clusters, group-incident risk, responsibility chains and tracing.

The public API::

    result = run_analysis(store, as_of=date(2026, 1, 10), window_days=180)
    result.clusters[0].score, result.clusters[0].reasons_en
    load_analysis(store)                 # the latest persisted result
    chain(store, "D-1").flags            # one dispute's chain, on demand
    trace(store, "P-7", hops=2).linked   # disputes linked to an entity

``run_analysis`` projects the window (:mod:`disputegraph.analytics.projection`),
clusters it, scores every cluster, flags every chain, aggregates the agencies,
and persists the result in parts (:mod:`disputegraph.store.analyses`, key
``"<as_of>:<window_days>"``) plus a pointer to the latest one, so pages and
commands read it instead of recomputing, and each cluster's id, score and
disputes (kind ``analysis_scores``, same key), which the next analysis compares
with. When ``as_of`` is not given it is
the date of the latest dispute or report in the store, so a synthetic city
generated for any date analyses as of its own "today".
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import NamedTuple

from disputegraph.analytics.agencies import AgencyTally
from disputegraph.analytics.chains import (
    ChainFacts,
    HandoffFacts,
    as_chain,
    chain_facts,
    handoff_facts,
    iter_chains,
)
from disputegraph.analytics.clusters import Cluster, cluster_id, find_clusters
from disputegraph.analytics.config import RiskConfig, load_risk_config
from disputegraph.analytics.incremental import Kept, Reuse
from disputegraph.analytics.keypersons import KeyPersonIndex, key_persons
from disputegraph.analytics.lineage import Earlier, Lineage, trace_lineage
from disputegraph.analytics.payer import PayerIndex, liable_payers
from disputegraph.analytics.projection import Projection, project, project_with
from disputegraph.analytics.reasons import format_yuan
from disputegraph.analytics.records import (
    DISPUTE_KEYS,
    HANDLING_KEYS,
    ReportInfo,
    agency_from_node,
    as_datetime,
    dispute_from_values,
    handling_from_edge,
    step_time,
)
from disputegraph.analytics.risk import assess
from disputegraph.analytics.rules import (
    chain_metrics,
    evaluate_cypher_rules,
    evaluate_rules,
    hit_counts,
    load_rules,
    sort_hits,
)
from disputegraph.analytics.tracing import search_entities, shortest_path, trace
from disputegraph.exceptions import AnalysisError
from disputegraph.runtime import gc_paused
from disputegraph.schemas import NodeLabel, RelType
from disputegraph.schemas.analysis import (
    AnalysisResult,
    Chain,
    ClusterAssessment,
    TraceResult,
    agency_stats,
    cluster_of,
)
from disputegraph.schemas.rules import Rule
from disputegraph.store.analyses import (
    ANALYSIS_KIND,
    LATEST_KIND,
    analysis_key,
    analysis_keys,
    load_analysis,
    save_analysis,
)
from disputegraph.store.protocol import GraphStore

__all__ = [
    "ANALYSIS_KIND",
    "LATEST_KIND",
    "SCORES_KIND",
    "Cluster",
    "ClusterScore",
    "Kept",
    "Projection",
    "RiskConfig",
    "TraceResult",
    "agency_stats",
    "analysis_keys",
    "analyze_projection",
    "chain",
    "cluster_id",
    "cluster_of",
    "cluster_scores",
    "default_as_of",
    "evaluate_rules",
    "find_clusters",
    "format_yuan",
    "hit_counts",
    "key_persons",
    "liable_payers",
    "load_analysis",
    "load_risk_config",
    "load_rules",
    "project",
    "run_analysis",
    "search_entities",
    "shortest_path",
    "trace",
]

#: Beside each analysis: [id, score, disputes] of its clusters, for the next one.
SCORES_KIND = "analysis_scores"
Progress = Callable[[str], None]


class ClusterScore(NamedTuple):
    """A cluster of an earlier analysis, as the next one compares with it."""

    id: str
    score: float
    disputes: list[str]
    #: the as-of date it was first seen (``None`` in documents written before it was kept)
    since: date | None = None


def default_as_of(store: GraphStore) -> date:
    """The date of the latest dispute report or contact in the store."""
    found = (
        as_datetime(store.latest_value(label, key))
        for label, key in ((NodeLabel.DISPUTE, "reported_at"), (NodeLabel.REPORT, "received_at"))
    )
    latest = max((ts for ts in found if ts is not None), default=None)
    if latest is None:
        raise AnalysisError(
            "the store holds no disputes: load a bundle first (`disputegraph load BUNDLE`)"
        )
    return latest.date()


def cluster_scores(result: AnalysisResult) -> list[ClusterScore]:
    """Id, score and disputes of every cluster of a result (what the next analysis
    compares with; stored beside the result as its own small document)."""
    return [
        ClusterScore(c.id, c.score, c.disputes, c.since or result.as_of) for c in result.clusters
    ]


def _previous(
    store: GraphStore, as_of: date, window_days: int, *, same_day: bool = False
) -> list[ClusterScore] | None:
    """The clusters of the latest earlier analysis with the same window (with
    ``same_day``, the one stored for ``as_of`` itself when there is one: the
    analysis a re-run replaces, whose cluster ids it keeps).

    Read from the small scores document, not from the analysis itself (at a
    million disputes that is 700 MB of JSON to parse); an analysis stored
    before there were scores documents is read whole.
    """
    earlier = [
        d
        for d, w in analysis_keys(store)
        if w == window_days and (d < as_of or (same_day and d == as_of))
    ]
    if not earlier:
        return None
    day = earlier[-1]
    doc = store.get_document(SCORES_KIND, analysis_key(day, window_days))
    if doc is not None:
        return [
            ClusterScore(c, float(score), disputes, date.fromisoformat(rest[0]) if rest else day)
            for c, score, disputes, *rest in doc["clusters"]
        ]
    result = load_analysis(store, day, window_days)
    return None if result is None else cluster_scores(result)


def _previous_scores(
    prev: Sequence[ClusterScore] | None, clusters: list[Cluster]
) -> dict[str, float]:
    """Current cluster id → the earlier score of the same cluster.

    Same id first; otherwise the earlier cluster sharing the most disputes,
    if it shares at least half of the union (Jaccard ≥ 0.5) — a cluster that
    gained a case keeps its history.
    """
    if prev is None:
        return {}
    by_id = {c.id: c.score for c in prev}
    owner: dict[str, int] = {}
    for k, old in enumerate(prev):
        for d in old.disputes:
            owner[d] = k
    out: dict[str, float] = {}
    for c in clusters:
        if c.id in by_id:
            out[c.id] = by_id[c.id]
            continue
        counts: dict[int, int] = {}
        for d in c.disputes:
            if d in owner:
                counts[owner[d]] = counts.get(owner[d], 0) + 1
        if not counts:
            continue
        best = min(counts, key=lambda k: (-counts[k], k))
        union = len(set(prev[best].disputes) | set(c.disputes))
        if counts[best] / union >= 0.5:
            out[c.id] = prev[best].score
    return out


def _with_lineage(
    clusters: list[Cluster], base: Sequence[ClusterScore] | None, as_of: date
) -> tuple[list[Cluster], dict[str, Lineage]]:
    """The clusters under their stable ids, and each one's lineage by that id."""
    earlier = [Earlier(c.id, c.disputes, c.since or as_of) for c in base or ()]
    lineage = trace_lineage(earlier, clusters, as_of)
    renamed = [replace(cl, id=lineage[cl.id].id) for cl in clusters]
    return renamed, {lin.id: lin for lin in lineage.values()}


#: a cluster as the kept analysis remembers it: its content cluster (ids from the
#: disputes), the stable id it goes by, its earlier score and its assessment
Scored = tuple[Cluster, str, float | None, ClusterAssessment]


def _score(
    proj: Projection,
    config: RiskConfig,
    content: Sequence[Cluster],
    clusters: Sequence[Cluster],
    prev: dict[str, float],
    chain_flags: dict[str, list[str]],
    handoffs: dict[str, HandoffFacts],
    reuse: Reuse | None,
) -> tuple[list[Scored], list[tuple[Cluster, ClusterAssessment]]]:
    """Every cluster's assessment (taken from ``reuse`` where it may be), and the clusters
    assessed here with their assessments (whose key persons are still to find)."""
    payers: PayerIndex | None = None  # built when a first cluster is assessed here
    scored: list[Scored] = []
    fresh: list[tuple[Cluster, ClusterAssessment]] = []
    for cc, cl in zip(content, clusters, strict=True):
        earlier = prev.get(cl.id)
        a = None if reuse is None else reuse.assessment(cc, cl.id, earlier)
        if a is None:
            a = assess(proj, cl, chain_flags, config, prev, handoffs)
            if payers is None:
                payers = PayerIndex.of(proj)
            a.liable_payers = liable_payers(payers, cl)  # wage clusters with a contractor chain
            fresh.append((cl, a))
        scored.append((cc, cl.id, earlier, a))
    return scored, fresh


class _Walked(NamedTuple):
    """What the chains leave for the rest of an analysis."""

    flags: dict[str, list[str]]
    handoffs: dict[str, HandoffFacts]
    metrics: dict[str, dict[str, float]]
    tally: AgencyTally
    #: every chain with its steps, when asked to keep them (for a :class:`Kept`)
    chains: dict[str, ChainFacts]


def _walk_chains(
    proj: Projection, config: RiskConfig, reuse: Reuse | None, *, keep_all: bool
) -> _Walked:
    """Each chain feeds the agency tallies and leaves its flags (if it has any), hand-off
    facts and warning-rule metrics behind; the steps themselves are not kept (millions at
    a million disputes) unless ``keep_all``. ``reuse``: chains computed before and taken
    over with their facts and metrics, and the tallies they are already counted in."""
    flags: dict[str, list[str]] = {}
    handoffs: dict[str, HandoffFacts] = {}
    metrics: dict[str, dict[str, float]] = {}
    failed = {o.lower() for o in config.chains.failed_outcomes}
    chains: dict[str, ChainFacts] = {}
    known = reuse.chains if reuse is not None else {}
    tally = reuse.tally if reuse is not None else AgencyTally()
    for ch in iter_chains(proj, config.chains, known):
        did = ch.dispute_id
        if keep_all:
            chains[did] = ch
        if ch.flags:
            flags[did] = ch.flags
        if reuse is not None and did in known:
            handoffs[did], metrics[did] = reuse.handoffs[did], reuse.metrics[did]
            continue
        handoffs[did] = handoff_facts(ch.steps, failed)
        d = proj.disputes.get(did)
        metrics[did] = chain_metrics(ch, d is not None and d.open)
        tally.add(ch)
    return _Walked(flags, handoffs, metrics, tally, chains)


@gc_paused()
def analyze_projection(
    proj: Projection,
    config: RiskConfig,
    *,
    previous: Sequence[ClusterScore] | None = None,
    lineage_base: Sequence[ClusterScore] | None = None,
    progress: Progress | None = None,
    timings: dict[str, float] | None = None,
    release_handoffs: bool = False,
    rules: Sequence[Rule] | None = None,
    kept: Kept | None = None,
) -> AnalysisResult:
    """Clusters, risk, chains and agency statistics of a projection;
    ``previous``: the clusters of an earlier analysis (:func:`cluster_scores`), for
    each cluster's change; ``lineage_base`` (default ``previous``): those whose ids
    the clusters keep (:mod:`~disputegraph.analytics.lineage`). The projection is not
    changed, unless ``release_handoffs``: then its hand-offs are let go once the chains
    are done (they are the largest part of it; the risk factors keep what they need).

    ``kept``: what the last analysis in this process left; only what changed since is
    computed again, and this analysis is kept in its place
    (:mod:`~disputegraph.analytics.incremental`; the projection is then kept whole)."""
    say = progress or (lambda _m: None)
    t = timings if timings is not None else {}
    t0 = time.perf_counter()
    settings = config.model_dump_json()
    comps, reuse = kept.reuse(proj, settings) if kept is not None else (None, None)
    t["compare"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    say("chains")
    walked = _walk_chains(proj, config, reuse, keep_all=kept is not None)
    chain_flags, handoffs, per_chain = walked.flags, walked.handoffs, walked.metrics
    per_agency, per_pair = walked.tally.stats(proj.agencies)
    if release_handoffs and kept is None:
        proj.handlings = {}
    t["chains"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    say("clusters")
    c = config.clusters
    content = find_clusters(
        proj,
        size_cap=c.size_cap,
        resolution=c.resolution,
        seed=c.seed,
        hub_degree=c.hub_degree,
        labelled=None if comps is None else (comps.n, comps.labels),
        known_splits=None if reuse is None else reuse.splits,
    )
    clusters, lineage_of = _with_lineage(
        content, previous if lineage_base is None else lineage_base, proj.as_of
    )
    t["clustering"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    say(f"risk: scoring {len(clusters)} clusters")
    prev = _previous_scores(previous, clusters)
    scored, fresh = _score(proj, config, content, clusters, prev, chain_flags, handoffs, reuse)
    for _, _, _, a in scored:
        a.since, a.lineage, came_from = lineage_of[a.id][1:]
        a.came_from = list(came_from)
    assessed = sorted((s[3] for s in scored), key=lambda a: (-a.score, -a.level.rank, a.id))
    t["scoring"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    say("key persons")
    if fresh:  # who ties each cluster together, on its own subgraph
        keyp = KeyPersonIndex.of(proj)
        for cl, a in fresh:
            a.key_persons = key_persons(keyp, proj, cl, config.key_persons)
    t["key_persons"] = time.perf_counter() - t0
    if kept is not None and comps is not None:
        kept.keep(
            proj,
            settings,
            comps,
            walked.chains,
            scored,
            handoffs=handoffs,
            metrics=per_chain,
            tally=walked.tally,
            known={} if reuse is None else reuse.chains,
            computed=len(fresh),
        )
    hub_list = sorted({h for cl in clusters for h in cl.hubs}, key=lambda h: (-h[1], h[0]))
    result = AnalysisResult(
        as_of=proj.as_of,
        window_days=proj.window_days,
        computed_at=datetime.now(UTC),
        clusters=assessed,
        chain_flags=dict(sorted(chain_flags.items())),
        agencies=per_agency,
        handoffs=per_pair,
        hubs=hub_list,
        settings=config.model_dump(mode="json"),
        counts={
            "disputes": len(proj.disputes),
            "nodes": proj.n_nodes,
            "edges": proj.n_edges,
            "clusters": len(assessed),
            "chains": len(handoffs),
        },
        chain_metrics=per_chain,
    )
    t0 = time.perf_counter()
    say("warning rules")
    rules = load_rules() if rules is None else rules
    result.rules = [r.key for r in rules if r.cypher is None]
    result.rules_skipped = [r.key for r in rules if r.cypher is not None]
    result.rule_hits = evaluate_rules(rules, result)
    t["rules"] = time.perf_counter() - t0
    return result


@gc_paused()  # projection, analysis and the result's serialisation: millions of objects
def run_analysis(
    store: GraphStore,
    *,
    as_of: date | None = None,
    window_days: int = 180,
    config: RiskConfig | None = None,
    progress: Progress | None = None,
    timings: dict[str, float] | None = None,
    rules: Sequence[Rule] | None = None,
    kept: Kept | None = None,
) -> AnalysisResult:
    """Compute clusters, risk, chain flags and warning-rule hits for a window and
    persist them.

    ``as_of`` defaults to :func:`default_as_of`; ``config`` to the shipped
    defaults; ``rules`` to the shipped warning rules (every rule is evaluated;
    Cypher rules only when the store can run read-only queries, i.e. Neo4j, else
    they are listed in ``rules_skipped``). The result is stored under
    ``"<as_of>:<window_days>"`` and marked as the latest; each cluster's ``change``
    is measured against the latest earlier analysis with the same window. ``kept``: see
    :func:`analyze_projection` (a process that analyses the same store again and again).
    """
    if window_days < 1:
        raise AnalysisError(f"window_days must be at least 1, got {window_days}")
    config = config or load_risk_config()
    say = progress or (lambda _m: None)
    t = timings if timings is not None else {}
    if as_of is None:
        as_of = default_as_of(store)
    t0 = time.perf_counter()
    proj = project_with(store, as_of, window_days, config, say)
    t["projection"] = time.perf_counter() - t0
    result = analyze_projection(
        proj,
        config,
        previous=_previous(store, as_of, window_days),
        lineage_base=_previous(store, as_of, window_days, same_day=True),
        progress=say,
        timings=t,
        release_handoffs=True,
        rules=rules,
        kept=kept,
    )
    t0 = time.perf_counter()
    read = getattr(store, "read_query", None)  # Neo4j only: the memory store runs no Cypher
    if read is not None and result.rules_skipped:
        cypher = [r for r in (rules or ()) if r.cypher is not None]
        result.rule_hits = sort_hits(
            [*result.rule_hits, *evaluate_cypher_rules(cypher, read, result)]
        )
        result.rules.extend(result.rules_skipped)
        result.rules_skipped = []
    t["cypher_rules"] = time.perf_counter() - t0
    del proj  # a million-dispute projection is a gigabyte: gone before the result is written
    # (unless it is kept for the next analysis)
    t0 = time.perf_counter()
    scores = [[c.id, c.score, c.disputes, str(c.since)] for c in cluster_scores(result)]
    save_analysis(store, result, beside={SCORES_KIND: {"clusters": scores}})
    store.flush()
    t["persist"] = time.perf_counter() - t0
    return result


def chain(
    store: GraphStore,
    dispute_id: str,
    *,
    as_of: date | None = None,
    config: RiskConfig | None = None,
) -> Chain:
    """The responsibility chain of one dispute, computed on demand from its relationships.

    ``as_of`` defaults to the date of the latest stored analysis, else to
    :func:`default_as_of`, so that open steps are measured against the same
    "today" as the rest of the analysis.
    """

    node = store.get(dispute_id)
    if node is None or node.label is not NodeLabel.DISPUTE:
        raise AnalysisError(f"unknown dispute {dispute_id!r}: no dispute with this id in the store")
    config = config or load_risk_config()
    if as_of is None:
        latest = store.get_document(LATEST_KIND, "latest")
        as_of = (
            date.fromisoformat(str(latest["key"]).partition(":")[0])
            if latest
            else default_as_of(store)
        )
    edges = store.edges_of(dispute_id, [RelType.HANDLED_BY, RelType.RELATED_TO, RelType.ABOUT])
    handled = [e for e in edges if e.type is RelType.HANDLED_BY]
    info = dispute_from_values(
        dispute_id,
        as_of,
        *(node.props.get(k) for k in DISPUTE_KEYS),
        steps=[step_time(*(e.props.get(k) for k in HANDLING_KEYS[:3])) for e in handled],
    )
    steps = [handling_from_edge(e.source, e.target, e.props) for e in handled]
    links = [
        (e.target if e.source == dispute_id else e.source, str(e.props.get("reason", "")))
        for e in edges
        if e.type is RelType.RELATED_TO
    ]
    report_ids = [e.source for e in edges if e.type is RelType.ABOUT]
    reports = []
    for r in store.get_many(report_ids):
        received = as_datetime(r.props.get("received_at"))
        if received is not None:
            reports.append(
                ReportInfo(
                    r.id,
                    dispute_id,
                    str(r.props.get("channel", "other")),
                    received,
                    r.props.get("reporter_id"),
                )
            )
    agencies = {
        a.id: agency_from_node(a.id, a.props) for a in store.get_many({s.agency_id for s in steps})
    }
    facts = chain_facts(
        dispute_id,
        steps,
        agencies,
        config.chains,
        as_of=as_of,
        dispute=info,
        reports=reports,
        links=links,
    )
    return as_chain(facts, as_of)
