"""Run named read-only queries and get pandas DataFrames (for notebooks and the CLI).

>>> from disputegraph.queries import run                      # doctest: +SKIP
>>> run("party_disputes", party_id="P-0001")                  # doctest: +SKIP
   dispute_id  title  role  category  status  reported_at

Only queries whose header says ``mode: read`` run here, inside a read
transaction (a cluster serves them from secondaries), and only after their text
passed :func:`check_read_only`: a tokenizer that skips string literals, quoted
names and comments and rejects every write or admin clause. Parameters are
checked against the header: unknown or missing ones raise
:class:`~disputegraph.exceptions.QueryError` naming them, and values given as
text (``--param k=v``) are converted to the declared types.
"""

from __future__ import annotations

import getpass
import re
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from disputegraph.exceptions import QueryError, StoreError
from disputegraph.queries.catalog import NamedQuery, coerce, get

if TYPE_CHECKING:
    import neo4j
    import pandas as pd

    from disputegraph.store.neo4j import Neo4jStore

__all__ = [
    "ALLOWED_PROCEDURES",
    "FORBIDDEN_CLAUSES",
    "bind",
    "check_read_only",
    "run",
    "run_on",
    "run_rows",
    "tokens",
]

#: Clauses (and admin commands) a read-only query may not contain.
FORBIDDEN_CLAUSES = frozenset(
    {
        "CREATE",
        "MERGE",
        "DELETE",
        "DETACH",
        "SET",
        "REMOVE",
        "DROP",
        "FOREACH",
        "LOAD",
        "ALTER",
        "RENAME",
        "GRANT",
        "DENY",
        "REVOKE",
        "START",
        "STOP",
        "TERMINATE",
        "ENABLE",
        "DEALLOCATE",
        "REALLOCATE",
        "USE",
        "SHOW",
        "FINISH",
    }
)
#: Procedures a read-only query may CALL (none yet: every db.*/dbms.* and
#: plugin procedure is refused; subqueries ``CALL { … }`` / ``CALL (x) { … }`` are fine).
ALLOWED_PROCEDURES: frozenset[str] = frozenset()

_TOKEN_RE = re.compile(
    r"""
      (?P<ws>\s+)
    | (?P<line_comment>//[^\n]*)
    | (?P<block_comment>/\*.*?\*/)
    | (?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
    | (?P<quoted>`(?:[^`]|``)*`)
    | (?P<param>\$[A-Za-z_][A-Za-z0-9_]*)
    | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
    | (?P<number>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
    | (?P<punct>.)
    """,
    re.VERBOSE | re.DOTALL,
)


def tokens(cypher: str) -> Iterator[tuple[str, str]]:
    """(kind, text) of each token, comments and whitespace dropped.

    Kinds: ``word``, ``string``, ``quoted`` (a back-quoted name), ``param``,
    ``number``, ``punct``. An unterminated string or comment raises QueryError.
    """
    pos = 0
    while pos < len(cypher):
        m = _TOKEN_RE.match(cypher, pos)
        if m is None:  # pragma: no cover - the punct branch matches any character
            raise QueryError(f"cannot read the query text at offset {pos}")
        kind = m.lastgroup or "punct"
        text = m.group()
        if kind == "punct" and (text in "'\"`" or cypher.startswith("/*", pos)):
            raise QueryError(f"unterminated string, name or comment at offset {pos}")
        pos = m.end()
        if kind in ("ws", "line_comment", "block_comment"):
            continue
        yield kind, text


def check_read_only(cypher: str, name: str = "query") -> None:
    """Raise :class:`QueryError` if the text holds any write or admin clause.

    String literals, back-quoted names and comments are ignored, and so are
    words used as property keys (``n.set``), labels (``:Set``) or map keys
    (``{set: 1}``); ``CALL`` may only open a subquery, never a procedure, and
    ``IN TRANSACTIONS`` is refused.
    """
    toks = list(tokens(cypher))
    for i, (kind, text) in enumerate(toks):
        if kind != "word":
            continue
        prev = toks[i - 1][1] if i else ""
        nxt = toks[i + 1][1] if i + 1 < len(toks) else ""
        if prev in (".", ":") or nxt == ":":
            continue  # a property key, label/type or map key, not a clause
        word = text.upper()
        if word in FORBIDDEN_CLAUSES:
            raise QueryError(f"{name}: {word} is not allowed in a read-only query")
        if word == "IN" and nxt.upper() == "TRANSACTIONS":
            raise QueryError(f"{name}: CALL {{…}} IN TRANSACTIONS is not allowed")
        if word == "CALL" and nxt not in ("{", "("):
            procedure = _dotted(toks, i + 1)
            if procedure.lower() not in ALLOWED_PROCEDURES:
                raise QueryError(
                    f"{name}: CALL {procedure or '…'} is not allowed in a read-only query "
                    "(only CALL {…} subqueries)"
                )


def _dotted(toks: list[tuple[str, str]], start: int) -> str:
    parts: list[str] = []
    i = start
    while i < len(toks) and toks[i][0] in ("word", "quoted"):
        parts.append(toks[i][1].strip("`"))
        if i + 1 < len(toks) and toks[i + 1][1] == ".":
            i += 2
        else:
            break
    return ".".join(parts)


def bind(
    query: NamedQuery, params: Mapping[str, Any], tz: ZoneInfo | None = None
) -> dict[str, Any]:
    """The parameters to send: declared ones only, defaults filled, values coerced."""
    declared = {p.name: p for p in query.params}
    unknown = sorted(set(params) - set(declared))
    if unknown:
        accepted = ", ".join(declared) or "none"
        raise QueryError(
            f"query {query.name!r} has no parameter {', '.join(map(repr, unknown))}; "
            f"it accepts: {accepted}"
        )
    missing = [p.name for p in query.params if p.required and params.get(p.name) is None]
    if missing:
        raise QueryError(
            f"query {query.name!r} needs parameter {', '.join(map(repr, missing))} "
            f"(pass --param {missing[0]}=…)"
        )
    bound: dict[str, Any] = {}
    for p in query.params:
        if p.name in params and params[p.name] is not None:
            bound[p.name] = coerce(p, params[p.name], tz) if tz else coerce(p, params[p.name])
        else:
            bound[p.name] = p.default
    return bound


def _runnable(name: str) -> NamedQuery:
    query = get(name)
    if query.mode != "read":
        raise QueryError(f"query {name!r} is a {query.mode} query; only read queries run here")
    if query.template is not None:
        raise QueryError(f"query {name!r} is an internal template of the store; it cannot run here")
    check_read_only(query.cypher, name)
    return query


def run_on(store: Neo4jStore, name: str, **params: Any) -> pd.DataFrame:
    """Run a named read query on a :class:`~disputegraph.store.neo4j.Neo4jStore`."""
    query = _runnable(name)
    columns, rows = store.read_query(query.cypher, bind(query, params))
    import pandas as pd  # on first use: a command starts without it (§1)

    return pd.DataFrame(rows, columns=columns)


def run_rows(
    name: str,
    params: Mapping[str, Any],
    driver: neo4j.Driver | None = None,
    database: str | None = None,
    *,
    user: str | None = None,
) -> tuple[list[str], list[list[Any]]]:
    """Column names and rows (plain Python values) of a named read query.

    Without ``driver`` the connection comes from the settings (``DISPUTEGRAPH_STORE``
    must be a Neo4j URI) and is closed afterwards; ``database`` defaults to the
    configured one. Every run is recorded in the audit log (docs/architecture.md §7) as
    ``user`` (default ``python:<login>``) before its rows are handed back.
    """
    from disputegraph.audit import AuditLog
    from disputegraph.config import Settings
    from disputegraph.store.neo4j import Neo4jStore, driver_from_settings

    query = _runnable(name)
    settings = Settings()
    bound = bind(query, params, settings.tz)
    own = driver is None
    if driver is None:
        if not settings.uses_neo4j:
            raise StoreError(
                "named queries need Neo4j: set DISPUTEGRAPH_STORE to a bolt:// or neo4j:// URI"
            )
        driver = driver_from_settings(settings)
    try:
        store = Neo4jStore(driver, database=database or settings.neo4j.database)
        columns, rows = store.read_query(query.cypher, bound)
    finally:
        if own:
            driver.close()
    AuditLog.from_settings(settings).record(
        user or f"python:{getpass.getuser()}",
        "query",
        name=name,
        params=dict(params),
        result_size=len(rows),
    )
    return columns, rows


def run(
    name: str,
    driver: neo4j.Driver | None = None,
    database: str | None = None,
    **params: Any,
) -> pd.DataFrame:
    """Run a named read query and return its rows as a DataFrame (see :func:`run_rows`).

    No query declares a parameter named ``name``, ``driver`` or ``database``.
    """
    columns, rows = run_rows(name, params, driver, database)
    import pandas as pd  # on first use: a command starts without it (§1)

    return pd.DataFrame(rows, columns=columns)
