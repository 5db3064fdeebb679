"""Loading bundles: readers, validation, PII protection and the batch writer.

The stable API::

    report = validate_bundle(Path("bundle"), settings, store)
    result = load_bundle(Path("bundle"), store, settings, strict=False)
    digest = hash_lookup(settings, "138 1234 5678")  # for store.find_by_hash
"""

from disputegraph.ingest.load import (
    LoadResult,
    StrictLoadError,
    TableLoad,
    load_bundle,
    validate_bundle,
)
from disputegraph.ingest.validate import Issue, Location, TableCounts, ValidationReport
from disputegraph.pii import hash_lookup, mask_id_number, mask_phone, protector

__all__ = [
    "Issue",
    "LoadResult",
    "Location",
    "StrictLoadError",
    "TableCounts",
    "TableLoad",
    "ValidationReport",
    "hash_lookup",
    "load_bundle",
    "mask_id_number",
    "mask_phone",
    "protector",
    "validate_bundle",
]
