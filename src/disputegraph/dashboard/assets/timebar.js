// The cluster page's time bar, in the browser (dashboard/components/timebar.py).
window.dash_clientside = Object.assign({}, window.dash_clientside, {timebar: {
  RULE: "[t > ",
  iso: function (ordinal) {
    // date.toordinal(): 1970-01-01 is 719163
    return new Date((ordinal - 719163) * 86400000).toISOString().slice(0, 10);
  },
  step: function (data, v) {
    var found = null;
    (data.steps || []).forEach(function (s) { if (s.offset <= v) { found = s; } });
    return found;
  },
  // The network's cytoscape instance (dash-cytoscape keeps it on its container);
  // null when it cannot be reached, or when forced to the stylesheet (the bench).
  cyOf: function (id) {
    var el = document.getElementById(id);
    var tb = window.dash_clientside.timebar;
    return !tb.forceStylesheet && el && el._cyreg && el._cyreg.cy ? el._cyreg.cy : null;
  },
  // Hide what had not arrived by `cut`: a class on the elements that change (the base
  // stylesheet hides `.tb-hidden`), so cytoscape restyles only those.
  toggle: function (cy, cut) {
    var hidden = window.dash_clientside.timebar.HIDDEN;
    cy.batch(function () {
      cy.elements().forEach(function (e) {
        var t = e.data("t");
        var hide = t !== undefined && t > cut;
        if (hide !== e.hasClass(hidden)) { e.toggleClass(hidden, hide); }
      });
    });
  },
  HIDDEN: "tb-hidden",
  scrub: function (v, elements, data, stylesheet) {
    var tb = window.dash_clientside.timebar;
    var nu = window.dash_clientside.no_update;
    var ctx = window.dash_clientside.callback_context;
    var base = (stylesheet || []).filter(function (r) {
      return r.selector.indexOf(tb.RULE) !== 0;
    });
    var ruled = base.length !== (stylesheet || []).length;
    if (!data || !data.steps || v === null || v === undefined) {
      return [ruled ? base : nu, nu];
    }
    var cut = data.first_ordinal + v;
    var shown = 0, total = 0;
    (elements || []).forEach(function (e) {
      total += 1;
      if (e.data.t === undefined || e.data.t <= cut) { shown += 1; }
    });
    var s = tb.step(data, v);
    var moved = s && s.moved ? " (" + s.moved + ")" : "";
    var text = data.readout.replace("{date}", tb.iso(cut)).replace("{shown}", shown)
      .replace("{total}", total).replace("{score}", s ? s.score.toFixed(1) : "–")
      .replace("{moved}", moved);
    var id = ctx.outputs_list[0].id;
    var cy = tb.cyOf(id);
    if (cy) {
      tb.toggle(cy, cut);
      var trigger = ctx.triggered.length ? ctx.triggered[0].prop_id : "";
      if (trigger.indexOf(".elements") >= 0) {  // new elements are drawn after this call
        requestAnimationFrame(function () { var c = tb.cyOf(id); if (c) { tb.toggle(c, cut); } });
      }
      return [ruled ? base : nu, text];
    }
    // no instance to reach: the stylesheet with one rule hiding what had not arrived
    var rule = {selector: tb.RULE + cut + "]", style: {display: "none"}};
    return [base.concat([rule]), text];
  },
  marker: function (v, data, figure) {
    if (!data || !figure || !figure.layout || !figure.layout.shapes || v === null) {
      return window.dash_clientside.no_update;
    }
    var day = window.dash_clientside.timebar.iso(data.first_ordinal + v);
    var shapes = figure.layout.shapes.slice();
    shapes[0] = Object.assign({}, shapes[0], {x0: day, x1: day});
    return Object.assign({}, figure, {layout: Object.assign({}, figure.layout, {shapes: shapes})});
  },
  play: function (clicks, ticks, v, data, disabled) {
    var nu = window.dash_clientside.no_update;
    if (!data || !data.steps || !data.steps.length) { return [nu, true, nu]; }
    var last = data.steps[data.steps.length - 1].offset;
    var ctx = window.dash_clientside.callback_context;
    var trigger = ctx.triggered.length ? ctx.triggered[0].prop_id : "";
    if (trigger.indexOf("n_clicks") >= 0) {
      if (!disabled) { return [nu, true, data.labels.play]; }
      return [v >= last ? 0 : v, false, data.labels.pause];
    }
    var next = Math.min(last, (v || 0) + 7);
    return next >= last ? [next, true, data.labels.play] : [next, false, nu];
  }
}});
