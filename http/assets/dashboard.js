// dashboard.js: the daemon's live dashboard. Polls /dashboard/data once a second (the daemon's
// Prometheus families as compact JSON), keeps the last five minutes, and charts rates, latency
// quantiles and gauges computed from consecutive snapshots, as PromQL's rate() and
// histogram_quantile() would.
(function () {
  'use strict';
  var keep = 300;                     // snapshots (seconds) on the charts
  var ops = {'/metrics': 1, '/dashboard': 1, '/dashboard/data': 1, '/health': 1}; // not shop traffic
  var snaps = [];
  var charts = null;
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

  // histogram_quantile over the increase between two bucket sets; null when nothing happened.
  function quantile(q, a, b) {
    if (!a || !b) return null;
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
        var n = x && y ? y.count - x.count : 0;
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

  // Turns the rows of one chart ({name: value} per pair) into dygraphs' labels and data.
  function table(rows, times) {
    var names = [];
    rows.forEach(function (r) { for (var k in r) if (names.indexOf(k) < 0) names.push(k); });
    names.sort();
    var data = rows.map(function (r, i) {
      return [times[i]].concat(names.map(function (n) { return n in r && isFinite(r[n]) ? r[n] : null; }));
    });
    return {labels: ['time'].concat(names.length ? names : ['(none)']), data: names.length ? data : data.map(function (d) { return [d[0], null]; })};
  }

  function missing(spec, s) { return spec.needs.filter(function (n) { return !family(s, n); }); }

  function redraw() {
    var times = [], rows = specs.map(function () { return []; });
    for (var i = 1; i < snaps.length; i++) {
      var a = snaps[i - 1], b = snaps[i];
      times.push(new Date(b.t * 1000));
      specs.forEach(function (spec, j) { rows[j].push(missing(spec, b).length < spec.needs.length ? spec.row(a, b, b.t - a.t) : {}); });
    }
    var last = snaps[snaps.length - 1];
    specs.forEach(function (spec, j) {
      var t = table(rows[j], times);
      if (!charts) return;
      if (!charts[j]) {
        charts[j] = Charts.timeSeries(grid, {title: spec.title, ylabel: spec.ylabel, labels: t.labels, data: t.data,
          stacked: spec.stacked, dates: true, missing: missing(spec, last),
          note: missing(spec, last).length ? 'not exposed by this daemon: ' + missing(spec, last).join(', ') : ''});
      } else {
        charts[j].updateOptions({file: t.data, labels: t.labels});
        Charts.all[j].missing = missing(spec, last);
      }
    });
  }

  function poll() {
    fetch('/dashboard/data', {cache: 'no-store'}).then(function (r) {
      if (!r.ok) throw new Error('HTTP ' + r.status);
      return r.json();
    }).then(function (s) {
      snaps.push(s);
      if (snaps.length > keep + 1) snaps.shift();
      if (snaps.length >= 2 && !charts) charts = [];
      if (charts) redraw(); // live charts follow the clock: no zoom sync, which would redraw them all
      window.dashboardPolls++;
      stateLine.textContent = 'updated ' + new Date(s.t * 1000).toLocaleTimeString() + ', every second';
    }).catch(function (e) {
      stateLine.textContent = 'cannot read /dashboard/data: ' + e.message + ' (retrying)';
    }).finally(function () { setTimeout(poll, 1000); });
  }
  poll();
})();
