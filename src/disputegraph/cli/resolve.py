"""The ``resolve`` commands: entity resolution and its review queue."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import typer

from disputegraph.cli.bundle import MENTION_JOURNAL
from disputegraph.cli.common import (
    FORMAT_OPTION,
    Format,
    command_group,
    emit_json,
    emit_rows,
    err,
    handle_errors,
    settings,
    store_session,
)
from disputegraph.config import Settings

resolve_app = command_group(
    "resolve",
    help="Entity resolution: link the same person or organisation across source systems.\n\n"
    "`resolve run` links records by their evidence (same id-number hash, same credit code, "
    "same phone hash and a similar name, normalised organisation name, the same name in the "
    "same matter); exact matches merge, weaker ones wait in `resolve review` for an officer "
    "to `accept` or `reject`. Decisions are kept in the store and in "
    "<workspace>/resolution-decisions.jsonl, so they survive `load --reset`.",
)


def _journal(cfg: Settings) -> Path:
    return cfg.workspace / "resolution-decisions.jsonl"


def _resolve_summary(res: Any, fmt: Format) -> None:
    rows = [
        {"rule": rule, **{d: per.get(d, 0) for d in ("auto", "accepted", "review", "rejected")}}
        for rule, per in sorted(res.rule_counts().items())
    ]
    payload = {
        "stats": res.stats,
        "rules": res.rule_counts(),
        "entities": len(res.entities),
        "review": len(res.review),
    }
    emit_rows(
        rows,
        fmt,
        title=f"{len(res.entities):,} entities from {res.stats.get('merged_records', 0):,} "
        f"records; {len(res.review):,} candidates to review",
        payload=payload,
    )


@resolve_app.command("run")
@handle_errors
def resolve_run_command(fmt: Format = FORMAT_OPTION) -> None:
    """Resolve every person and organisation record in the store and write the result.

    Writes one canonical entity per group of records with SAME_AS relationships
    from each record, each with its rule, confidence and evidence; analytics and
    tracing then use the canonical entities. Officers' decisions are applied.

    JSON output: {"stats": {...}, "rules": {rule: {decision: n}}, "entities": n, "review": n}.

    Example: disputegraph resolve run --format json
    """
    from disputegraph.resolution import run_resolution

    cfg = settings()
    with store_session(cfg, writer=True) as store:
        res = run_resolution(store, journal=_journal(cfg))
    _resolve_summary(res, fmt)


_LIMIT = typer.Option(50, "--limit", "-n", min=1, help="Show at most this many.")


@resolve_app.command("review")
@handle_errors
def resolve_review_command(limit: int = _LIMIT, fmt: Format = FORMAT_OPTION) -> None:
    """List the open candidates of the latest run, strongest first.

    Each line is a pair of records with the rule, confidence and evidence;
    decide with `resolve accept ID` or `resolve reject ID`.

    Example: disputegraph resolve review --limit 20
    """
    from disputegraph.resolution import review_queue

    with store_session() as store:
        queue = review_queue(store)
    rows = [
        {
            "id": c["id"],
            "a": c["a"],
            "a_name": c["a_name"],
            "b": c["b"],
            "b_name": c["b_name"],
            "rule": c["rule"],
            "confidence": c["confidence"],
            "evidence": c["evidence"],
        }
        for c in queue[:limit]
    ]
    emit_rows(
        rows,
        fmt,
        title=f"{len(queue):,} candidates to review (showing {len(rows)})",
        payload={"total": len(queue), "candidates": queue[:limit]},
    )


def _decide(candidate: str, verdict: str, note: str | None, apply: bool, fmt: Format) -> None:
    """Record a verdict on a match candidate (or, for ``MV-…``, a mention candidate), then
    with ``apply`` run the resolution (or link the mentions) again."""
    from disputegraph.resolution import decide, run_resolution
    from disputegraph.resolution.mentions import decide_mention, link_mentions

    mention = candidate.startswith("MV-")
    choice: Literal["accept", "reject"] = "accept" if verdict == "accept" else "reject"
    cfg = settings()
    journal = _mention_journal(cfg) if mention else _journal(cfg)
    res: Any = None
    with store_session(cfg, writer=True) as store:
        if mention:
            doc = decide_mention(store, candidate, choice, journal=journal, note=note)
            res = link_mentions(store, journal=journal) if apply else None
        else:
            doc = decide(store, candidate, choice, journal=journal, note=note)
            res = run_resolution(store, journal=journal) if apply else None
    if fmt is Format.json:
        emit_json({"decision": doc, "applied": apply, **({"mentions": res} if mention else {})})
        return
    arrow = "→" if mention else "↔"
    err.print(f"{verdict}ed {candidate} ({doc['a']} {arrow} {doc['b']})", highlight=False)
    if apply and not mention:
        _resolve_summary(res, fmt)


def _mention_journal(cfg: Settings) -> Path:
    return cfg.workspace / MENTION_JOURNAL


@resolve_app.command("mentions")
@handle_errors
def resolve_mentions_command(fmt: Format = FORMAT_OPTION) -> None:
    """Find and link again the names in the text of every dispute loaded with `extract`.

    Each organisation, compound, building, village or project named in a title,
    description or address is linked (MENTIONS) to a known employer or property,
    or to a new mentioned entity; uncertain links wait in `resolve mention-review`.
    Officers' decisions are applied; links no longer made are retired.

    JSON output: {"disputes": n, "mentions": n, "linked_known": n, "linked_new": n,
    "review": n, "new_entities": n, "retired": n}.

    Example: disputegraph resolve mentions --format json
    """
    from disputegraph.resolution.mentions import link_mentions

    cfg = settings()
    with store_session(cfg, writer=True) as store:
        counts = link_mentions(store, journal=_mention_journal(cfg))
    rows = [{"count": k, "n": v} for k, v in counts.items()]
    emit_rows(rows, fmt, title="names in dispute texts", payload=counts)


@resolve_app.command("mention-review")
@handle_errors
def resolve_mention_review_command(limit: int = _LIMIT, fmt: Format = FORMAT_OPTION) -> None:
    """List the uncertain text mentions, strongest first.

    Each line is a name found in a dispute's text and the entity it may be;
    decide with `resolve accept MV-…` or `resolve reject MV-…` (a rejected link
    to a known entity becomes a new mentioned entity).

    Example: disputegraph resolve mention-review --limit 20
    """
    from disputegraph.resolution.mentions import mention_review

    with store_session() as store:
        queue = mention_review(store)
    keys = ("id", "dispute", "text", "kind", "target", "target_name", "rule", "confidence")
    rows = [{k: c.get(k) for k in (*keys, "evidence")} for c in queue[:limit]]
    emit_rows(
        rows,
        fmt,
        title=f"{len(queue):,} mentions to review (showing {len(rows)})",
        payload={"total": len(queue), "candidates": queue[:limit]},
    )


_CANDIDATE = typer.Argument(
    ..., help="Candidate id (RV-… from `resolve review`, MV-… from `resolve mention-review`)."
)
_NOTE = typer.Option(None, "--note", help="Why (kept with the decision).")
_APPLY = typer.Option(True, "--apply/--no-apply", help="Re-run resolution now.")


@resolve_app.command("accept")
@handle_errors
def resolve_accept_command(
    candidate: str = _CANDIDATE,
    note: str | None = _NOTE,
    apply: bool = _APPLY,
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Accept a candidate: its two records are one entity (kept across reloads).

    Example: disputegraph resolve accept RV-0123456789ab --note "same person, checked by phone"
    """
    _decide(candidate, "accept", note, apply, fmt)


@resolve_app.command("reject")
@handle_errors
def resolve_reject_command(
    candidate: str = _CANDIDATE,
    note: str | None = _NOTE,
    apply: bool = _APPLY,
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Reject a candidate: its two records are different (no other link may join them).

    Also undoes an automatic merge when given the id of an automatic link.

    Example: disputegraph resolve reject RV-0123456789ab
    """
    _decide(candidate, "reject", note, apply, fmt)


_ENTITY = typer.Argument(..., help="A canonical id (CE-…) or any record id.")


@resolve_app.command("show")
@handle_errors
def resolve_show_command(entity: str = _ENTITY, fmt: Format = FORMAT_OPTION) -> None:
    """Which source records stand behind an entity, and why they were merged.

    JSON output: {"entity", "name", "members": [{"id", "label", "name", "rule",
    "rule_meaning", "confidence", "decision", "evidence", "matched"}]}.

    Example: disputegraph resolve show P-001
    """
    from disputegraph.resolution import explain

    with store_session() as store:
        found = explain(store, entity)
    rows = [
        {k: m[k] for k in ("id", "label", "name", "rule", "confidence", "decision", "evidence")}
        for m in found["members"]
    ]
    emit_rows(rows, fmt, title=f"{found['entity']} {found['name'] or ''}", payload=found)


_SPLIT_BUNDLE = typer.Argument(..., help="A plain CSV bundle (e.g. from `generate`).")
_SPLIT_OUT = typer.Argument(..., help="Folder for the registry and the source exports.")


@resolve_app.command("split")
@handle_errors
def resolve_split_command(
    bundle: Path = _SPLIT_BUNDLE,
    out_dir: Path = _SPLIT_OUT,
    sources: int = typer.Option(3, "--sources", min=1, max=4, help="Source systems (1–4)."),
    seed: int = typer.Option(7, "--seed", "-s", help="Random seed."),
) -> None:
    """Split a bundle into source-system exports with their own ids, headers and spellings.

    Writes OUT/0-registry (plain bundle) and OUT/<n>-<source>/ with a mapping.toml
    each, and OUT/_planted.json with the true identities. Load them in order:
    `load OUT/0-registry`, then `load OUT/1-hotline --mapping OUT/1-hotline/mapping.toml` …

    Example: disputegraph resolve split city city-sources --sources 3
    """
    from disputegraph.synthetic.multisource import split_sources

    truth = split_sources(bundle, out_dir, sources=sources, seed=seed)
    rows = [
        {"order": i, "folder": e["folder"], "source": e["source"], "mapping": e["mapping"] or ""}
        for i, e in enumerate(truth["load_order"])
    ]
    emit_rows(
        rows,
        Format.table,
        title=f"{truth['records']:,} records, {len(truth['identities']):,} true entities "
        "with several records (see _planted.json)",
    )


@resolve_app.command("trace")
@handle_errors
def resolve_trace_command(
    entity: str = _ENTITY,
    hops: int = typer.Option(2, "--hops", "-k", min=1, max=8, help="Hops from each record."),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Trace a resolved person or organisation across all its source records.

    Lists the disputes linked to any record of the entity (fewest hops first,
    with the record it was reached from) and, first, the records behind the
    entity with the evidence that merged them.

    JSON output: {"source", "entity", "name", "members": [...], "linked":
    [{"dispute_id", "hops", "path", "reason_zh", "reason_en", "title", "status",
    "via"}], "capped": [ids]}.

    Example: disputegraph resolve trace HL-P-GD20260112001 --hops 1
    """
    from disputegraph.views.resolution import trace_resolved

    with store_session() as store:
        found = trace_resolved(store, entity, hops)
    if fmt is Format.json:
        emit_json(found)
        return
    members = [
        {k: m[k] for k in ("id", "name", "rule", "confidence", "evidence")}
        for m in found["members"]
    ]
    if members:
        emit_rows(members, fmt, title=f"{found['entity']} {found['name'] or ''}: source records")
    rows = [
        {k: d[k] for k in ("dispute_id", "hops", "via", "title", "reason_en")}
        for d in found["linked"]
    ]
    emit_rows(rows, fmt, title=f"{len(rows)} linked disputes")
