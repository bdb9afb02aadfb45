// live.js: the live dashboard's charts, a small canvas line renderer in place of dygraphs.
// The page stays open on the machine it watches, so a redraw is paint only: a chart's grid, axis
// labels, lines and legend values are painted on one canvas shared by all charts (no DOM node
// per label, no style or layout work), in one requestAnimationFrame for every chart that has
// something new. With dygraphs (which rebuilds its axis-label divs and legend on every draw)
// Chromium spent ~7x the CPU of a page that only polls with the dashboard open, with this ~2.2x
// (bench/http/dashboard_cpu.sh, busy host). Dygraphs (charts.js) stays where zooming matters and
// a chart is not redrawn every second by default: the bench's --report, and a chart's detail view
// on this page (dashboard.js), which only an open detail draws.
// Exposes window.Charts.{all, status} like charts.js, for the headless self-check; charts.js's own
// window.Charts (dygraphs, loaded before this file on the dashboard) stays reachable as
// window.Charts.dygraphs, for the detail view of a chart.
(function () {
  'use strict';

  var palette = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2',
    '#17becf', '#bcbd22', '#7f7f7f'];
  var plotHeight = 210;               // CSS px of the plot and its axes; the legend is under it
  var legendRow = 16;
  var pad = {left: 52, right: 10, top: 8, bottom: 18};
  var font = '11px sans-serif';
  var charts = [];                    // every LiveChart of the page
  var queued = [];                    // charts to repaint at the next animation frame

  // Steps of 1, 2 or 5 times a power of ten: about `n` of them from 0 to `top`.
  function step(top, n) {
    var raw = top / n, p = Math.pow(10, Math.floor(Math.log10(raw)));
    var m = raw / p;
    return p * (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10);
  }

  function tick(v) {
    var a = Math.abs(v);
    if (a >= 1e6) return +(v / 1e6).toFixed(2) + 'M';
    if (a >= 1e4) return +(v / 1e3).toFixed(1) + 'k';
    return String(+v.toFixed(3));
  }

  function value(v) {
    if (v === null || v === undefined || !isFinite(v)) return '\u2013';
    var a = Math.abs(v);
    return a >= 100 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : a >= 0.01 || a === 0 ? v.toFixed(2) : v.toPrecision(2);
  }

  function clock(t) {
    var d = new Date(t), two = function (x) { return (x < 10 ? '0' : '') + x; };
    return two(d.getHours()) + ':' + two(d.getMinutes()) + ':' + two(d.getSeconds());
  }

  // The one canvas all charts paint on, behind the grid of chart boxes (which are transparent
  // where the plots go). Chromium hands every canvas that changed in a frame to its compositor
  // at a cost that grows with their number more than with their size (variants of this page
  // under dashboard_cpu.sh's harness: a 4x4-pixel change on each chart's own canvas cost most of
  // repainting them whole, eight small extra canvases as much), so the charts share one, and a
  // second's redraws are one change of it.
  var board = null;                   // {canvas, ctx, grid, ratio}

  function makeBoard(grid) {
    var canvas = document.createElement('canvas');
    canvas.className = 'board';
    grid.parentNode.insertBefore(canvas, grid);
    grid.classList.add('over-board');
    board = {canvas: canvas, ctx: canvas.getContext('2d', {alpha: false}), grid: grid};
  }

  // Sizes the board to the grid and places every chart on it (when a chart is added, the
  // window is resized or a legend changes height); the only code that reads layout.
  function layout() {
    var g = board.grid, ratio = window.devicePixelRatio || 1;
    charts.forEach(function (c) {
      c.width = c.stage.clientWidth;
      c.legend = c.layoutLegend();
      c.stage.style.height = c.height() + 'px';
    });
    var w = g.clientWidth, h = g.clientHeight;
    board.canvas.style.width = w + 'px';
    board.canvas.style.height = h + 'px';
    board.canvas.style.marginBottom = -h + 'px';
    board.canvas.width = Math.round(w * ratio);
    board.canvas.height = Math.round(h * ratio);
    board.ratio = ratio;
    board.ctx.fillStyle = '#fff';
    board.ctx.fillRect(0, 0, board.canvas.width, board.canvas.height);
    var origin = g.getBoundingClientRect();
    charts.forEach(function (c) {
      var r = c.stage.getBoundingClientRect();
      c.left = r.left - origin.left;
      c.top = r.top - origin.top;
      c.queue();
    });
  }
  var relayout = false;
  function layoutSoon() {
    if (relayout) return;
    relayout = true;
    requestAnimationFrame(function () { relayout = false; layout(); });
  }
  window.addEventListener('resize', function () { if (board) layoutSoon(); });

  // opts: title, unit, stacked, note, missing, span (ms of time on the x axis).
  function LiveChart(grid, opts) {
    if (!board) makeBoard(grid);
    this.title = opts.title;
    this.kind = 'series';
    this.stacked = !!opts.stacked;
    this.span = opts.span;
    this.missing = opts.missing || [];
    this.names = [];
    this.rows = [];                   // [time ms, value or null per name]
    this.hover = -1;                  // the hovered row, or -1: the legend shows the last row
    this.points = 0;                  // points the last paint placed inside the plot
    this.legend = [];
    this.box = document.createElement('div');
    this.box.className = 'chart live';
    var h = this.box.appendChild(document.createElement('div'));
    h.className = 'title';
    h.textContent = opts.title + (opts.unit ? ' (' + opts.unit + ')' : '');
    this.stage = this.box.appendChild(document.createElement('div'));
    this.stage.className = 'stage';
    this.stage.style.height = this.height() + 'px';
    if (opts.note) {
      var note = this.box.appendChild(document.createElement('div'));
      note.className = 'note';
      note.textContent = opts.note;
    }
    grid.appendChild(this.box);
    var self = this;
    this.stage.addEventListener('mousemove', function (e) { self.hoverAt(e.offsetX); });
    this.stage.addEventListener('mouseleave', function () { self.hover = -1; self.queue(); });
    charts.push(this);
    layoutSoon();
  }

  // The stage's height: the plot and the legend's rows under it.
  LiveChart.prototype.height = function () {
    var rows = this.legend.length ? this.legend[this.legend.length - 1].row + 1 : 1;
    return plotHeight + rows * legendRow + 4;
  };

  // The legend's places: each series' name measured once, with room for its value.
  LiveChart.prototype.layoutLegend = function () {
    var x = pad.left, row = 0, ctx = board.ctx, width = this.width, out = [];
    ctx.font = font;
    this.names.forEach(function (n) {
      var w = 18 + ctx.measureText(n + ': ').width;
      var slot = w + ctx.measureText('000000.00').width + 10;
      if (x + slot > width && x > pad.left) { x = pad.left; row++; }
      out.push({x: x, row: row, valueX: x + w});
      x += slot;
    });
    return out;
  };

  // New series names and rows (the chart keeps the reference; rows grow at the end).
  LiveChart.prototype.update = function (names, rows) {
    var renamed = names.join('\u0001') !== this.names.join('\u0001');
    this.names = names.slice();
    this.rows = rows;
    if (renamed && this.width) {
      this.legend = this.layoutLegend();
      var h = this.height();
      if (h + 'px' !== this.stage.style.height) {
        this.stage.style.height = h + 'px';
        return layoutSoon(); // the charts after it may have moved
      }
    }
    this.queue();
  };

  LiveChart.prototype.queue = function () {
    if (this.queued || this.width === undefined) return;
    this.queued = true;
    if (queued.push(this) === 1) requestAnimationFrame(paintQueued);
  };

  function paintQueued() {
    var list = queued;
    queued = [];
    list.forEach(function (c) { c.queued = false; c.paint(); });
  }

  LiveChart.prototype.hoverAt = function (x) {
    var n = this.rows.length;
    if (!n) return;
    var r = this.area(), t1 = this.rows[n - 1][0], t = t1 - this.span + (x - r.x) / r.w * this.span;
    var best = -1, dist = Infinity;
    for (var i = 0; i < n; i++) {
      var d = Math.abs(this.rows[i][0] - t);
      if (d < dist) { dist = d; best = i; }
    }
    if (best !== this.hover) { this.hover = best; this.queue(); }
  };

  LiveChart.prototype.area = function () {
    return {x: pad.left, y: pad.top, w: this.width - pad.left - pad.right,
      h: plotHeight - pad.top - pad.bottom};
  };

  // The top of the y axis: the largest value (or stacked sum), rounded up to a step.
  LiveChart.prototype.yAxis = function () {
    var top = 0, stacked = this.stacked;
    this.rows.forEach(function (row) {
      var sum = 0;
      for (var i = 1; i < row.length; i++) {
        var v = row[i];
        if (v === null || !isFinite(v)) continue;
        if (stacked) sum += v; else if (v > top) top = v;
      }
      if (stacked && sum > top) top = sum;
    });
    if (!(top > 0)) return {top: 1, step: 0.25};
    var s = step(top, 4);
    return {top: Math.ceil(top * 1.0001 / s) * s, step: s};
  };

  // The chart's axes: the x axis ends at the newest row.
  LiveChart.prototype.scales = function () {
    var n = this.rows.length, r = this.area();
    var t1 = n ? this.rows[n - 1][0] : Date.now(), t0 = t1 - this.span;
    var sx = r.w / this.span, sy = r.h / this.y.top;
    return {r: r, t0: t0, t1: t1, sx: sx,
      X: function (t) { return r.x + (t - t0) * sx; },
      Y: function (v) { return r.y + r.h - v * sy; }};
  };

  // The whole chart, in its place on the board: axes, grid, labels, lines, legend.
  LiveChart.prototype.paint = function () {
    var ctx = board.ctx, k = board.ratio, n = this.rows.length, h = this.height();
    ctx.setTransform(k, 0, 0, k, this.left * k, this.top * k);
    ctx.save();
    ctx.beginPath();
    ctx.rect(0, 0, this.width, h);
    ctx.clip();
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, this.width, h);
    ctx.font = font;
    this.y = this.yAxis();
    var s = this.scales();
    this.grid(ctx, s);
    this.points = this.lines(ctx, s);
    if (this.hover >= 0 && this.hover < n) {
      var x = Math.round(s.X(this.rows[this.hover][0])) + 0.5;
      ctx.strokeStyle = '#999';
      ctx.beginPath();
      ctx.moveTo(x, s.r.y);
      ctx.lineTo(x, s.r.y + s.r.h);
      ctx.stroke();
    }
    this.paintLegend(ctx);
    ctx.restore();
  };

  // Horizontal lines at each y step and vertical ones each minute, with their labels.
  LiveChart.prototype.grid = function (ctx, s) {
    var r = s.r, y = this.y;
    ctx.lineWidth = 1;
    ctx.strokeStyle = '#e4e4e4';
    ctx.fillStyle = '#555';
    ctx.beginPath();
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (var v = 0; v <= y.top + y.step / 2; v += y.step) {
      var py = Math.round(s.Y(v)) + 0.5;
      ctx.moveTo(r.x, py);
      ctx.lineTo(r.x + r.w, py);
      ctx.fillText(tick(v), r.x - 4, py);
    }
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    for (var t = Math.ceil(s.t0 / 60000) * 60000; t <= s.t1; t += 60000) {
      var px = Math.round(s.X(t)) + 0.5;
      ctx.moveTo(px, r.y);
      ctx.lineTo(px, r.y + r.h);
      ctx.fillText(clock(t), Math.min(Math.max(px, r.x + 24), r.x + r.w - 24), r.y + r.h + 4);
    }
    ctx.stroke();
    ctx.strokeStyle = '#888';
    ctx.strokeRect(r.x + 0.5, r.y + 0.5, r.w, r.h);
  };

  // The series as lines (stacked: filled bands, each on the sum of those before it); a null is
  // a gap. Returns how many points fell inside the plot.
  LiveChart.prototype.lines = function (ctx, s) {
    var rows = this.rows, stacked = this.stacked, placed = 0, r = s.r;
    var base = stacked ? rows.map(function () { return 0; }) : null;
    ctx.save();
    ctx.beginPath();
    ctx.rect(r.x, r.y, r.w + 1, r.h + 1);
    ctx.clip();
    ctx.lineWidth = 1.5;
    ctx.lineJoin = 'round';
    for (var k = 1; k <= this.names.length; k++) {
      var color = palette[(k - 1) % palette.length], on = [], open = false;
      ctx.beginPath();
      for (var i = 0; i < rows.length; i++) {
        var v = rows[i][k];
        if (rows[i][0] < s.t0 || v === null || v === undefined || !isFinite(v)) { open = false; continue; }
        var py = s.Y(stacked ? base[i] + v : v), px = s.X(rows[i][0]);
        if (open) ctx.lineTo(px, py); else ctx.moveTo(px, py);
        open = true;
        placed++;
        on.push(i);
      }
      if (stacked && on.length) band(ctx, rows, on, base, k, color, s);
      ctx.strokeStyle = color;
      ctx.stroke();
      if (stacked) on.forEach(function (i) { base[i] += rows[i][k]; });
    }
    ctx.restore();
    return placed;
  };

  // A stacked series' band, from its line down to the sum of the series under it; leaves the
  // line itself as the current path, for the caller's stroke.
  function band(ctx, rows, on, base, k, color, s) {
    var line = function () {
      ctx.beginPath();
      on.forEach(function (i, j) {
        var px = s.X(rows[i][0]), py = s.Y(base[i] + rows[i][k]);
        if (j) ctx.lineTo(px, py); else ctx.moveTo(px, py);
      });
    };
    line();
    for (var j = on.length - 1; j >= 0; j--) ctx.lineTo(s.X(rows[on[j]][0]), s.Y(base[on[j]]));
    ctx.closePath();
    ctx.save();
    ctx.globalAlpha = 0.3;
    ctx.fillStyle = color;
    ctx.fill();
    ctx.restore();
    line();
  }

  // Under the plot: the shown row's time (the hovered one, else the newest), then each series'
  // color, name and value.
  LiveChart.prototype.paintLegend = function (ctx) {
    var names = this.names, n = this.rows.length, y0 = plotHeight + 2;
    var row = this.hover >= 0 && this.hover < n ? this.hover : n - 1;
    var values = row >= 0 ? this.rows[row] : null;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'top';
    ctx.fillStyle = '#555';
    ctx.fillText(values ? clock(values[0]) : '', 0, y0);
    if (!names.length) { ctx.fillText('no series yet', pad.left, y0); return; }
    this.legend.forEach(function (p, i) {
      var y = y0 + p.row * legendRow;
      ctx.fillStyle = palette[i % palette.length];
      ctx.fillRect(p.x, y + 6, 12, 2);
      ctx.fillStyle = '#222';
      ctx.fillText(names[i] + ':', p.x + 16, y);
      ctx.fillText(value(values ? values[i + 1] : null), p.valueX, y);
    });
  };

  // For the self-check: some point of a series was placed in the plot, and the plot's place on
  // the board (its frame included: a line at 0 lies on the bottom edge) holds a pixel of a
  // series' color (not the white background, the grey grid and frame or the black text).
  LiveChart.prototype.drawn = function () {
    if (this.points === 0 || this.width === undefined) return false;
    var r = this.area(), k = board.ratio;
    var px = board.ctx.getImageData(Math.floor((this.left + r.x) * k), Math.floor((this.top + r.y) * k),
      Math.ceil((r.w + 2) * k), Math.ceil((r.h + 2) * k)).data;
    for (var i = 0; i < px.length; i += 4)
      if (Math.max(Math.abs(px[i] - px[i + 1]), Math.abs(px[i + 1] - px[i + 2])) > 24) return true;
    return false;
  };

  function status() {
    return charts.map(function (c) {
      var s = c.y ? c.scales() : null;
      return {kind: c.kind, title: c.title, rows: c.rows.length, drawn: c.drawn(), missing: c.missing,
        xRange: s ? [s.t0, s.t1] : null};
    });
  }

  window.Charts = {LiveChart: LiveChart, all: charts, status: status, palette: palette,
    dygraphs: window.Charts && window.Charts.timeSeries ? window.Charts : null};
})();
