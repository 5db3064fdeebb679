"""Named Cypher queries: the ``*.cypher`` files, their catalogue and a read-only runner.

For notebooks::

    from disputegraph.queries import run, catalogue
    run("linked_disputes", entity_id="D-0001", hops=2)    # a pandas DataFrame

Every statement the Neo4j store runs lives here too (names starting with
``store_``); only ``mode: read`` queries can be run by :func:`run`.
"""

from disputegraph.queries.catalog import NamedQuery, Param, catalogue, get
from disputegraph.queries.runner import check_read_only, run, run_on, run_rows

__all__ = [
    "NamedQuery",
    "Param",
    "catalogue",
    "check_read_only",
    "get",
    "run",
    "run_on",
    "run_rows",
]
