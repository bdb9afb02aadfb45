#!/usr/bin/env bash
# What metrics cost (issue 11 item 5): coupon-peak over HTTP against the same build with metrics on
# -- Debian's Prometheus scraping /metrics every second (config/prometheus/prometheus.yml) and
# /dashboard open in Debian's headless Chromium (polling /dashboard/data every second) for the
# whole run -- and with `--metrics-enabled false` (no scraper, no browser), alternating, each run
# on a freshly seeded database. Prints each run's request count (with the scrapes and dashboard
# polls the daemon served in the on arm), the medians [min..max] and the ratio on/off.
# Requests per second depend on the host's load; bench/http/cpu_per_request.sh measures the same
# cost in instructions per request, which do not.
#   bench/http/metrics_cost.sh BUILD_DIR [RUNS=3] [TIME_SCALE=1]
set -euo pipefail
build="${1:?usage: metrics_cost.sh BUILD_DIR [RUNS] [TIME_SCALE]}"
runs="${2:-3}"
scale="${3:-1}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="$(mktemp -d /tmp/actorshop-metrics-cost.XXXXXX)"
bench="${BENCH:-$build/bench/harness/actorshop-bench}" # the load generator: any build of it

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
# poll); sets browser_pid. Waits for the page's first poll, so the run is measured while polled.
open_dashboard() {
  local port="$1" profile="$out/chromium-$2"
  rm -rf "$profile"
  chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$profile" "http://127.0.0.1:$port/dashboard" \
    >"$out/chromium-$2.log" 2>&1 &
  browser_pid=$!
  for _ in $(seq 150); do
    [ "$(served "$port" /dashboard/data)" -gt 0 ] && return 0
    sleep 0.2
  done
  kill -TERM "$browser_pid"; echo "the dashboard did not poll /dashboard/data" >&2; exit 1
}

# run MODE N: one coupon-peak run; MODE on (metrics + Prometheus + dashboard) or off. Prints the
# requests (and, for on, the scrapes and polls served during the run).
run() {
  local mode="$1" n="$2" db="$out/$1-$2.db" port prom_port prom_pid="" pid browser_pid="" extra=""
  local scrapes0=0 polls0=0 scrapes polls
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
  "$bench" --profile coupon-peak --time-scale "$scale" --seed 7 --quiet --no-audit \
    --target "http://127.0.0.1:$port" --summary-export "$out/$mode-$n.json" >"$out/$mode-$n.txt" || true
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
    if [ "$mode" = on ]; then on+=("$r"); else off+=("$r"); fi
  done
done
python3 - "${on[*]}" "${off[*]}" <<'PY'
import statistics, sys
on = [int(x) for x in sys.argv[1].split()]
off = [int(x) for x in sys.argv[2].split()]
mon, moff = statistics.median(on), statistics.median(off)
print(f"metrics on + Prometheus 1 s + dashboard: median {mon:,.0f} [{min(on):,}..{max(on):,}]")
print(f"metrics off:                             median {moff:,.0f} [{min(off):,}..{max(off):,}]")
print(f"ratio on/off: {mon / moff:.3f}")
PY
echo "raw outputs: $out"
