"""The named-query files: complete headers, declared parameters used, templates safe."""

from __future__ import annotations

import re
from importlib import resources

import pytest
from query_helpers import ANALYST_QUERIES

from disputegraph.exceptions import QueryError
from disputegraph.queries import catalog
from disputegraph.queries.catalog import NamedQuery, Param, catalogue, coerce, get, parse_query_file
from disputegraph.queries.runner import check_read_only, tokens
from disputegraph.schemas import NodeLabel, RelType

FILES = sorted(
    e.name for e in resources.files("disputegraph.queries").iterdir() if e.name.endswith(".cypher")
)


def _params_in_text(q: NamedQuery) -> set[str]:
    return {text[1:] for kind, text in tokens(q.cypher) if kind == "param"}


def test_every_file_is_in_the_catalogue() -> None:
    assert [f"{q.name}.cypher" for q in catalogue()] == FILES
    assert {q.name for q in catalogue("read")} >= ANALYST_QUERIES


@pytest.mark.parametrize("filename", FILES)
def test_header_complete_and_every_parameter_used(filename: str) -> None:
    q = get(filename.removesuffix(".cypher"))
    assert q.title and q.description and q.returns
    assert q.mode in ("read", "write", "schema")
    for p in q.params:
        assert p.meaning, p.name
        assert p.type in catalog.PARAM_TYPES
    declared = {p.name for p in q.params}
    used = _params_in_text(q)
    assert declared == used, f"declared {sorted(declared)} but the text uses {sorted(used)}"
    # run(name, driver, database, **params) must not collide with a parameter
    assert not declared & {"name", "driver", "database"}


@pytest.mark.parametrize("q", catalogue("read"), ids=lambda q: q.name)
def test_read_queries_pass_the_read_only_check(q: NamedQuery) -> None:
    check_read_only(q.render(NodeLabel.PARTY) if q.template == "LABEL" else q.cypher)


@pytest.mark.parametrize(
    "name", ["store_upsert_nodes", "store_upsert_edges", "store_put_documents", "store_clear_nodes"]
)
def test_write_queries_fail_the_read_only_check(name: str) -> None:
    with pytest.raises(QueryError, match="not allowed"):
        check_read_only(get(name).cypher, name)


def test_unknown_name_lists_the_known_ones() -> None:
    with pytest.raises(QueryError, match=r"unknown named query 'nope'.*linked_disputes"):
        get("nope")


def test_templates_take_only_enum_members() -> None:
    nodes = get("store_upsert_nodes")
    text = nodes.render(NodeLabel.DISPUTE)
    assert "SET n:Dispute" in text and "<<" not in text
    assert "REMOVE n:Party:Employer:Property:Agency:Report" in text
    with pytest.raises(QueryError):
        nodes.render(NodeLabel.ENTITY)
    with pytest.raises(QueryError):
        nodes.render(RelType.OWNS)
    with pytest.raises(QueryError):
        nodes.render(None)
    with pytest.raises(QueryError):
        nodes.render("Party) DETACH DELETE (n")  # type: ignore[arg-type]
    edges = get("store_upsert_edges")
    assert "[r:HANDLED_BY {key: row.key}]" in edges.render(RelType.HANDLED_BY)
    with pytest.raises(QueryError, match="not a template"):
        get("party_disputes").render(NodeLabel.PARTY)
    for rel in RelType:
        assert re.search(rf"\[r:{rel.value}\]", get("store_count_type").render(rel))


def test_parse_rejects_incomplete_headers() -> None:
    good = (
        "// name: q\n// title: T\n// description: D\n// params: x (int) — an x\n"
        "// returns: n\n// mode: read\nRETURN $x AS n\n"
    )
    assert parse_query_file("q.cypher", good).params == (Param("x", "int", "an x"),)
    with pytest.raises(QueryError, match="lacks returns"):
        parse_query_file("q.cypher", good.replace("// returns: n\n", ""))
    with pytest.raises(QueryError, match="does not match the file name"):
        parse_query_file("other.cypher", good)
    with pytest.raises(QueryError, match="mode"):
        parse_query_file("q.cypher", good.replace("mode: read", "mode: maybe"))
    with pytest.raises(QueryError, match="unknown type"):
        parse_query_file("q.cypher", good.replace("(int)", "(decimal)"))
    with pytest.raises(QueryError, match="bad params line"):
        parse_query_file("q.cypher", good.replace("x (int) — an x", "x int"))
    with pytest.raises(QueryError, match="placeholders"):
        parse_query_file("q.cypher", good.replace("RETURN $x", "MATCH (n:<<LABEL>>) RETURN $x"))


def test_defaults_are_coerced() -> None:
    q = get("repeat_petitioners")
    assert q.param("min_reports") == Param(
        "min_reports", "int", "fewest petition reports", 3, required=False
    )
    channels = q.param("channels")
    assert channels is not None
    assert channels.default == ["petition_letter", "petition_visit", "petition_online"]
    assert get("shortest_path").param("through_agencies").default is False  # type: ignore[union-attr]


def test_coerce_from_text() -> None:
    from datetime import date, datetime, timedelta

    assert coerce(Param("k", "int", "m"), " 4 ") == 4
    assert coerce(Param("k", "float", "m"), "2.5") == 2.5
    assert coerce(Param("k", "bool", "m"), "Yes") is True
    assert coerce(Param("k", "bool", "m"), "0") is False
    assert coerce(Param("k", "date", "m"), "2026-03-01") == date(2026, 3, 1)
    moment = coerce(Param("k", "datetime", "m"), "2026-03-01")
    assert moment.utcoffset() == timedelta(hours=8)
    assert moment == datetime.fromisoformat("2026-03-01T00:00:00+08:00")
    assert coerce(Param("k", "list[str]", "m"), "a, b,,c") == ["a", "b", "c"]
    for ptype, bad in [("int", "four"), ("int", True), ("bool", "maybe"), ("date", "03/01")]:
        with pytest.raises(QueryError, match="parameter 'k'"):
            coerce(Param("k", ptype, "m"), bad)
