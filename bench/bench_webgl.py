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

Usage::

    python bench/bench_webgl.py                       # 20k elements, 5 s, 2 runs each
    python bench/bench_webgl.py --elements 50000 --runs 1 --json

Needs Chromium (``DISPUTEGRAPH_CHROMIUM``, default /usr/bin/chromium).
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
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

PAN_ZOOM = f"""(seconds) => new Promise((resolve) => {{
  const cy = document.getElementById({VIEW_ID!r})._cy;
  const z0 = cy.zoom(), p0 = cy.pan();
  const w = cy.width(), h = cy.height();
  const intervals = [], draws = [];
  const r = cy.renderer(), render = r.render;
  r.render = function () {{  // the renderer's own draws (it skips frames when slow)
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
    const zoom = z0 * Math.exp(0.5 * Math.sin(k * 1.7));
    const pan = {{ x: p0.x + 0.25 * w * Math.cos(k), y: p0.y + 0.25 * h * Math.sin(k) }};
    cy.viewport({{ zoom: zoom, pan: pan }});
    if (t - start < seconds * 1000) requestAnimationFrame(step);
    else {{
      r.render = render;
      resolve({{ intervals: intervals, draws: draws, seconds: (t - start) / 1000 }});
    }}
  }}
  requestAnimationFrame(step);
}})"""


@contextmanager
def serving(elements: list[dict[str, Any]], webgl: bool) -> Iterator[str]:
    app = standalone_app(elements, webgl=webgl)
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        thread.join()


def measure(browser: Any, url: str, seconds: float) -> dict[str, Any]:
    page = browser.new_page(viewport={"width": 1440, "height": 1000})
    try:
        page.goto(url)
        page.wait_for_function(READY, timeout=300_000)
        first = page.evaluate(FIRST_DRAW)
        page.wait_for_timeout(500)
        moved = page.evaluate(PAN_ZOOM, seconds)
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
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    from playwright.sync_api import sync_playwright

    started = time.perf_counter()
    elements = synthetic_elements(args.elements)
    layout_s = time.perf_counter() - started
    results: dict[str, list[dict[str, Any]]] = {"webgl": [], "canvas": []}
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
        finally:
            browser.close()
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
