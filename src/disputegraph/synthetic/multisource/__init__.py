"""A multi-source city: one synthetic bundle split across source systems.

:func:`split_sources` takes a plain bundle (the synthetic city) and writes what
a city really receives: each source system (a 12345 hotline, a grid platform,
a petition system, a court-mediation system) exports the disputes of its own
channels with **its own record ids** for every person and organisation, its
own file names, header style, labels and date format, and its own habits —
the hotline rarely has id numbers and its operators type names by ear
(homophones), some systems write traditional characters or full-width spaces,
companies lose or change their legal form. Each source folder carries the
mapping (``mapping.toml``) that reads it back. A registry folder holds what
the city shares (agencies, properties, the employer register with credit
codes, contracts) and the disputes of channels no source claims, in the plain
bundle format.

``_planted.json`` records the truth: for every true person or organisation
the records that stand for it (``identities``), the load order, and one extra
planted pattern, ``cross_source_wage_cluster``: a wage-arrears group whose
disputes each sit in a different source and share people *only* across
sources, so that it is a group dispute after resolution and invisible before.

Layout::

    OUT/0-registry/…            plain bundle (load first)
    OUT/1-hotline/纠纷.csv …     + mapping.toml
    OUT/2-grid/DISPUTES.csv …   + mapping.toml
    OUT/_planted.json

Modules: :mod:`.exports` (how each source exports, its mapping), :mod:`.variants`
(how it garbles names and phones; the records one source holds), :mod:`.split` (the split).
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from pathlib import Path

from disputegraph.config import Settings
from disputegraph.exceptions import LoadError
from disputegraph.ingest.load import LoadResult, load_bundle
from disputegraph.ingest.mapping import convert, load_mapping
from disputegraph.store.protocol import GraphStore
from disputegraph.synthetic.multisource.exports import PROFILES, SourceProfile
from disputegraph.synthetic.multisource.split import split_sources

__all__ = ["PROFILES", "SourceProfile", "iter_identity_pairs", "load_split", "split_sources"]


def iter_identity_pairs(identities: dict[str, list[str]]) -> Iterator[tuple[str, str]]:
    """Every pair of records that stand for the same true entity."""
    for recs in identities.values():
        for i, a in enumerate(recs):
            for b in recs[i + 1 :]:
                yield (a, b) if a < b else (b, a)


def load_split(out: Path, store: GraphStore, settings: Settings) -> list[LoadResult]:
    """Load a split city into a store in its load order (registry, then each source).

    Each source is read through its mapping into a plain bundle first; a source
    with any mapping problem raises :class:`~disputegraph.exceptions.LoadError`
    naming it, before that source is written.
    """
    truth = json.loads((out / "_planted.json").read_text(encoding="utf-8"))
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for entry in truth["load_order"]:
            folder = out / entry["folder"]
            if entry.get("mapping"):
                mapping = load_mapping(folder / entry["mapping"])
                plain = Path(tmp) / entry["folder"]
                issues = convert(folder, mapping, plain)
                errors = [i for i in issues if i.severity == "error"]
                if errors:
                    raise LoadError(
                        f"{entry['folder']}: {len(errors)} mapping errors; first: {errors[0]}"
                    )
                folder = plain
            results.append(load_bundle(folder, store, settings))
    return results
