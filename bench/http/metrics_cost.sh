#!/usr/bin/env bash
# What metrics cost (issue 11 item 5): coupon-peak over HTTP against the same build with metrics on
# -- Debian's Prometheus scraping /metrics every second (config/prometheus/prometheus.yml) and
# /dashboard open in Debian's headless Chromium (polling /dashboard/data every second) for the
# whole run -- and with `--metrics-enabled false` (no scraper, no browser), alternating, each run
# on a freshly seeded database. Prints each run's request count (with the scrapes and dashboard
# polls the daemon served in the on arm), the medians [min..max] and the ratio on/off.
# Requests per second depend on the host's load; bench/http/cpu_per_request.sh measures the same
# cost in instructions per request, which do not. So that the lost requests can be put down to a
# process, each run also prints the CPU seconds (user + system, /proc, whole process trees:
# Chromium's renderer and GPU children included) the daemon, the load generator, Chromium and
# Prometheus used while the load ran, and what the rest of the host took meanwhile
# (bench/http/proc_cpu.py); the end prints their medians per arm.
#   bench/http/metrics_cost.sh BUILD_DIR [RUNS=3] [TIME_SCALE=1]
set -euo pipefail
build="${1:?usage: metrics_cost.sh BUILD_DIR [RUNS] [TIME_SCALE]}"
runs="${2:-3}"
scale="${3:-1}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="$(mktemp -d /tmp/actorshop-metrics-cost.XXXXXX)"
bench="${BENCH:-$build/bench/harness/actorshop-bench}" # the load generator: any build of it
cpu="$root/bench/http/proc_cpu.py"

free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 200); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; echo "port $1 not up" >&2; exit 1; }

# served PORT ROUTE...: how many 200s the daemon counted on each ROUTE, from one fetch of its
# /metrics (metrics on); that fetch is counted in the next one's /metrics figure.
served() {
  local port="$1"; shift
  curl -s --max-time 5 "http://127.0.0.1:$port/metrics" | awk -v routes="$*" '
    BEGIN { n = split(routes, r, " ") }
    index($0, "actorshop_http_requests_total{") == 1 && index($0, "status=\"200\"") {
      for (i = 1; i <= n; i++) if (index($0, "route=\"" r[i] "\"")) c[i] += $NF }
    END { for (i = 1; i <= n; i++) printf "%d%s", c[i], (i < n ? " " : "") }'
}

# Opens http://127.0.0.1:PORT/dashboard in headless Chromium with a fresh profile (the flags of
# tests/support/chart_check.js, without the DevTools pipe: the page only has to stay open and
# poll) in a full-HD window, as an operator's browser would show it (8 of the 10 charts on
# screen); sets browser_pid. Waits for the page's third poll (its charts are made at the second),
# so the run measures the page kept open and polling, not Chromium starting and loading it.
open_dashboard() {
  local port="$1" profile="$out/chromium-$2"
  rm -rf "$profile"
  chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --window-size=1920,1080 --user-data-dir="$profile" "http://127.0.0.1:$port/dashboard" \
    >"$out/chromium-$2.log" 2>&1 &
  browser_pid=$!
  for _ in $(seq 150); do
    [ "$(served "$port" /dashboard/data)" -ge 3 ] && return 0
    sleep 0.2
  done
  kill -TERM "$browser_pid"; echo "the dashboard did not poll /dashboard/data" >&2; exit 1
}

# cpu_now PID...: the CPU seconds of each PID's process tree, then the host's busy CPU seconds and
# the time, on one line.
cpu_now() { echo $("$cpu" tree "$@") "$("$cpu" host)" "$(date +%s.%N)"; }

# run MODE N: one coupon-peak run; MODE on (metrics + Prometheus + dashboard) or off. Prints the
# requests (and, for on, the scrapes and polls served during the run); writes the CPU seconds of
# each process during the load to $out/MODE-N.cpu.
run() {
  local mode="$1" n="$2" db="$out/$1-$2.db" port prom_port prom_pid="" pid browser_pid="" extra=""
  local scrapes0=0 polls0=0 scrapes polls before after
  port="$(free_port)"
  "$build/daemon/actorshop" --db "$db" --port "$port" --seed --log-level warn \
    --metrics-enabled "$([ "$mode" = on ] && echo true || echo false)" \
    >"$out/$mode-$n.daemon.out" 2>"$out/$mode-$n.daemon.err" &
  pid=$!
  wait_port "$port"
  if [ "$mode" = on ]; then
    prom_port="$(free_port)"
    sed "s/127.0.0.1:8080/127.0.0.1:$port/" "$root/config/prometheus/prometheus.yml" >"$out/prom-$n.yml"
    prometheus --config.file="$out/prom-$n.yml" --storage.tsdb.path="$out/prom-$n" \
      --web.listen-address="127.0.0.1:$prom_port" --log.level=warn 2>"$out/prom-$n.log" &
    prom_pid=$!
    # Wait until the target has been scraped (up == 1), so the run is measured while scraped.
    for _ in $(seq 100); do
      curl -s --max-time 1 "http://127.0.0.1:$prom_port/api/v1/query?query=up" | grep -q '"1"\]' && break
      sleep 0.2
    done
    open_dashboard "$port" "$n"
    read -r scrapes0 polls0 <<<"$(served "$port" /metrics /dashboard/data)"
  fi
  # The daemon, Prometheus and Chromium are sampled (a missing one as pid 0: no CPU) just before
  # and after the load; the load generator's own CPU comes from its rusage.
  local pids="$pid ${prom_pid:-0} ${browser_pid:-0}"
  before="$(cpu_now $pids)"
  "$cpu" run "$out/$mode-$n.bench-cpu" \
    "$bench" --profile coupon-peak --time-scale "$scale" --seed 7 --quiet --no-audit \
    --target "http://127.0.0.1:$port" --summary-export "$out/$mode-$n.json" >"$out/$mode-$n.txt" || true
  after="$(cpu_now $pids)"
  python3 - "$before" "$after" "$(cat "$out/$mode-$n.bench-cpu")" >"$out/$mode-$n.cpu" <<'PY'
import sys
b, a = [[float(x) for x in s.split()] for s in sys.argv[1:3]]
d = [y - x for x, y in zip(b, a)]
bench = float(sys.argv[3])
ours = d[0] + d[1] + d[2] + bench
print(f"daemon={d[0]:.2f} bench={bench:.2f} chromium={d[2]:.2f} prometheus={d[1]:.2f} "
      f"rest_of_host={max(0.0, d[3] - ours):.2f} wall={d[4]:.2f}")
PY
  if [ -n "$prom_pid" ]; then
    read -r scrapes polls <<<"$(served "$port" /metrics /dashboard/data)"
    # Minus 1: the fetch that read scrapes0 is itself counted under /metrics.
    extra=" ($((scrapes - scrapes0 - 1)) scrapes, $((polls - polls0)) dashboard polls during the run)"
    curl -s "http://127.0.0.1:$prom_port/api/v1/query?query=count_over_time(up%5B10m%5D)" >"$out/$mode-$n.scrapes.json" || true
    kill -TERM "$browser_pid"; wait "$browser_pid" || true
    kill -TERM "$prom_pid"; wait "$prom_pid" || true
  fi
  kill -TERM "$pid"; wait "$pid" || true
  python3 -c 'import json,sys; m=json.load(open(sys.argv[1]))["metrics"]["http_reqs"]; print(int(m.get("count", m.get("values", {}).get("count", 0))))' "$out/$mode-$n.json"
  echo "$extra" >"$out/$mode-$n.extra"
}

on=(); off=()
for n in $(seq "$runs"); do
  # Alternate which goes first, so a drift of the shared host does not favour one side.
  if [ $((n % 2)) = 1 ]; then order=(on off); else order=(off on); fi
  for mode in "${order[@]}"; do
    r="$(run "$mode" "$n")"
    echo "run $n metrics $mode: $r requests$(cat "$out/$mode-$n.extra")"
    echo "  CPU seconds during the load: $(sed 's/=/ /g; s/_/ /g' "$out/$mode-$n.cpu")"
    if [ "$mode" = on ]; then on+=("$r"); else off+=("$r"); fi
  done
done
python3 - "${on[*]}" "${off[*]}" "$out" "$runs" <<'PY'
import statistics, sys
on = [int(x) for x in sys.argv[1].split()]
off = [int(x) for x in sys.argv[2].split()]
out, runs = sys.argv[3], int(sys.argv[4])
mon, moff = statistics.median(on), statistics.median(off)
print(f"metrics on + Prometheus 1 s + dashboard: median {mon:,.0f} [{min(on):,}..{max(on):,}]")
print(f"metrics off:                             median {moff:,.0f} [{min(off):,}..{max(off):,}]")
print(f"ratio on/off: {mon / moff:.3f}")
print("CPU seconds during the load, median [min..max]:")
print(f"  {'':<13}{'metrics on':>24}{'metrics off':>24}")
def cpu(mode):
    rows = []
    for n in range(1, runs + 1):
        with open(f"{out}/{mode}-{n}.cpu") as f:
            rows.append({k: float(v) for k, v in (kv.split("=") for kv in f.read().split())})
    return rows
arms = {"on": cpu("on"), "off": cpu("off")}
def cell(rows, key):
    v = [r[key] for r in rows]
    return f"{statistics.median(v):.2f} [{min(v):.2f}..{max(v):.2f}]"
for key in ["daemon", "bench", "chromium", "prometheus", "rest_of_host", "wall"]:
    name = key.replace("_", " ") + (" (s)" if key == "wall" else "")
    print(f"  {name:<13}{cell(arms['on'], key):>24}{cell(arms['off'], key):>24}")
PY
echo "raw outputs: $out"
