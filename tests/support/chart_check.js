#!/usr/bin/env node
// Loads a chart page (the bench's --report or the daemon's /dashboard) in Debian's headless
// Chromium over the DevTools protocol (--remote-debugging-pipe: no npm package, no port), waits
// until every chart of charts.js (dygraphs) or live.js (canvas) has drawn data, optionally zooms
// one chart and takes a screenshot, and writes what it saw as JSON. Exit status 0 when the charts
// drew before the deadline, 1 otherwise (the JSON says what was missing), 2 on a usage or browser
// error.
//
//   node chart_check.js --url URL --out RESULT.json [--min-polls N] [--zoom]
//        [--screenshot FILE.png] [--deadline SECONDS] [--chromium PATH] [--profile DIR]
'use strict';
const {spawn} = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

function parseArgs(argv) {
  const a = {minPolls : 0, zoom : false, deadline : 90, chromium : '/usr/bin/chromium'};
  for (let i = 2; i < argv.length; i++) {
    const k = argv[i];
    if (k === '--zoom')
      a.zoom = true;
    else if (k === '--detail')
      a.detail = true;
    else if (k === '--url')
      a.url = argv[++i];
    else if (k === '--out')
      a.out = argv[++i];
    else if (k === '--min-polls')
      a.minPolls = Number(argv[++i]);
    else if (k === '--screenshot')
      a.screenshot = argv[++i];
    else if (k === '--deadline')
      a.deadline = Number(argv[++i]);
    else if (k === '--chromium')
      a.chromium = argv[++i];
    else if (k === '--profile')
      a.profile = argv[++i];
    else
      throw new Error('unknown argument ' + k);
  }
  if (!a.url || !a.out)
    throw new Error('--url and --out are required');
  return a;
}

// A DevTools session over the pipe: NUL-terminated JSON messages on fds 3 (to) and 4 (from).
function devtools(child) {
  let next = 1, buffer = '';
  const pending = new Map(), listeners = [];
  child.stdio[4].on('data', (chunk) => {
    buffer += chunk.toString('utf8');
    for (let end; (end = buffer.indexOf('\0')) >= 0;) {
      const msg = JSON.parse(buffer.slice(0, end));
      buffer = buffer.slice(end + 1);
      if (msg.id && pending.has(msg.id)) {
        const {resolve, reject} = pending.get(msg.id);
        pending.delete(msg.id);
        if (msg.error)
          reject(new Error(JSON.stringify(msg.error)));
        else
          resolve(msg.result);
      } else if (msg.method) {
        listeners.forEach((l) => l(msg));
      }
    }
  });
  return {
    send(method, params, sessionId) {
      const id = next++;
      const msg = {id, method, params : params || {}};
      if (sessionId)
        msg.sessionId = sessionId;
      child.stdio[3].write(JSON.stringify(msg) + '\0');
      return new Promise((resolve, reject) => pending.set(id, {resolve, reject}));
    },
    on(listener) { listeners.push(listener); }
  };
}

// What the page reports: charts.js's or live.js's self-check (window.Charts.status()), the dashboard's poll count, the JS errors.
const probe = `JSON.stringify({
  charts: window.Charts ? Charts.status() : null,
  polls: window.dashboardPolls || 0,
  title: document.title,
  items: Array.from(document.querySelectorAll('li')).map((li) => li.className + ' ' + li.textContent)
})`;

function allDrawn(state, minPolls) {
  if (!state.charts || state.charts.length === 0 || state.polls < minPolls)
    return false;
  return state.charts.every((c) => c.missing.length > 0 || (c.rows > 0 && c.drawn));
}

// Zooms the first chart to the second quarter of its x range, as a drag would; `synced` says
// whether every time series (the histogram has its own x axis) followed.
const zoomScript = `(() => {
  const g = Charts.all[0].graph, r = g.xAxisRange();
  const want = [r[0] + (r[1] - r[0]) * 0.25, r[0] + (r[1] - r[0]) * 0.5];
  g.updateOptions({dateWindow: want});
  const series = Charts.all.filter((c) => c.kind === 'series');
  const near = (a, b) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
  return JSON.stringify({requested: want, charts: series.length,
    synced: series.every((c) => near(c.graph.xAxisRange()[0], want[0]) &&
      near(c.graph.xAxisRange()[1], want[1]) && c.graph.isZoomed('x'))});
})()`;

// The dashboard's detail view: the first chart box's centre (for a real click through the
// DevTools protocol) and what the view shows: whether it is open, and charts.js's self-check of
// its dygraphs chart (only detail views make dygraphs charts on the dashboard).
const firstBoxScript = `JSON.stringify((() => {
  const b = document.querySelector('.chart.live');
  b.scrollIntoView();
  const r = b.getBoundingClientRect();
  return {x: r.left + r.width / 2, y: r.top + r.height / 2};
})())`;
const detailProbe = `JSON.stringify({open: !!document.querySelector('.detail'),
  charts: window.Charts && Charts.dygraphs ? Charts.dygraphs.status() : null})`;

// Clicks the first chart, waits until its detail chart drew data and then gained a row (a poll
// reached it), then presses Esc and reads whether the view and its chart are gone.
async function checkDetail(dt, sessionId, evaluate, deadline) {
  const out = {opened : false, title : '', rows : 0, drawn : false, grew : false, closed : false};
  const at = JSON.parse(await evaluate(firstBoxScript));
  for (const type of ['mousePressed', 'mouseReleased'])
    await dt.send('Input.dispatchMouseEvent',
                  {type, x : at.x, y : at.y, button : 'left', buttons : 1, clickCount : 1},
                  sessionId);
  let firstRows = 0;
  while (Date.now() < deadline) {
    const s = JSON.parse(await evaluate(detailProbe));
    const c = s.charts && s.charts.length === 1 ? s.charts[0] : null;
    out.opened = s.open;
    if (c) {
      out.title = c.title;
      out.rows = c.rows;
      out.drawn = c.drawn;
    }
    if (c && c.drawn && c.rows > 0) {
      if (!firstRows)
        firstRows = c.rows;
      else if (c.rows > firstRows) {
        out.grew = true;
        break;
      }
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  for (const type of ['keyDown', 'keyUp'])
    await dt.send('Input.dispatchKeyEvent',
                  {type, key : 'Escape', code : 'Escape', windowsVirtualKeyCode : 27}, sessionId);
  const after = JSON.parse(await evaluate(detailProbe));
  out.closed = !after.open && !!after.charts && after.charts.length === 0;
  return out;
}

async function main() {
  const args = parseArgs(process.argv);
  const profile = args.profile || fs.mkdtempSync(path.join(os.tmpdir(), 'chart-check-'));
  const child = spawn(args.chromium,
                      [
                        '--headless', '--disable-gpu', '--no-sandbox', '--remote-debugging-pipe',
                        '--no-first-run', '--disable-background-networking',
                        '--disable-component-update', '--disable-sync', '--hide-scrollbars',
                        '--window-size=1400,2000', '--user-data-dir=' + profile, 'about:blank'
                      ],
                      {stdio : [ 'ignore', 'ignore', 'ignore', 'pipe', 'pipe' ]});
  const deadline = Date.now() + args.deadline * 1000;
  const killer = setTimeout(() => { child.kill('SIGKILL'); }, args.deadline * 1000 + 15000);
  const result = {url : args.url, ok : false, errors : [], state : null};
  try {
    const dt = devtools(child);
    const {targetInfos} = await dt.send('Target.getTargets');
    const page = targetInfos.find((t) => t.type === 'page');
    const {sessionId} =
        await dt.send('Target.attachToTarget', {targetId : page.targetId, flatten : true});
    dt.on((msg) => {
      if (msg.method === 'Runtime.exceptionThrown')
        result.errors.push(msg.params.exceptionDetails.exception
                               ? msg.params.exceptionDetails.exception.description
                               : msg.params.exceptionDetails.text);
      if (msg.method === 'Runtime.consoleAPICalled' && msg.params.type === 'error')
        result.errors.push(msg.params.args.map((x) => x.value || x.description).join(' '));
    });
    await dt.send('Runtime.enable', {}, sessionId);
    await dt.send('Emulation.setDeviceMetricsOverride',
                  {width : 1400, height : 2000, deviceScaleFactor : 1, mobile : false}, sessionId);
    await dt.send('Page.navigate', {url : args.url}, sessionId);
    const evaluate = async (expression) =>
        (await dt.send('Runtime.evaluate', {expression, returnByValue : true}, sessionId))
            .result.value;
    // Poll the page's own self-check until it says every chart drew, or the deadline passes.
    while (Date.now() < deadline) {
      try {
        result.state = JSON.parse(await evaluate(probe));
      } catch (e) {
        result.state = null; // navigating: the page's context is not there yet
      }
      if (result.state && allDrawn(result.state, args.minPolls))
        break;
      await new Promise((r) => setTimeout(r, 250));
    }
    result.ok = !!result.state && allDrawn(result.state, args.minPolls);
    if (result.ok && args.screenshot) {
      const {cssContentSize} = await dt.send('Page.getLayoutMetrics', {}, sessionId);
      const shot = await dt.send('Page.captureScreenshot', {
        format : 'png',
        captureBeyondViewport : true,
        clip : {
          x : 0,
          y : 0,
          width : 1400,
          height : Math.max(2000, Math.ceil(cssContentSize.height)),
          scale : 1
        }
      },
                                 sessionId);
      fs.writeFileSync(args.screenshot, Buffer.from(shot.data, 'base64'));
    }
    if (result.ok && args.zoom)
      result.zoom = JSON.parse(await evaluate(zoomScript));
    if (result.ok && args.detail)
      result.detail = await checkDetail(dt, sessionId, evaluate, deadline);
  } catch (e) {
    result.errors.push('chart_check: ' + e.message);
  }
  fs.writeFileSync(args.out, JSON.stringify(result, null, 1));
  clearTimeout(killer);
  if (child.exitCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
  // Chromium's children may still be writing to the profile after the browser exited: a leftover
  // temporary folder is not a failed check.
  if (!args.profile) {
    try {
      fs.rmSync(profile, {recursive : true, force : true, maxRetries : 5});
    } catch (e) {
      console.error('chart_check: left ' + profile + ': ' + e.message);
    }
  }
  process.exit(result.ok ? 0 : 1);
}

main().catch((e) => {
  console.error(e);
  process.exit(2);
});
