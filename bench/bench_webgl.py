"""The WebGL network canvas against Cytoscape's 2D canvas on a big synthetic cluster.

Serves the one-view app of :mod:`disputegraph.dashboard.webgl_page` (the cluster
page's asset, clientside callback and payload: a synthetic cluster laid out by the
server's layout code, names masked) twice, once drawing with the WebGL renderer
and once with the 2D canvas renderer of the same vendored Cytoscape.js 3.35, and
drives each in headless Chromium on software GL (SwiftShader through ANGLE):

- first draw: instance created → the second animation frame after it (ms), and
  navigation → that point;
- pan and zoom: the viewport moved on every animation frame for ``--seconds``
  (a zoom oscillating ×0.6–×1.6 around the fitted one and a circular pan);
  frames are counted with ``requestAnimationFrame``: median fps (1000 / median
  frame interval), mean fps (frames / seconds) and the 95th-percentile frame time;
  and the renderer's own draws (Cytoscape skips frames when drawing is slow, and
  the 2D renderer draws cached bitmap layers while the viewport moves): draws per
  second and the median time of one draw.

With ``--sigma`` the same elements are also drawn by sigma.js + graphology
(WebGL only; nodes coloured by kind, sized 4, labels as sigma's defaults) on a
plain page, fetched for the run with ``npm pack`` at pinned versions (npm and the
registry needed; nothing of it is shipped), and driven the same way through
sigma's camera.

Usage::

    python bench/bench_webgl.py                       # 20k elements, 5 s, 2 runs each
    python bench/bench_webgl.py --elements 50000 --runs 1 --json
    python bench/bench_webgl.py --sigma               # and sigma.js side by side

Needs Chromium (``DISPUTEGRAPH_CHROMIUM``, default /usr/bin/chromium).
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import statistics
import subprocess
import tarfile
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from werkzeug.serving import make_server

from disputegraph.chromium import WEBGL_ARGS, find_chromium
from disputegraph.dashboard.webgl_page import VIEW_ID, standalone_app, synthetic_elements

CHROMIUM = find_chromium() or "/usr/bin/chromium"

READY = f"""() => {{
  const el = document.getElementById({VIEW_ID!r});
  return el && el._cy && el.dataset.firstDrawMs ? true : false;
}}"""

FIRST_DRAW = f"""() => {{
  const el = document.getElementById({VIEW_ID!r});
  const r = el._cy.renderer();
  return {{
    elements: el._cy.elements().length,
    first_draw_ms: Number(el.dataset.firstDrawMs),
    since_navigation_ms: performance.now(),
    webgl: Boolean(r.webgl),
  }};
}}"""

GL_INFO = """() => {
  const c = document.createElement('canvas');
  const gl = c.getContext('webgl2');
  if (!gl) return {gl: 'none', hardware: false};
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const name = info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER);
  const hw = c.ownerDocument.createElement('canvas')
    .getContext('webgl2', {failIfMajorPerformanceCaveat: true});
  const software = /swiftshader|llvmpipe|softpipe|software|basic render/i.test(name);
  return {gl: name, hardware: Boolean(hw) && !software};
}"""


def _pan_zoom(setup: str, drawer: str, move: str) -> str:
    """A page function that moves the view for ``seconds`` and times its frames and the draws of
    ``drawer`` (the object whose ``render`` draws): ``setup`` finds it, ``move`` sets the view
    at ``k`` seconds."""
    return f"""(seconds) => new Promise((resolve) => {{
{setup}
  const intervals = [], draws = [];
  const render = {drawer}.render;
  {drawer}.render = function () {{  // the renderer's own draws (it skips frames when slow)
    const t0 = performance.now();
    const out = render.apply(this, arguments);
    draws.push(performance.now() - t0);
    return out;
  }};
  let start = null, last = null;
  function step(t) {{
    if (start === null) {{ start = t; last = t; }}
    else {{ intervals.push(t - last); last = t; }}
    const k = (t - start) / 1000;
{move}
    if (t - start < seconds * 1000) requestAnimationFrame(step);
    else {{
      {drawer}.render = render;
      resolve({{ intervals: intervals, draws: draws, seconds: (t - start) / 1000 }});
    }}
  }}
  requestAnimationFrame(step);
}})"""


PAN_ZOOM = _pan_zoom(
    f"""  const cy = document.getElementById({VIEW_ID!r})._cy;
  const z0 = cy.zoom(), p0 = cy.pan();
  const w = cy.width(), h = cy.height();
  const r = cy.renderer();""",
    "r",
    """    const zoom = z0 * Math.exp(0.5 * Math.sin(k * 1.7));
    const pan = { x: p0.x + 0.25 * w * Math.cos(k), y: p0.y + 0.25 * h * Math.sin(k) };
    cy.viewport({ zoom: zoom, pan: pan });""",
)


SIGMA = ("sigma@4.0.4", "graphology@0.26.0")
SIGMA_FILES = {"sigma": "sigma.min.js", "graphology": "graphology.umd.min.js"}
KIND_COLOURS = {
    "Dispute": "#e8590c",
    "Party": "#4c6ef5",
    "Employer": "#7048e8",
    "Property": "#12b886",
}
SIGMA_PAGE = """<!doctype html><html><head><meta charset="utf-8">
<script src="/lib/graphology.umd.min.js"></script><script src="/lib/sigma.min.js"></script>
</head><body style="margin:0"><div id="webgl" style="width:100%;height:900px"></div>
<script>
fetch('/elements.json').then((r) => r.json()).then((els) => {
  const started = performance.now();
  const g = new graphology.Graph({multi: true});
  for (const e of els) if (!('source' in e.data)) g.addNode(e.data.id, {
    x: e.position.x, y: -e.position.y, size: 4, label: e.data.label, color: e.color});
  for (const e of els) if ('source' in e.data) g.addEdge(e.data.source, e.data.target,
    {size: 1, color: '#c5ccd6'});
  const el = document.getElementById('webgl');
  const s = new Sigma(g, el);
  const render = s.render.bind(s);
  // the same probe surface as the cluster page's canvas (el._cy)
  el._cy = {
    elements: () => ({length: g.order + g.size}),
    renderer: () => ({webgl: true, render: (...a) => s.render(...a)}),
    sigma: s,
  };
  el.dataset.elements = String(g.order + g.size);
  requestAnimationFrame(() => requestAnimationFrame(() => {
    el.dataset.firstDrawMs = (performance.now() - started).toFixed(0);
  }));
});
</script></body></html>"""

SIGMA_PAN_ZOOM = _pan_zoom(
    f"""  const s = document.getElementById({VIEW_ID!r})._cy.sigma;
  const cam = s.getCamera();""",
    "s",
    """    cam.setState({ ratio: Math.exp(-0.5 * Math.sin(k * 1.7)),
                   x: 0.5 + 0.25 * Math.cos(k), y: 0.5 + 0.25 * Math.sin(k) });""",
)


def fetch_sigma(into: Path) -> Path:
    """sigma.js and graphology from the npm registry, pinned (for this run only)."""
    subprocess.run(["npm", "pack", *SIGMA, "--silent"], cwd=into, check=True, capture_output=True)
    for spec in SIGMA:
        name, version = spec.split("@")
        with tarfile.open(into / f"{name}-{version}.tgz") as tar:
            tar.extractall(into / name, filter="data")
        shutil.copy(into / name / "package" / "dist" / SIGMA_FILES[name], into)
    return into


@contextmanager
def serving_sigma(elements: list[dict[str, Any]], lib: Path) -> Iterator[str]:
    from flask import Flask, send_from_directory

    coloured = [
        {**e, "color": KIND_COLOURS.get(e["data"].get("kind", ""), "#868e96")} for e in elements
    ]
    body = json.dumps(coloured)
    app = Flask(__name__)
    app.add_url_rule("/", "page", lambda: SIGMA_PAGE)
    app.add_url_rule(
        "/elements.json", "elements", lambda: (body, 200, {"Content-Type": "application/json"})
    )
    app.add_url_rule("/lib/<path:name>", "lib", lambda name: send_from_directory(lib, name))
    with _served(app) as url:
        yield url


@contextmanager
def serving(elements: list[dict[str, Any]], webgl: bool) -> Iterator[str]:
    with _served(standalone_app(elements, webgl=webgl).server) as url:
        yield url


@contextmanager
def _served(app: Any) -> Iterator[str]:
    """The URL of ``app`` (a WSGI app) served on a free local port until the block ends."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        thread.join()


def measure(browser: Any, url: str, seconds: float, pan_zoom: str = PAN_ZOOM) -> dict[str, Any]:
    page = browser.new_page(viewport={"width": 1440, "height": 1000})
    try:
        page.goto(url)
        page.wait_for_function(READY, timeout=300_000)
        first = page.evaluate(FIRST_DRAW)
        page.wait_for_timeout(500)
        moved = page.evaluate(pan_zoom, seconds)
    finally:
        page.close()
    intervals = sorted(moved["intervals"]) or [float("nan")]
    draws = sorted(moved["draws"]) or [float("nan")]
    p95 = intervals[min(len(intervals) - 1, int(0.95 * len(intervals)))]
    return {
        **first,
        "frames": len(moved["intervals"]),
        "fps_median": 1000.0 / statistics.median(intervals),
        "fps_mean": len(moved["intervals"]) / moved["seconds"],
        "frame_p95_ms": p95,
        "draws_per_s": len(moved["draws"]) / moved["seconds"],
        "draw_median_ms": statistics.median(draws),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--elements", type=int, default=20_000)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--sigma", action="store_true", help="also sigma.js (npm pack)")
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    from playwright.sync_api import sync_playwright

    started = time.perf_counter()
    elements = synthetic_elements(args.elements)
    layout_s = time.perf_counter() - started
    results: dict[str, list[dict[str, Any]]] = {"webgl": [], "canvas": []}
    scratch = Path(tempfile.mkdtemp(prefix="bench-webgl-"))
    lib = fetch_sigma(scratch) if args.sigma else None
    if lib is not None:
        results["sigma"] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=list(WEBGL_ARGS))
        try:
            probe = browser.new_page()
            gl_info = probe.evaluate(GL_INFO)
            probe.close()
            for _ in range(args.runs):  # alternate, so both see the same machine load
                for name in ("webgl", "canvas"):
                    with serving(elements, webgl=name == "webgl") as url:
                        results[name].append(measure(browser, url, args.seconds))
                if lib is not None:
                    with serving_sigma(elements, lib) as url:
                        results["sigma"].append(measure(browser, url, args.seconds, SIGMA_PAN_ZOOM))
        finally:
            browser.close()
            shutil.rmtree(scratch, ignore_errors=True)
    if args.json:
        print(json.dumps({"layout_s": layout_s, "gl": gl_info, "results": results}, indent=2))
        return
    print(f"{len(elements):,} elements; server layout + payload {layout_s:.1f} s")
    auto = "webgl" if gl_info["hardware"] else "canvas"
    print(f"WebGL: {gl_info['gl']}; the cluster page's 'auto' would draw with {auto}")
    print(
        f"{'renderer':<8} {'run':>3} {'WebGL on':>8} {'first draw':>11} {'since nav':>10} "
        f"{'fps median':>10} {'fps mean':>9} {'frame p95':>10} {'draws/s':>8} {'draw':>8}"
    )
    for name, runs in results.items():
        for i, r in enumerate(runs, start=1):
            print(
                f"{name:<8} {i:>3} {r['webgl']!s:>8} {r['first_draw_ms']:>9.0f}ms "
                f"{r['since_navigation_ms']:>8.0f}ms {r['fps_median']:>10.1f} "
                f"{r['fps_mean']:>9.1f} {r['frame_p95_ms']:>8.0f}ms "
                f"{r['draws_per_s']:>8.1f} {r['draw_median_ms']:>6.1f}ms"
            )
    med = {n: statistics.median(r["fps_median"] for r in runs) for n, runs in results.items()}
    print(
        f"median fps: webgl {med['webgl']:.1f}, canvas {med['canvas']:.1f} "
        f"(canvas ÷ webgl ×{med['canvas'] / med['webgl']:.0f})"
    )


if __name__ == "__main__":
    main()
