// report.js: draws actorshop-bench's --report from the JSON embedded in the page (#report-data):
// every time series shares the x axis (seconds since the start), the stage boundaries and the
// zoom; the latency histogram has its own.
(function () {
  'use strict';
  var spec = JSON.parse(document.getElementById('report-data').textContent);
  var grid = document.getElementById('charts');
  var series = [];
  spec.charts.forEach(function (c) {
    if (c.kind === 'histogram') {
      Charts.histogram(grid, c);
    } else {
      c.markers = spec.markers;
      series.push(Charts.timeSeries(grid, c));
    }
  });
  Charts.syncGroup(series);
  document.body.setAttribute('data-charts', String(Charts.all.length));
})();
