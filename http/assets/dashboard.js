// dashboard.js: the daemon's live dashboard. Polls /dashboard/data once a second (the daemon's
// Prometheus families as compact JSON) and charts rates, latency quantiles and gauges computed
// from each new snapshot and the one before, as PromQL's rate() and histogram_quantile() would.
//
// A page left open must cost the serving machine little (issue 11: the daemon and an open
// dashboard share its cores), so each poll does only the new work: one row per chart from the
// last two snapshots (no snapshot history), a bounded window of rows, and a redraw only of the
// charts that are on screen, whose newest row differs from the one before (a flat line only
// grows by a pixel or two a second: it is redrawn every 5 s), and only while the page is
// visible; a chart that comes into view or a page that becomes visible again is brought up to
// date at once.
//
// Clicking a chart (or Enter on it: the boxes are focusable) opens its detail view: the same
// series over the page's whole history, drawn by charts.js (dygraphs, as in the bench's report)
// with zoom by drag, double-click to reset and hover values, and updated on each poll while it is
// open. Esc, the close button or a click outside closes it. Nothing of dygraphs runs per poll
// while no detail is open.
(function () {
  'use strict';
  var keep = 300;                     // rows (seconds) on the charts
  var flatRedraw = 5000;              // ms between redraws of a chart whose values did not change
  var ops = {'/metrics': 1, '/dashboard': 1, '/dashboard/data': 1, '/health': 1}; // not shop traffic
  var prev = null;                    // the snapshot before the newest
  var charts = null;                  // per spec: {graph, names, data, dirty, changed, drawnAt, onScreen}
  var grid = document.getElementById('charts');
  var stateLine = document.getElementById('state');
  window.dashboardPolls = 0;

  function family(s, name) { return s.families[name]; }
  function le(b) { return b[0] === '+Inf' ? Infinity : b[0]; }

  // Sum of a counter or gauge family's values grouped by `label` (or all together), as a map.
  function sumBy(s, name, label) {
    var out = {};
    var f = family(s, name);
    (f ? f.series : []).forEach(function (x) {
      if (label === 'route' && ops[x.labels.route]) return;
      var key = label ? x.labels[label] : name;
      out[key] = (out[key] || 0) + x.value;
    });
    return out;
  }

  function none(b) { return {count: 0, sum: 0, b: b.b.map(function (x) { return [x[0], 0]; })}; }

  // The cumulative buckets of a histogram family summed over its series (shop routes only).
  function buckets(s, name) {
    var f = family(s, name);
    if (!f) return null;
    var sum = null;
    f.series.forEach(function (x) {
      if (x.labels.route && ops[x.labels.route]) return;
      if (!sum) sum = {count: 0, sum: 0, b: x.buckets.map(function (b) { return [le(b), 0]; })};
      sum.count += x.count;
      sum.sum += x.sum;
      x.buckets.forEach(function (b, i) { sum.b[i][1] += b[1]; });
    });
    return sum;
  }

  // histogram_quantile over the increase between two bucket sets (a null set: no observation
  // yet); null when nothing happened.
  function quantile(q, a, b) {
    if (!b) return null;
    a = a || none(b);
    var total = b.count - a.count;
    if (total <= 0) return null;
    var rank = q * total, prevLe = 0, prevCum = 0;
    for (var i = 0; i < b.b.length; i++) {
      var cum = b.b[i][1] - a.b[i][1];
      if (cum >= rank) {
        if (b.b[i][0] === Infinity) return prevLe;
        return prevLe + (b.b[i][0] - prevLe) * (cum === prevCum ? 1 : (rank - prevCum) / (cum - prevCum));
      }
      prevLe = b.b[i][0];
      prevCum = cum;
    }
    return prevLe;
  }

  // Each chart: its title, unit, the families it needs, and its series for one pair of snapshots
  // (a: the one before, b: now, dt seconds apart) as {series name: value}.
  var specs = [
    {title: 'Requests per second by route', ylabel: 'req/s', needs: ['actorshop_http_requests_total'],
      row: function (a, b, dt) { return rates(sumBy(a, 'actorshop_http_requests_total', 'route'), sumBy(b, 'actorshop_http_requests_total', 'route'), dt); }},
    {title: 'Latency, shop routes (first byte read to last byte written)', ylabel: 'ms',
      needs: ['actorshop_http_request_duration_seconds'],
      row: function (a, b) {
        var x = buckets(a, 'actorshop_http_request_duration_seconds'), y = buckets(b, 'actorshop_http_request_duration_seconds');
        return {p50: ms(quantile(0.5, x, y)), p95: ms(quantile(0.95, x, y)), p99: ms(quantile(0.99, x, y))};
      }},
    {title: 'Status mix', ylabel: 'responses/s', stacked: true, needs: ['actorshop_http_requests_total'],
      row: function (a, b, dt) { return rates(sumBy(a, 'actorshop_http_requests_total', 'status'), sumBy(b, 'actorshop_http_requests_total', 'status'), dt); }},
    {title: 'In flight and 503s', ylabel: 'requests | 503/s',
      needs: ['actorshop_http_in_flight_requests', 'actorshop_http_rejected_total'],
      row: function (a, b, dt) {
        var r = rates(prefixed('503 ', sumBy(a, 'actorshop_http_rejected_total', 'reason')), prefixed('503 ', sumBy(b, 'actorshop_http_rejected_total', 'reason')), dt);
        r['in flight'] = sumBy(b, 'actorshop_http_in_flight_requests')['actorshop_http_in_flight_requests'];
        return r;
      }},
    {title: 'Resident memory', ylabel: 'MB', needs: ['process_resident_memory_bytes'],
      row: function (a, b) { return {RSS: sumBy(b, 'process_resident_memory_bytes')['process_resident_memory_bytes'] / 1048576}; }},
    {title: 'CPU', ylabel: '% of one core', needs: ['process_cpu_seconds_total'],
      row: function (a, b, dt) { return {CPU: 100 * rates(sumBy(a, 'process_cpu_seconds_total'), sumBy(b, 'process_cpu_seconds_total'), dt)['process_cpu_seconds_total']}; }},
    {title: 'Writer batch size', ylabel: 'units per commit', needs: ['actorshop_writer_batch_size'],
      row: function (a, b) {
        var x = buckets(a, 'actorshop_writer_batch_size'), y = buckets(b, 'actorshop_writer_batch_size');
        x = x || (y && none(y));
        var n = y ? y.count - x.count : 0;
        return {mean: n > 0 ? (y.sum - x.sum) / n : null, p95: quantile(0.95, x, y)};
      }},
    {title: 'Writer commit and fsync latency', ylabel: 'ms',
      needs: ['actorshop_writer_commit_duration_seconds', 'actorshop_writer_fsync_duration_seconds'],
      row: function (a, b) {
        var c0 = buckets(a, 'actorshop_writer_commit_duration_seconds'), c1 = buckets(b, 'actorshop_writer_commit_duration_seconds');
        var f0 = buckets(a, 'actorshop_writer_fsync_duration_seconds'), f1 = buckets(b, 'actorshop_writer_fsync_duration_seconds');
        return {'commit p50': ms(quantile(0.5, c0, c1)), 'commit p99': ms(quantile(0.99, c0, c1)), 'fsync p99': ms(quantile(0.99, f0, f1))};
      }},
    {title: 'Live actors', ylabel: 'actors', needs: ['actorshop_live_actors'],
      row: function (a, b) { return sumBy(b, 'actorshop_live_actors', 'kind'); }},
    {title: 'Coupons remaining', ylabel: 'copies', needs: ['actorshop_coupon_remaining'],
      row: function (a, b) { return prefixed('coupon ', sumBy(b, 'actorshop_coupon_remaining', 'coupon')); }}
  ];
  function ms(seconds) { return seconds === null ? null : seconds * 1000; }
  function prefixed(p, m) { var o = {}; for (var k in m) o[p + k] = m[k]; return o; }
  function rates(a, b, dt) {
    var o = {};
    for (var k in b) o[k] = dt > 0 ? Math.max(0, b[k] - (a[k] || 0)) / dt : null;
    return o;
  }

  function missing(spec, s) { return spec.needs.filter(function (n) { return !family(s, n); }); }

  // Appends one row to a chart, keeping its last `keep`; a series seen for the first time gets a
  // column (sorted by name, null in the rows before it).
  function append(c, time, row) {
    var names = c.names.slice();
    for (var k in row) if (names.indexOf(k) < 0) names.push(k);
    var added = names.length > c.names.length;
    if (added) {
      names.sort();
      var from = names.map(function (n) { return c.names.indexOf(n); });
      c.data = c.data.map(function (d) {
        return [d[0]].concat(from.map(function (i) { return i < 0 ? null : d[i + 1]; }));
      });
      c.names = names;
    }
    var values = c.names.map(function (n) { return n in row && isFinite(row[n]) ? row[n] : null; });
    var last = c.data.length ? c.data[c.data.length - 1] : null;
    c.changed = c.changed || added || !last || values.some(function (v, i) { return v !== last[i + 1]; });
    c.data.push([time].concat(values));
    if (c.data.length > keep) c.data.shift();
  }

  // Redraws a chart if it is on screen, the page is visible and it has changed (or has only grown
  // flat for flatRedraw ms); the chart paints at the next animation frame.
  function draw(c, now) {
    if (!c.graph || !c.onScreen || document.hidden) return;
    if (!c.changed && now - c.drawnAt < flatRedraw) return;
    c.graph.update(c.names, c.data);
    c.changed = false;
    c.drawnAt = now;
  }

  function drawAll() {
    var now = Date.now();
    charts.forEach(function (c) { draw(c, now); });
  }

  // Which charts are on screen; one coming into view is brought up to date.
  var watcher = window.IntersectionObserver ? new IntersectionObserver(function (entries) {
    var now = Date.now();
    entries.forEach(function (e) {
      var c = charts[e.target.dataset.chart];
      c.onScreen = e.isIntersecting;
      draw(c, now); // still `changed` if it changed while off screen
    });
  }) : null;
  document.addEventListener('visibilitychange', function () { if (!document.hidden && charts) drawAll(); });

  function create(spec, j, last) {
    var c = charts[j];
    var m = missing(spec, last);
    c.graph = new Charts.LiveChart(grid, {title: spec.title, unit: spec.ylabel, stacked: spec.stacked,
      span: keep * 1000, missing: m, note: m.length ? 'not exposed by this daemon: ' + m.join(', ') : ''});
    c.graph.update(c.names, c.data);
    c.changed = false;
    c.drawnAt = Date.now();
    c.graph.box.dataset.chart = j;
    focusable(c.graph.box, j, spec.title);
    if (watcher) watcher.observe(c.graph.box); else c.onScreen = true;
  }

  // A chart box that opens its detail view when clicked or when Enter is pressed on it.
  function focusable(box, j, title) {
    box.tabIndex = 0;
    box.setAttribute('role', 'button');
    box.setAttribute('aria-label', title + ': open the detail view');
    box.title = 'click or Enter: detail view (zoom, hover values)';
    box.addEventListener('click', function () { openDetail(j); });
    box.addEventListener('keydown', function (e) {
      if (e.key === 'Enter') { e.preventDefault(); openDetail(j); }
    });
  }

  var detail = null;                  // the open detail view: {j, overlay, graph, names, from}

  // A chart's rows as dygraphs takes them: Date x values.
  function detailRows(c) {
    return c.data.map(function (d) { return [new Date(d[0])].concat(d.slice(1)); });
  }

  function openDetail(j) {
    if (detail) closeDetail();
    var c = charts[j], spec = specs[j];
    var overlay = document.body.appendChild(document.createElement('div'));
    overlay.className = 'detail';
    var panel = overlay.appendChild(document.createElement('div'));
    panel.className = 'panel';
    panel.setAttribute('role', 'dialog');
    panel.setAttribute('aria-label', spec.title);
    var close = panel.appendChild(document.createElement('button'));
    close.className = 'close';
    close.textContent = '\u00d7';
    close.setAttribute('aria-label', 'close');
    close.addEventListener('click', closeDetail);
    var hint = panel.appendChild(document.createElement('div'));
    hint.className = 'note';
    hint.textContent = 'drag to zoom, double-click to reset, Esc to close';
    overlay.addEventListener('click', function (e) { if (e.target === overlay) closeDetail(); });
    detail = {j: j, overlay: overlay, panel: panel, graph: null, names: '', from: c.graph.box};
    drawDetail();
    close.focus();
  }

  // Makes the detail's chart once the chart has a series, then gives it each new row (a zoom
  // set by dragging stays: dygraphs keeps its window across new data).
  function drawDetail() {
    var c = charts[detail.j], spec = specs[detail.j];
    if (!c.names.length || !c.data.length) return;
    var labels = ['time'].concat(c.names), key = labels.join('\u0001');
    if (detail.graph && key === detail.names) {
      detail.graph.updateOptions({file: detailRows(c)});
      return;
    }
    if (detail.graph) dropGraph(detail.graph);
    detail.names = key;
    detail.graph = Charts.dygraphs.timeSeries(detail.panel, {title: spec.title, ylabel: spec.ylabel,
      labels: labels, data: detailRows(c), dates: true, stacked: spec.stacked, wide: true,
      drawPoints: false, colors: Charts.palette});
  }

  // Removes a detail chart from the page and from charts.js's self-check list.
  function dropGraph(g) {
    var all = Charts.dygraphs.all;
    for (var i = all.length - 1; i >= 0; i--) if (all[i].graph === g) all.splice(i, 1);
    var box = g.maindiv_.parentNode;
    g.destroy();
    if (box && box.parentNode) box.parentNode.removeChild(box);
  }

  function closeDetail() {
    if (!detail) return;
    var d = detail;
    detail = null;
    if (d.graph) dropGraph(d.graph);
    d.overlay.parentNode.removeChild(d.overlay);
    d.from.focus();
  }
  document.addEventListener('keydown', function (e) { if (e.key === 'Escape') closeDetail(); });
  window.dashboardDetail = {open: openDetail, close: closeDetail,
    isOpen: function () { return !!detail; }};

  // One new snapshot: one new row per chart, then the redraws.
  function add(s) {
    if (!prev) { prev = s; return; }
    var a = prev, b = s, time = b.t * 1000;
    prev = s;
    if (!charts) charts = specs.map(function () { return {graph: null, names: [], data: [], onScreen: false}; });
    specs.forEach(function (spec, j) {
      var c = charts[j];
      append(c, time, missing(spec, b).length < spec.needs.length ? spec.row(a, b, b.t - a.t) : {});
      if (!c.graph) create(spec, j, b);
      Charts.all[j].missing = missing(spec, b);
    });
    drawAll();
    if (detail) drawDetail();
  }

  function poll() {
    fetch('/dashboard/data', {cache: 'no-store'}).then(function (r) {
      if (!r.ok) throw new Error('HTTP ' + r.status);
      return r.json();
    }).then(function (s) {
      add(s); // live charts follow the clock: no zoom sync, which would redraw them all
      window.dashboardPolls++;
      var text = 'updated ' + new Date(s.t * 1000).toLocaleTimeString() + ', every second';
      if (!document.hidden) stateLine.textContent = text;
    }).catch(function (e) {
      stateLine.textContent = 'cannot read /dashboard/data: ' + e.message + ' (retrying)';
    }).finally(function () { setTimeout(poll, 1000); });
  }
  poll();
})();
