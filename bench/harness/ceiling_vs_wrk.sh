#!/usr/bin/env bash
# Ceiling of actorshop-bench's HTTP driver against wrk, in the same run, on the same target:
# nginx answering `return 201 '{}'` on a free loopback port. Same connection count for both
# (wrk -t1 -cN vs a fixed N-VU stage), several alternating runs, the ratio's median and spread;
# then the bench's peak RSS at 1,500 VUs. Everything is bounded in time and cleaned up.
#
# usage: ceiling_vs_wrk.sh [BENCH_BINARY] [RUNS=5] [SECONDS=5] [CONNECTIONS=100]
set -euo pipefail

bench=${1:-$(dirname "$0")/../../build-bench/bench/harness/actorshop-bench}
runs=${2:-5}
secs=${3:-5}
conns=${4:-100}
dir=$(mktemp -d /tmp/ceiling-XXXXXX)
nginx_pid=""
cleanup() {
  [[ -n "$nginx_pid" ]] && kill "$nginx_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$dir/logs"
cat > "$dir/nginx.conf" <<CONF
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/logs/error.log;
events { worker_connections 8192; }
http {
  access_log off;
  keepalive_requests 100000000;
  server { listen 127.0.0.1:$port; location / { return 201 '{}'; } }
}
CONF
# Bounded: nginx never outlives this script by more than its total budget.
timeout $((runs * secs * 3 + 120)) nginx -p "$dir" -c "$dir/nginx.conf" -g 'daemon off;' &
nginx_pid=$!
for _ in $(seq 50); do curl -s -o /dev/null -XPOST "http://127.0.0.1:$port/" && break; sleep 0.1; done

cat > "$dir/post.lua" <<'LUA'
wrk.method = "POST"
wrk.body = '{"couponId":4001,"customerId":1001}'
wrk.headers["Content-Type"] = "application/json"
LUA

ratios=()
printf "%-4s %12s %12s %8s\n" run wrk_rps bench_rps ratio
for i in $(seq "$runs"); do
  wrk_rps=$(timeout $((secs + 30)) wrk -t1 -c"$conns" -d"${secs}s" -s "$dir/post.lua" \
    "http://127.0.0.1:$port/coupons/issue" | awk '/Requests\/sec/ {print $2}')
  timeout $((secs + 60)) "$bench" --target "http://127.0.0.1:$port" --stage "0s:$conns" \
    --stage "${secs}s:$conns" --no-audit --quiet --summary-export "$dir/s.json" >/dev/null || true
  bench_rps=$(python3 -c "import json; print(round(json.load(open('$dir/s.json'))['metrics']['http_reqs']['rate']))")
  ratio=$(python3 -c "print(round($bench_rps / $wrk_rps, 3))")
  ratios+=("$ratio")
  printf "%-4s %12.0f %12.0f %8s\n" "$i" "$wrk_rps" "$bench_rps" "$ratio"
done
python3 - "${ratios[@]}" <<'PY'
import statistics, sys
r = sorted(float(x) for x in sys.argv[1:])
print(f"ratio bench/wrk: median {statistics.median(r):.3f}  min {r[0]:.3f}  max {r[-1]:.3f}  (n={len(r)})")
PY

# Peak RSS of the bench holding 1,500 keep-alive connections for a few seconds.
/usr/bin/time -f "%M" -o "$dir/rss" timeout 90 "$bench" --target "http://127.0.0.1:$port" \
  --stage "0s:1500" --stage "${secs}s:1500" --no-audit --quiet --summary-export "$dir/s.json" \
  >/dev/null || true
rps=$(python3 -c "import json; print(round(json.load(open('$dir/s.json'))['metrics']['http_reqs']['rate']))")
echo "1500 VUs: peak RSS $(( $(cat "$dir/rss") / 1024 )) MB, $rps req/s"
