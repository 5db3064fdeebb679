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
  scrub: function (v, elements, data, stylesheet) {
    var tb = window.dash_clientside.timebar;
    var base = (stylesheet || []).filter(function (r) {
      return r.selector.indexOf(tb.RULE) !== 0;
    });
    if (!data || !data.steps || v === null || v === undefined) {
      return [base, window.dash_clientside.no_update];
    }
    var cut = data.first_ordinal + v;
    var shown = 0, total = 0;
    (elements || []).forEach(function (e) {
      total += 1;
      if (e.data.t === undefined || e.data.t <= cut) { shown += 1; }
    });
    var rule = {selector: tb.RULE + cut + "]", style: {display: "none"}};
    var s = tb.step(data, v);
    var moved = s && s.moved ? " (" + s.moved + ")" : "";
    var text = data.readout.replace("{date}", tb.iso(cut)).replace("{shown}", shown)
      .replace("{total}", total).replace("{score}", s ? s.score.toFixed(1) : "–")
      .replace("{moved}", moved);
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
