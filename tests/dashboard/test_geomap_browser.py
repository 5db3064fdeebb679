"""The map page in headless Chromium: the planted clusters in their districts, and not
one request leaving loopback."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

import pytest
from dashboard_helpers import DemoServer

from disputegraph.analytics import load_analysis
from disputegraph.views.geomap import contains, load_boundaries

pytestmark = [pytest.mark.browser, pytest.mark.slow]

#: the clusters trace's points: [lon, lat, id]
CLUSTER_POINTS = """(id) => {
  const gd = document.querySelector('#' + id + ' .js-plotly-plot');
  if (!gd || !gd.data) return null;
  const out = [];
  for (const tr of gd.data) {
    if (!tr.customdata) continue;
    tr.customdata.forEach((c, i) => {
      if (c[0] === 'cluster') out.push([tr.x[i], tr.y[i], c[1]]);
    });
  }
  return out.length ? out : null;
}"""


def test_map_shows_the_planted_clusters_in_their_districts_offline(
    demo_server: DemoServer, page: Any
) -> None:
    hosts: list[str] = []
    page.on("request", lambda req: hosts.append(urlparse(req.url).hostname or req.url))
    page.goto(demo_server.url + "/map")
    page.wait_for_function(f"({CLUSTER_POINTS})('geomap-figure') !== null", timeout=60_000)
    points = {p[2]: (p[0], p[1]) for p in page.evaluate(CLUSTER_POINTS, "geomap-figure")}
    boundaries = load_boundaries(demo_server.workspace / "demo-bundle" / "boundaries.geojson")
    districts = {r.name: r for r in boundaries.of("district")}
    analysis = load_analysis(demo_server.store)
    assert analysis is not None
    for name in ("wage_arrears_chain", "elevator_building", "land_rent_village"):
        pattern = demo_server.pattern(name)
        cluster = analysis.cluster_of(pattern["disputes"][0])
        assert cluster is not None
        district = max(cluster.districts, key=lambda k: cluster.districts[k])
        assert cluster.id in points, name
        assert contains(districts[district], *points[cluster.id]), (name, district)
    assert hosts
    assert set(hosts) <= {"127.0.0.1", "localhost"}, sorted(set(hosts))
