// charts.js: the small layer over Debian's dygraphs that actorshop-bench's --report and the
// daemon's /dashboard share: a time-series chart with stage markers and threshold lines, a
// histogram chart, a zoom-synced group, and a self-check that headless tests read.
(function () {
  'use strict';

  var palette = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2',
    '#7f7f7f', '#bcbd22', '#17becf'];
  var charts = []; // every chart made on this page: {title, graph, missing}

  // The legend under each chart, in place of dygraphs' own Legend plugin: that one measures an em
  // in the legend (a forced layout of the whole page) and rewrites the legend's HTML on every
  // draw, which made it most of a live page's main-thread time. This one builds its spans once
  // per set of series and afterwards only changes the text of values that changed, without
  // reading layout. It shows the hovered row (also when a synchronized chart is hovered) and
  // otherwise the last row, formatted by the axes' valueFormatters as dygraphs' legend does.
  function QuietLegend() {}
  QuietLegend.prototype.activate = function (g) {
    this.g = g;
    this.div = g.getOption('labelsDiv');
    this.key = null;
    return {select: this.select, deselect: this.show, didDrawChart: this.show};
  };
  QuietLegend.prototype.build = function () {
    var g = this.g, labels = g.getLabels() || [], colors = g.getColors() || [];
    var key = labels.join('\u0001') + '\u0002' + colors.join(',');
    if (key === this.key) return;
    this.key = key;
    this.div.textContent = '';
    this.x = this.div.appendChild(document.createElement('span'));
    this.values = [];
    for (var i = 1; i < labels.length; i++) {
      var item = this.div.appendChild(document.createElement('span'));
      var dash = item.appendChild(document.createElement('b'));
      dash.style.color = colors[i - 1];
      dash.textContent = '\u2014 ';
      item.appendChild(document.createTextNode(labels[i] + ': '));
      this.values.push(item.appendChild(document.createTextNode('')));
    }
  };
  QuietLegend.prototype.text = function (node, value) {
    if (node.nodeValue !== value) node.nodeValue = value;
  };
  QuietLegend.prototype.showRow = function (row) {
    if (!this.div) return;
    this.build();
    var g = this.g, labels = g.getLabels() || [];
    if (row < 0 || row >= g.numRows()) {
      this.text(this.x.firstChild || this.x.appendChild(document.createTextNode('')), '');
      this.values.forEach(function (v) { this.text(v, ''); }, this);
      return;
    }
    var xv = g.optionsViewForAxis_('x'), yv = g.optionsViewForAxis_('y');
    var xf = xv('valueFormatter'), yf = yv('valueFormatter');
    var x = g.getValue(row, 0);
    this.text(this.x.firstChild || this.x.appendChild(document.createTextNode('')),
      xf.call(g, x, xv, labels[0], g, row, 0) + ':');
    for (var i = 0; i < this.values.length; i++) {
      var y = g.getValue(row, i + 1);
      this.text(this.values[i], y === null || y === undefined || isNaN(y) ? '\u2013'
        : yf.call(g, y, yv, labels[i + 1], g, row, i + 1));
    }
  };
  QuietLegend.prototype.select = function (e) { this.showRow(e.selectedRow); };
  QuietLegend.prototype.show = function () {
    var g = this.g, sel = g.getSelection();
    this.showRow(sel >= 0 ? sel : g.numRows() - 1);
  };
  Dygraph.PLUGINS = Dygraph.PLUGINS.filter(function (p) { return p !== Dygraph.Plugins.Legend; });

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
  // missing (what the chart lacks, for the self-check), dates (x values are Date objects),
  // drawPoints (default: when fewer than 40 rows).
  function timeSeries(parent, opts) {
    var b = box(parent, opts);
    var g = new Dygraph(b.plot, opts.data, {
      title: opts.title,
      ylabel: opts.ylabel,
      xlabel: opts.xlabel || (opts.dates ? '' : 'seconds since start'),
      labels: opts.labels,
      colors: opts.colors || palette,
      labelsDiv: b.legend,
      plugins: [new QuietLegend()],
      stackedGraph: !!opts.stacked,
      fillGraph: !!opts.stacked,
      strokeWidth: 1.5,
      drawPoints: opts.drawPoints !== undefined ? opts.drawPoints : opts.data.length < 40,
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
      plugins: [new QuietLegend()],
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
