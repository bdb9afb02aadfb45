// charts.js: the small layer over Debian's dygraphs that actorshop-bench's --report and the
// daemon's /dashboard share: a time-series chart with stage markers and threshold lines, a
// histogram chart, a zoom-synced group, and a self-check that headless tests read.
(function () {
  'use strict';

  var palette = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2',
    '#7f7f7f', '#bcbd22', '#17becf'];
  var charts = []; // every chart made on this page: {title, graph, missing}

  // A titled box with the plot and its legend under it (a legend inside would hide lines).
  function box(parent, opts) {
    var div = document.createElement('div');
    div.className = 'chart' + (opts.wide ? ' wide' : '');
    var plot = document.createElement('div');
    plot.className = 'plot';
    var legend = document.createElement('div');
    legend.className = 'legend';
    div.appendChild(plot);
    div.appendChild(legend);
    if (opts.note) {
      var note = document.createElement('div');
      note.className = 'note';
      note.textContent = opts.note;
      div.appendChild(note);
    }
    parent.appendChild(div);
    return {plot: plot, legend: legend};
  }

  // Draws the vertical stage boundaries and the horizontal threshold lines under the series.
  function underlay(markers, thresholds) {
    return function (ctx, area, g) {
      ctx.save();
      ctx.font = '11px sans-serif';
      ctx.setLineDash([4, 3]);
      (markers || []).forEach(function (m) {
        var x = g.toDomXCoord(m.x);
        if (x < area.x || x > area.x + area.w) return;
        ctx.strokeStyle = '#888';
        ctx.beginPath();
        ctx.moveTo(x, area.y);
        ctx.lineTo(x, area.y + area.h);
        ctx.stroke();
        ctx.fillStyle = '#555';
        ctx.fillText(m.label, x + 3, area.y + 11);
      });
      (thresholds || []).forEach(function (t) {
        var y = g.toDomYCoord(t.y);
        if (y < area.y || y > area.y + area.h) return;
        ctx.strokeStyle = t.ok === false ? '#d62728' : '#e08a00';
        ctx.beginPath();
        ctx.moveTo(area.x, y);
        ctx.lineTo(area.x + area.w, y);
        ctx.stroke();
        ctx.fillStyle = ctx.strokeStyle;
        ctx.fillText(t.label, area.x + 4, y - 3);
      });
      ctx.restore();
    };
  }

  // Thresholds far above the data would flatten it: the axis grows to hold one only when it is
  // within 3x of the data's top; otherwise the note under the chart names it.
  function valueRange(data, thresholds) {
    var top = 0;
    data.forEach(function (row) {
      for (var i = 1; i < row.length; i++) if (row[i] > top) top = row[i];
    });
    (thresholds || []).forEach(function (t) {
      if (t.y > top && t.y <= 3 * top) top = t.y;
    });
    return top > 0 ? [0, top * 1.08] : null;
  }

  // opts: title, ylabel, labels ([x name, series...]), data (rows [x, y...], null = gap),
  // xlabel, markers [{x, label}], thresholds [{y, label, ok}], stacked, wide, note,
  // missing (what the chart lacks, for the self-check), dates (x values are Date objects).
  function timeSeries(parent, opts) {
    var b = box(parent, opts);
    var g = new Dygraph(b.plot, opts.data, {
      title: opts.title,
      ylabel: opts.ylabel,
      xlabel: opts.xlabel || (opts.dates ? '' : 'seconds since start'),
      labels: opts.labels,
      colors: opts.colors || palette,
      labelsDiv: b.legend,
      legend: 'always',
      stackedGraph: !!opts.stacked,
      fillGraph: !!opts.stacked,
      strokeWidth: 1.5,
      drawPoints: opts.data.length < 40,
      // Fixed only to make room for a threshold line; otherwise it follows the data (live).
      valueRange: opts.thresholds && opts.thresholds.length && !opts.stacked
        ? valueRange(opts.data, opts.thresholds) : null,
      axes: {
        x: {drawGrid: true, axisLabelWidth: 60},
        y: {drawGrid: true, axisLabelWidth: 60, includeZero: true}
      },
      underlayCallback: underlay(opts.markers, opts.thresholds)
    });
    charts.push({kind: 'series', title: opts.title, graph: g, missing: opts.missing || []});
    return g;
  }

  // opts: title, xlabel, ylabel, labels, data (rows [bucket lower bound, count...]).
  function histogram(parent, opts) {
    var b = box(parent, opts);
    var g = new Dygraph(b.plot, opts.data, {
      title: opts.title,
      xlabel: opts.xlabel,
      ylabel: opts.ylabel,
      labels: opts.labels,
      colors: opts.colors || palette,
      labelsDiv: b.legend,
      legend: 'always',
      stepPlot: true,
      fillGraph: true,
      strokeWidth: 1.2,
      axes: {
        x: {logscale: true, drawGrid: true, axisLabelWidth: 60},
        y: {drawGrid: true, axisLabelWidth: 60, includeZero: true}
      }
    });
    charts.push({kind: 'histogram', title: opts.title, graph: g, missing: opts.missing || []});
    return g;
  }

  // Zooming (drag, or updateOptions({dateWindow})) one chart of `graphs` zooms them all.
  function syncGroup(graphs) {
    if (graphs.length > 1) Dygraph.synchronize(graphs, {zoom: true, selection: true, range: false});
  }

  // True when the chart laid out at least one point of a series inside its plot and its canvas
  // (dygraphs' hidden_, where series, grid and axes are painted) holds painted pixels.
  function drawn(g) {
    var placed = (g.layout_.points || []).some(function (series) {
      return series.some(function (p) { return isFinite(p.canvasx) && isFinite(p.canvasy); });
    });
    var c = g.hidden_;
    var px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    for (var i = 3; i < px.length; i += 4) if (px[i] !== 0) return placed;
    return false;
  }

  // What the headless tests read: every chart's title, rows, whether it drew and what it lacks.
  function status() {
    return charts.map(function (c) {
      return {kind: c.kind, title: c.title, rows: c.graph.numRows(), drawn: drawn(c.graph), missing: c.missing,
        xRange: c.graph.xAxisRange()};
    });
  }

  window.Charts = {timeSeries: timeSeries, histogram: histogram, syncGroup: syncGroup,
    status: status, all: charts, palette: palette};
})();
