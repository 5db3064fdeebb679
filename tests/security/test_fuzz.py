"""Fuzzing (hypothesis) of the bundle readers and of every search input.

Bundle readers: folders of CSV / JSONL tables with random headers, random
cells (quotes, newlines, NUL, BOM, odd Unicode), random bytes and malformed
JSON go through ``validate_bundle`` and ``load_bundle``. The documented
outcome is a report of issues, or a :class:`~disputegraph.exceptions.LoadError`
(a ``DisputeGraphError``) for a bundle with nothing readable; any other
exception is a crash and fails the test.

Search inputs: arbitrary text through ``MemoryStore.search``, ``Services.search``
(names, ids, and digit strings that go through the keyed-hash lookup) and
arbitrary query strings through ``ViewState.from_query`` into the services.

``DISPUTEGRAPH_FUZZ_EXAMPLES`` raises the number of examples (default 150 per
test; run with ``--hypothesis-show-statistics`` to see the figures).
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from disputegraph.config import Settings
from disputegraph.exceptions import DisputeGraphError
from disputegraph.ingest import load_bundle, validate_bundle
from disputegraph.store.memory import MemoryStore
from disputegraph.views.services import Services
from disputegraph.views.state import ViewState

EXAMPLES = int(os.environ.get("DISPUTEGRAPH_FUZZ_EXAMPLES", "150"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
SAMPLE = Path(__file__).parents[1] / "data" / "sample"
TABLES = {
    "parties": ["id", "kind", "name", "id_number", "phone", "district", "tags"],
    "disputes": ["id", "title", "category", "status", "reported_at", "channel", "headcount"],
    "involvements": ["dispute_id", "stakeholder_id", "role"],
    "employers": ["id", "name", "credit_code", "kind"],
}
_ODD = st.sampled_from(
    ["", " ", '"', '""', "\n", "\r\n", "\x00", "\ufeff", "，", "𠀀", "\u202e", "NaN", "1e309",
     "-1", "2026-02-30", "2026-03-01T25:00", "person", "organization", "applicant", "wage_arrears",
     "resolved", "hotline_12345", "P-001", "D-001", "330106198503121234", "138 1234 5678"]
)  # fmt: skip
_CELL = st.one_of(_ODD, st.text(max_size=30))


@st.composite
def csv_table(draw: st.DrawFn, columns: list[str]) -> bytes:
    header = draw(
        st.lists(st.one_of(st.sampled_from(columns), st.text(max_size=12)), max_size=9)
    ) or list(columns)
    rows = draw(st.lists(st.lists(_CELL, max_size=len(header) + 2), max_size=8))
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(header)
    writer.writerows(rows)
    text = buf.getvalue()
    if draw(st.booleans()):
        text = "\ufeff" + text
    data = text.encode("utf-8", "surrogatepass")
    mangle = draw(st.sampled_from(["none", "cut", "bytes", "latin1"]))
    if mangle == "cut":
        data = data[: draw(st.integers(0, len(data)))]
    elif mangle == "bytes":
        data = draw(st.binary(max_size=200))
    elif mangle == "latin1":
        data = (
            text.encode("utf-8", "surrogatepass")
            .decode("utf-8", "replace")
            .encode("latin-1", "replace")
        )
    return data


_JSON_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | _CELL,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)


@st.composite
def jsonl_table(draw: st.DrawFn, columns: list[str]) -> bytes:
    lines = []
    for _ in range(draw(st.integers(0, 6))):
        kind = draw(st.sampled_from(["object", "garbage", "array", "blank"]))
        if kind == "object":
            keys = draw(
                st.lists(st.one_of(st.sampled_from(columns), st.text(max_size=6)), max_size=8)
            )
            lines.append(json.dumps({k: draw(_JSON_VALUE) for k in keys}, ensure_ascii=False))
        elif kind == "garbage":
            lines.append(draw(st.text(max_size=40)).replace("\n", " "))
        elif kind == "array":
            lines.append(json.dumps(draw(st.lists(_JSON_VALUE, max_size=3))))
        else:
            lines.append("")
    return ("\n".join(lines)).encode("utf-8", "surrogatepass")


@st.composite
def bundle(draw: st.DrawFn) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for table in draw(
        st.lists(st.sampled_from(sorted(TABLES)), min_size=1, max_size=4, unique=True)
    ):
        if draw(st.booleans()):
            files[f"{table}.csv"] = draw(csv_table(TABLES[table]))
        else:
            files[f"{table}.jsonl"] = draw(jsonl_table(TABLES[table]))
    if draw(st.booleans()):
        files[draw(st.sampled_from(["notes.txt", "parties.xlsx", "x.csv"]))] = draw(
            st.binary(max_size=64)
        )
    return files


@FUZZ
@given(files=bundle())
def test_bundle_readers_never_crash(files: dict[str, bytes]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "bundle"
        folder.mkdir()
        for name, data in files.items():
            (folder / name).write_bytes(data)
        cfg = Settings(demo=True, store="memory", workspace=Path(tmp) / "ws")
        try:
            report = validate_bundle(folder, cfg, None)
        except DisputeGraphError:
            return  # documented: nothing readable
        assert report.ok or report.issues  # bad input is reported, never silently passed
        store = MemoryStore()
        try:
            result = load_bundle(folder, store, cfg)
        except DisputeGraphError:
            return
        counts = store.counts()
        assert counts.total_nodes <= result.nodes_written  # upserts never invent nodes


# -- search inputs -------------------------------------------------------------------


@pytest.fixture(scope="module")
def services() -> Services:
    from disputegraph.analytics import run_analysis

    cfg = Settings(demo=True, store="memory")
    store = MemoryStore()
    load_bundle(SAMPLE, store, cfg)
    run_analysis(store)
    return Services(cfg, store)


_SEARCH = st.one_of(
    st.text(max_size=60),
    st.from_regex(r"\+?[0-9 \-()]{6,24}[Xx]?", fullmatch=True),
    _ODD,
    st.sampled_from(["张", "張 伟", "ＰＡＲＴＹ", "P-0", "%", ".*", "\\", "'", '"})//']),
)


@FUZZ
@given(text=_SEARCH)
def test_search_inputs_never_crash(services: Services, text: str) -> None:
    before = services.store.counts()
    rows = services.search(text, ViewState())
    assert len(rows) <= 20
    for row in rows:
        assert set(row) >= {"id", "kind", "name", "href"}
    assert len(services.store.search(text, limit=5)) <= 5
    assert services.store.counts() == before


_QUERY = st.one_of(
    st.text(max_size=80),
    st.lists(
        st.tuples(
            st.sampled_from(["lang", "as_of", "window", "district", "category", "status", "level",
                             "cluster", "group", "entity", "dispute", "x"]),
            _CELL,
        ),
        max_size=6,
    ).map(lambda kv: "?" + "&".join(f"{k}={v}" for k, v in kv)),
)  # fmt: skip


@FUZZ
@given(query=_QUERY)
def test_url_parameters_never_crash(services: Services, query: str) -> None:
    state = ViewState.from_query(query)
    assert ViewState.from_query(state.to_query()) == state  # what it keeps round-trips
    results: list[Any] = [
        services.overview(state),
        services.cluster_view(state),
        services.agencies(state),
    ]
    if state.entity:
        results += [
            services.entity(state.entity, state),
            services.ego_network(state.entity, [], state),
            services.trace(state.entity, state),
        ]
    if state.dispute:
        results.append(services.chain(state.dispute, state))
    json.dumps(results, default=str)  # everything the pages get is plain data
