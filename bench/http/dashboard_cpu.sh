#!/usr/bin/env bash
# What an open dashboard costs the machine it watches (issue 11 item 5): the CPU seconds of
# Debian's headless Chromium (whole process tree: renderer, GPU and utility children included,
# bench/http/proc_cpu.py) over a fixed window, with the page open and live, for three pages:
#   blank  a page that only fetches /dashboard/data every second and parses it (the floor: what
#          any live page pays for the browser, the poll and the JSON);
#   ref    REF_BUILD's /dashboard (default: /work/main/build, the main branch's page);
#   new    BUILD's /dashboard.
# One daemon of BUILD (metrics on) serves the data under a steady modest load: actorshop-bench's
# coupon-peak scenario at a fixed arrival rate (RATE/s, 127.0.0.1 only, bounded in time). The
# pages are served by a small same-origin proxy (python3) that forwards /dashboard/data to the
# daemon, so the three pages poll the same data the same way; its CPU is not counted. Chromium
# runs with metrics_cost.sh's flags (headless, --disable-gpu, 1920x1080). Each run measures the
# three pages in a rotated order; the end prints each page's median [min..max] over the runs and
# its ratio to the blank page's and to ref's median.
#   bench/http/dashboard_cpu.sh BUILD_DIR [RUNS=3] [WINDOW_SECONDS=20] [REF_BUILD=/work/main/build]
#   env: RATE (requests/s of load, default 200)
set -euo pipefail
build="$(cd "${1:?usage: dashboard_cpu.sh BUILD_DIR [RUNS] [WINDOW] [REF_BUILD]}" && pwd)"
runs="${2:-3}"
window="${3:-20}"
ref_build="${4:-/work/main/build}"
rate="${RATE:-200}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="$(mktemp -d /tmp/actorshop-dashboard-cpu.XXXXXX)"
cpu="$root/bench/http/proc_cpu.py"
pids=()
cleanup() { for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 200); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; echo "port $1 not up" >&2; exit 1; }

# page BUILD FILE: the /dashboard page a daemon of BUILD serves (a short-lived one of its own).
page() {
  local port db="$out/page-$RANDOM.db" p
  port="$(free_port)"
  "$1/daemon/actorshop" --db "$db" --port "$port" --seed --log-level warn >/dev/null 2>&1 &
  p=$!
  wait_port "$port"
  curl -sf "http://127.0.0.1:$port/dashboard" >"$2"
  kill -TERM "$p"; wait "$p" || true
}

cat >"$out/blank.html" <<'HTML'
<!DOCTYPE html><html><head><meta charset="utf-8"><title>blank</title></head><body>
<p id="state">waiting</p>
<script>
// The floor: the once-a-second poll and its JSON parse, nothing drawn but one line of text.
window.dashboardPolls = 0;
function poll() {
  fetch('/dashboard/data', {cache: 'no-store'}).then(function (r) { return r.json(); })
    .then(function (s) { window.dashboardPolls++;
      document.getElementById('state').textContent = Object.keys(s.families).length + ' families'; })
    .catch(function () {}).finally(function () { setTimeout(poll, 1000); });
}
poll();
</script></body></html>
HTML
page "$ref_build" "$out/ref.html"
page "$build" "$out/new.html"

# The daemon under load.
port="$(free_port)"
"$build/daemon/actorshop" --db "$out/load.db" --port "$port" --seed --log-level warn \
  >"$out/daemon.out" 2>"$out/daemon.err" &
daemon=$!
pids+=("$daemon")
wait_port "$port"
total=$((runs * 3 * (window + 15) + 30)) # the load outlasts every measurement; stopped at the end
"$build/bench/harness/actorshop-bench" --profile coupon-peak --executor ramping-arrival-rate \
  --pre-allocated-vus 20 --max-vus 200 --stage "1s:$rate" --stage "${total}s:$rate" --seed 7 \
  --quiet --no-audit --target "http://127.0.0.1:$port" >"$out/bench.txt" 2>&1 &
pids+=($!)

# The page server: the three pages, /dashboard/data forwarded to the daemon, /polls counting them.
proxy_port="$(free_port)"
python3 - "$out" "$proxy_port" "$port" <<'PY' >"$out/proxy.log" 2>&1 &
import http.server, sys, urllib.request
out, port, daemon = sys.argv[1], int(sys.argv[2]), sys.argv[3]
polls = 0
class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def send(self, body, kind):
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)
    def do_GET(self):
        global polls
        if self.path == "/dashboard/data":
            polls += 1
            with urllib.request.urlopen(f"http://127.0.0.1:{daemon}/dashboard/data") as r:
                self.send(r.read(), "application/json")
        elif self.path == "/polls":
            self.send(str(polls).encode(), "text/plain")
        elif self.path.strip("/") in ("blank", "ref", "new"):
            with open(f"{out}/{self.path.strip('/')}.html", "rb") as f:
                self.send(f.read(), "text/html; charset=utf-8")
        else:
            self.send_error(404)
http.server.ThreadingHTTPServer(("127.0.0.1", port), H).serve_forever()
PY
pids+=($!)
wait_port "$proxy_port"
polls() { curl -sf "http://127.0.0.1:$proxy_port/polls"; }

# measure PAGE N: opens PAGE, waits for its third poll (the dashboard makes its charts at the
# second), then prints Chromium's CPU seconds over the window.
measure() {
  local name="$1" n="$2" profile="$out/chromium-$1-$2" browser p0 before after
  p0="$(polls)"
  chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --window-size=1920,1080 --user-data-dir="$profile" "http://127.0.0.1:$proxy_port/$name" \
    >"$out/chromium-$name-$n.log" 2>&1 &
  browser=$!
  for _ in $(seq 150); do [ $(($(polls) - p0)) -ge 3 ] && break; sleep 0.2; done
  before="$("$cpu" tree "$browser")"
  sleep "$window"
  after="$("$cpu" tree "$browser")"
  python3 -c 'import sys; print(f"{float(sys.argv[2]) - float(sys.argv[1]):.3f}")' "$before" "$after"
  kill -TERM "$browser"; wait "$browser" || true
  rm -rf "$profile" 2>/dev/null || true # its children may still be writing: a leftover in $out
}

pages=(blank ref new)
for n in $(seq "$runs"); do
  line="run $n:"
  for i in 0 1 2; do
    name="${pages[$(((i + n - 1) % 3))]}"
    s="$(measure "$name" "$n")"
    echo "$s" >>"$out/$name.cpu"
    line="$line $name=$s"
  done
  echo "$line CPU-s in ${window} s"
done
python3 - "$out" "$window" "$rate" <<'PY'
import os, statistics, sys
out, window, rate = sys.argv[1], float(sys.argv[2]), sys.argv[3]
med = {}
print(f"Chromium CPU seconds per {window:g} s with the page open (load {rate} req/s), median [min..max]:")
for name in ["blank", "ref", "new"]:
    v = [float(x) for x in open(f"{out}/{name}.cpu").read().split()]
    med[name] = statistics.median(v)
    share = 100 * med[name] / window / os.cpu_count()
    print(f"  {name:<6}{med[name]:7.3f} [{min(v):.3f}..{max(v):.3f}]  {share:4.1f}% of the {os.cpu_count()} cores")
for name in ["ref", "new"]:
    print(f"  {name} / blank: {med[name] / med['blank']:.2f}")
print(f"  new / ref: {med['new'] / med['ref']:.2f}")
print(f"  per 10.6 s (metrics_cost.sh's run): blank {med['blank'] * 10.6 / window:.2f}, "
      f"ref {med['ref'] * 10.6 / window:.2f}, new {med['new'] * 10.6 / window:.2f}")
PY
echo "raw outputs: $out"
