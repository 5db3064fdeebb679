/*
 * The WebGL network canvas: clusters past the element budget drawn whole.
 *
 * dash-cytoscape 1.0.2 bundles Cytoscape.js 3.28, which has no WebGL renderer;
 * the vendored Cytoscape.js 3.35 (vendor/, loaded before this file, see
 * scripts/build-webgl.sh) has one. The server sends the elements with their
 * positions (preset layout: the browser only draws) and the same stylesheet as
 * the canvas view through a dcc.Store; this clientside callback creates the
 * instance (a new one per payload) on a plain div. The instance is on the
 * container (`el._cy`) and its element count on `el.dataset.elements`.
 * `payload.webgl`: true or false force a renderer; "auto" (the cluster page) takes
 * WebGL only where the browser has hardware WebGL: with software GL (SwiftShader,
 * llvmpipe: no GPU) Cytoscape's 2D canvas pans and zooms a 20k-element cluster
 * far more smoothly (bench/bench_webgl.py). The renderer taken is on
 * `el.dataset.renderer`.
 * Tapping a node writes {id, kind, t} into the tap store, which the server's
 * navigation callback turns into a URL like a tap on the canvas view.
 */
(function () {
  "use strict";

  var hardwareGL = null;

  // software GL: Chromium's SwiftShader, Mesa's llvmpipe/softpipe, Windows' WARP
  var SOFTWARE_GL = /swiftshader|llvmpipe|softpipe|software|basic render/i;

  function hasHardwareGL() {
    if (hardwareGL === null) {
      var probe = document.createElement("canvas");
      var ctx = probe.getContext("webgl2", { failIfMajorPerformanceCaveat: true });
      hardwareGL = false;
      if (ctx) {
        var info = ctx.getExtension("WEBGL_debug_renderer_info");
        var name = String(
          info ? ctx.getParameter(info.UNMASKED_RENDERER_WEBGL) : ctx.getParameter(ctx.RENDERER)
        );
        hardwareGL = !SOFTWARE_GL.test(name);
        var lose = ctx.getExtension("WEBGL_lose_context");
        if (lose) lose.loseContext();
      }
    }
    return hardwareGL;
  }

  function useWebGL(payload) {
    if (payload.webgl === "auto") return hasHardwareGL();
    return payload.webgl !== false;
  }

  function create(el, payload, tapStoreId) {
    var started = performance.now();
    var webgl = useWebGL(payload);
    var cy = window.cytoscape({
      container: el,
      elements: payload.elements,
      style: payload.stylesheet,
      layout: { name: "preset", fit: true, padding: 30 },
      renderer: { name: "canvas", webgl: webgl },
      minZoom: 0.02,
      maxZoom: 1.4,
      boxSelectionEnabled: false,
      pixelRatio: 1,
    });
    el._cy = cy;
    el.dataset.elements = String(cy.elements().length);
    el.dataset.renderer = webgl ? "webgl" : "canvas";
    // the renderer draws on animation frames: the second frame after creation
    // follows the first draw
    requestAnimationFrame(function () {
      requestAnimationFrame(function () {
        el.dataset.firstDrawMs = (performance.now() - started).toFixed(0);
      });
    });
    if (tapStoreId) {
      cy.on("tap", "node", function (evt) {
        var d = evt.target.data();
        window.dash_clientside.set_props(tapStoreId, {
          data: { id: d.id, kind: d.kind, t: Date.now() },
        });
      });
    }
    return cy;
  }

  function draw(payload, containerId, tapStoreId) {
    var el = document.getElementById(containerId);
    if (!el) {
      return window.dash_clientside.no_update;
    }
    if (el._cy) {
      el._cy.destroy();
      el._cy = null;
      el.dataset.elements = "0";
    }
    if (!payload || !payload.elements) {
      return 0;
    }
    if (el.offsetWidth === 0) {
      // the container is being shown in the same update: draw on the next frame
      requestAnimationFrame(function () {
        draw(payload, containerId, tapStoreId);
      });
      return payload.elements.length;
    }
    return create(el, payload, tapStoreId).elements().length;
  }

  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    disputegraph_webgl: { draw: draw },
  });
})();
