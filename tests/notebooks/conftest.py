"""A generated city loaded into the test Neo4j and analysed there, shared by the
notebook and copy-as-Cypher tests of this folder (cleared before and after)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from notebook_helpers import Neo4jCity

from disputegraph.config import Settings

#: disputes in the generated city (the planted patterns are the same at any scale)
SCALE = 500


@pytest.fixture(scope="session")
def neo4j_city(neo4j_uri: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Neo4jCity]:
    import neo4j

    from disputegraph.analytics import run_analysis
    from disputegraph.ingest import load_bundle
    from disputegraph.store.neo4j import Neo4jStore
    from disputegraph.synthetic import generate_city

    root = tmp_path_factory.mktemp("neo4j-city")
    settings = Settings(demo=True, store=neo4j_uri, workspace=root / "ws")
    planted = generate_city(root / "city", scale=SCALE, seed=7)
    driver = neo4j.GraphDatabase.driver(neo4j_uri, auth=None)
    store = Neo4jStore(driver)
    store.ensure_schema()
    store.clear()
    try:
        load_bundle(root / "city", store, settings)
        analysis = run_analysis(store)
        yield Neo4jCity(neo4j_uri, settings, store, driver, planted, analysis)
    finally:
        store.clear()
        driver.close()
