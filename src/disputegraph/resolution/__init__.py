"""Entity resolution: the same person or organisation across source systems.

The stable API::

    resolution = run_resolution(store, journal=workspace / "resolution-decisions.jsonl")
    canonical_map(store)             # {record id: canonical id}, from any store
    review_queue(store)              # open candidates of the latest run
    decide(store, "RV-…", "accept")  # then run_resolution again
    explain(store, "P-001")          # the records behind an entity and why

The rules and the pure pipeline are in :mod:`~disputegraph.resolution.engine`;
name folding in :mod:`~disputegraph.resolution.text`.
"""

from disputegraph.resolution.apply import (
    DECISIONS_KIND,
    RESULT_KIND,
    canonical_map,
    decide,
    explain,
    load_decisions,
    record_from_node,
    record_sources,
    records_from_store,
    review_queue,
    run_resolution,
    write_resolution,
)
from disputegraph.resolution.engine import (
    RULES,
    Entity,
    Link,
    Record,
    Resolution,
    ResolveConfig,
    candidate_id,
    canonical_id,
    matter_contexts,
    resolve,
)

__all__ = [
    "DECISIONS_KIND",
    "RESULT_KIND",
    "RULES",
    "Entity",
    "Link",
    "Record",
    "Resolution",
    "ResolveConfig",
    "candidate_id",
    "canonical_id",
    "canonical_map",
    "decide",
    "explain",
    "load_decisions",
    "matter_contexts",
    "record_from_node",
    "record_sources",
    "records_from_store",
    "resolve",
    "review_queue",
    "run_resolution",
    "write_resolution",
]
