"""Names in dispute texts linked to the organisations and places they name.

Many sources (12345 tickets, petitions, message boards) name the employer, the
compound, the building or the village only in the title, the description and
the address. :func:`link_mentions` reads those fields of the disputes loaded
with ``extract`` (their nodes carry ``extract_fields``), finds the names with
:func:`disputegraph.ingest.extract.extract` and a gazetteer of the store's own
Employer, Property and Agency names, and links each to a node:

* an **existing** Employer or Property: a known name found as it is
  (``known_name``), the same normalised organisation name (``org_name``:
  鑫达劳务 ↔ 鑫达劳务有限公司), an abbreviation (``org_abbrev``: 力诚劳务 ↔
  杭州力诚建筑劳务分包有限公司, the brand and the rest of the name in order),
  the same place name (``place_name``, in the dispute's district first);
* else a **new mentioned entity** (``new``): an Employer or Property node with
  ``mentioned: true`` whose id derives from its kind, its name and — for places
  — the dispute's district, so every dispute naming 在水一方大厦 in one district
  reaches the same node.

Each link is ``(dispute)-[:MENTIONS {kind, text, name, field, start, end,
sentence, found_by, rule, confidence, decision, evidence, active}]->(node)``.
``decision`` is ``auto`` at or above :data:`AUTO_THRESHOLD`, ``review`` below
(an officer decides: :func:`decide_mention`), then ``accepted`` or
``rejected`` (a rejected link to a known node falls back to a new entity). The
projection and tracing use active ``auto``/``accepted`` links only. A re-run
retires (``active: false``) the links it no longer makes. Administrative
divisions are found (they bound the names) but link nothing: a township joins
every dispute in it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from disputegraph.exceptions import LoadError
from disputegraph.ingest.extract import EXTRACT_COLUMNS, extract
from disputegraph.resolution.apply import decide, load_decisions
from disputegraph.resolution.mention_links import AUTO_THRESHOLD, Decision, Link
from disputegraph.resolution.mention_match import _link, _new, build_gazetteer
from disputegraph.schemas import (
    EmployerKind,
    GraphEdge,
    GraphNode,
    MentionKind,
    NodeLabel,
    PropertyKind,
    RelType,
)
from disputegraph.store.protocol import GraphStore
from disputegraph.text import normalise_name

__all__ = [
    "MENTION_DECISIONS_KIND",
    "MENTION_RESULT_KIND",
    "decide_mention",
    "extract_texts",
    "link_mentions",
    "mention_review",
]

MENTION_RESULT_KIND = "mentions"
MENTION_DECISIONS_KIND = "mention_decisions"


_EMPLOYER_KINDS = (
    ("班组", EmployerKind.LABOUR_TEAM),
    ("合作社", EmployerKind.COOPERATIVE),
    ("物业", EmployerKind.PROPERTY_MANAGER),
    ("置业", EmployerKind.DEVELOPER),
    ("地产", EmployerKind.DEVELOPER),
    ("分包", EmployerKind.SUBCONTRACTOR),
)


# ---------------------------------------------------------------------------
# the run


def _employer_kind(name: str) -> EmployerKind:
    for word, kind in _EMPLOYER_KINDS:
        if word in name:
            return kind
    return EmployerKind.COMPANY


def _new_node(link: Link, district: str | None) -> GraphNode:
    m = link.mention
    props: dict[str, Any] = {
        "name": m.name,
        "name_norm": normalise_name(m.name),
        "mentioned": True,
    }
    if m.kind is MentionKind.ORGANIZATION:
        props["kind"] = _employer_kind(m.name).value
        return GraphNode(NodeLabel.EMPLOYER, link.target, props)
    kind = m.kind.property_kind
    props["kind"] = kind.value if kind is not None else PropertyKind.COMMERCIAL.value
    if district:
        props["district"] = district
    return GraphNode(NodeLabel.PROPERTY, link.target, props)


def _edge(link: Link) -> GraphEdge:
    m = link.mention
    return GraphEdge(
        RelType.MENTIONS,
        link.dispute,
        link.target,
        f"{m.field}:{m.start}:{m.end}",
        {
            "kind": m.kind.value,
            "text": m.text,
            "name": m.name,
            "field": m.field,
            "start": m.start,
            "end": m.end,
            "sentence": m.sentence,
            "found_by": m.rule,
            "rule": link.rule,
            "confidence": link.confidence,
            "decision": link.decision,
            "evidence": list(link.evidence),
            "candidate": link.id,
            "active": True,
        },
    )


def _disputes(store: GraphStore, ids: Sequence[str] | None) -> list[GraphNode]:
    if ids is not None:
        return [n for n in store.get_many(ids) if n.props.get("extract_fields")]
    out: list[GraphNode] = []
    for batch in store.iter_nodes(NodeLabel.DISPUTE):
        out.extend(n for n in batch if n.props.get("extract_fields"))
    return out


def extract_texts(node: GraphNode) -> dict[str, str]:
    """Field -> text of a dispute loaded with ``extract``: its text columns, and the
    source headers' text kept in ``extract_texts`` (in the order of ``extract_fields``)."""
    fields = [str(f) for f in node.props.get("extract_fields") or []]
    extra = iter(node.props.get("extract_texts") or [])
    out: dict[str, str] = {}
    for f in fields:
        text = node.props.get(f) if f in EXTRACT_COLUMNS else next(extra, None)
        if isinstance(text, str) and text:
            out[f] = text
    return out


def _review_doc(link: Link, names: Mapping[str, str]) -> dict[str, Any]:
    m = link.mention
    return {
        "id": link.id,
        "dispute": link.dispute,
        "target": link.target,
        "target_name": names.get(link.target, m.name),
        "kind": m.kind.value,
        "text": m.text,
        "field": m.field,
        "sentence": m.sentence,
        "rule": link.rule,
        "confidence": link.confidence,
        "evidence": list(link.evidence),
    }


def _new_entities(
    links: Sequence[Link], district_of: Mapping[str, str | None]
) -> dict[str, GraphNode]:
    """The new mentioned entities the links point at, confirmed when a link is used."""
    new_nodes: dict[str, GraphNode] = {}
    # a new entity is named by its strongest, then longest mention (鑫达劳务有限公司)
    ranked = sorted(
        (lk for lk in links if lk.rule == "new" and lk.decision != "rejected"),
        key=lambda lk: (-lk.mention.confidence, -len(lk.mention.name), lk.dispute),
    )
    for lk in ranked:
        if lk.target not in new_nodes:
            new_nodes[lk.target] = _new_node(lk, district_of.get(lk.dispute))
        if lk.decision in ("auto", "accepted"):
            new_nodes[lk.target].props["confirmed"] = True
    return new_nodes


def _retired(
    store: GraphStore, processed: set[str], made: set[tuple[str, str, str, str]]
) -> list[GraphEdge]:
    """The active MENTIONS of the processed disputes this run did not make again, retired."""
    retired = []
    for batch in store.iter_edges(RelType.MENTIONS):
        for e in batch:
            if e.source in processed and e.ident not in made and e.props.get("active", True):
                retired.append(
                    GraphEdge(e.type, e.source, e.target, e.key, {**e.props, "active": False})
                )
    return retired


def link_mentions(
    store: GraphStore,
    dispute_ids: Sequence[str] | None = None,
    *,
    journal: Path | None = None,
    batch_size: int = 10_000,
) -> dict[str, int]:
    """Find and link the names in the texts of some disputes (all with
    ``extract_fields`` when ``dispute_ids`` is ``None``); see the module doc.

    Officers' decisions (documents of kind :data:`MENTION_DECISIONS_KIND`, and
    the ``journal``) are applied. Returns counts: ``disputes``, ``mentions``,
    ``linked_known``, ``linked_new``, ``review``, ``retired``; the review queue
    is the document ``(MENTION_RESULT_KIND, "latest")``.
    """
    gazetteer, known = build_gazetteer(store)
    docs = load_decisions(store, journal, kind=MENTION_DECISIONS_KIND)
    verdicts = {k: str(d.get("decision")) for k, d in docs.items()}
    disputes = _disputes(store, dispute_ids)
    links: list[Link] = []
    counts = {"disputes": len(disputes), "mentions": 0}
    district_of: dict[str, str | None] = {}
    for node in disputes:
        texts = extract_texts(node)
        district = node.props.get("district")
        district_of[node.id] = district
        for m in extract(texts, gazetteer):
            if m.kind is MentionKind.DIVISION:
                continue
            counts["mentions"] += 1
            link = _link(m, node.id, district, known)
            if link is None:
                continue
            verdict = verdicts.get(link.id)
            if verdict == "accept":
                link = _with(link, "accepted")
            elif verdict == "reject":
                links.append(_with(link, "rejected"))
                link = _new(m, node.id, district) if link.rule != "new" else None
                if link is None or verdicts.get(link.id) == "reject":
                    continue
                if verdicts.get(link.id) == "accept":
                    link = _with(link, "accepted")
            links.append(link)
    links = _confirm(store, links)
    new_nodes = _new_entities(links, district_of)
    edges = [_edge(lk) for lk in links]
    processed = {n.id for n in disputes}
    retired = _retired(store, processed, {e.ident for e in edges})
    nodes = list(new_nodes.values())
    for start in range(0, len(nodes), batch_size):
        store.upsert_nodes(nodes[start : start + batch_size])
    everything = edges + retired
    for start in range(0, len(everything), batch_size):
        store.upsert_edges(everything[start : start + batch_size])
    # the review queue: this run's open candidates and the earlier ones of other disputes
    names = dict(known.names)
    names.update({i: str(n.props["name"]) for i, n in new_nodes.items()})
    earlier = store.get_document(MENTION_RESULT_KIND, "latest") or {}
    review = [r for r in earlier.get("review", []) if r.get("dispute") not in processed]
    review += [_review_doc(lk, names) for lk in links if lk.decision == "review"]
    review.sort(key=lambda r: (-float(r["confidence"]), r["id"]))
    pairs = {k: v for k, v in earlier.get("pairs", {}).items() if v[0] not in processed}
    pairs.update({lk.id: [lk.dispute, lk.target] for lk in links})
    counts.update(
        linked_known=sum(1 for lk in links if lk.rule != "new" and lk.decision != "rejected"),
        linked_new=sum(1 for lk in links if lk.rule == "new" and lk.decision != "rejected"),
        review=sum(1 for lk in links if lk.decision == "review"),
        new_entities=len(new_nodes),
        retired=len(retired),
    )
    store.put_document(
        MENTION_RESULT_KIND,
        "latest",
        {
            "ran_at": datetime.now(UTC).isoformat(),
            "stats": counts,
            "review": review,
            "pairs": pairs,
        },
    )
    store.flush()
    return counts


def _confirm(store: GraphStore, links: list[Link]) -> list[Link]:
    """A new entity named weakly (鑫达劳务) is confirmed when another dispute names it
    strongly (鑫达劳务有限公司), in this run or before (its node is ``confirmed``)."""
    strong = {
        lk.target: lk.dispute
        for lk in links
        if lk.rule == "new" and lk.decision in ("auto", "accepted")
    }
    weak = {lk.target for lk in links if lk.rule == "new" and lk.decision == "review"}
    before = {n.id for n in store.get_many(sorted(weak - set(strong))) if n.props.get("confirmed")}
    out = []
    for lk in links:
        if (
            lk.rule == "new"
            and lk.decision == "review"
            and (lk.target in strong or lk.target in before)
        ):
            where = strong.get(lk.target)
            said = f"named in full in dispute {where}" if where else "named in full before"
            lk = Link(
                lk.dispute,
                lk.mention,
                lk.target,
                "new",
                AUTO_THRESHOLD,
                "auto",
                (*lk.evidence, said),
            )
        out.append(lk)
    return out


def _with(link: Link, decision: Decision) -> Link:
    return Link(
        link.dispute, link.mention, link.target, link.rule, link.confidence, decision, link.evidence
    )


def mention_review(store: GraphStore) -> list[dict[str, Any]]:
    """The open mention candidates, best first, minus those decided since."""
    result = store.get_document(MENTION_RESULT_KIND, "latest")
    if result is None:
        raise LoadError(
            "no mentions have been linked yet: load a bundle whose mapping has `extract`, "
            "or run `disputegraph resolve mentions`"
        )
    decided = set(store.list_documents(MENTION_DECISIONS_KIND))
    return [c for c in result.get("review", []) if c["id"] not in decided]


def decide_mention(
    store: GraphStore,
    candidate: str,
    verdict: Literal["accept", "reject"],
    *,
    journal: Path | None = None,
    by: str | None = None,
    note: str | None = None,
) -> dict[str, Any]:
    """Record an officer's decision on a mention candidate (``MV-…``); run
    :func:`link_mentions` afterwards to apply it."""
    if store.get_document(MENTION_RESULT_KIND, "latest") is None:
        mention_review(store)  # raises with the way out
    return decide(
        store,
        candidate,
        verdict,
        journal=journal,
        by=by,
        note=note,
        result_kind=MENTION_RESULT_KIND,
        decisions_kind=MENTION_DECISIONS_KIND,
    )
