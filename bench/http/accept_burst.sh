#!/usr/bin/env bash
# The coupon-peak profile over HTTP against two daemon binaries, alternating, each on a freshly
# seeded database with the README's settings: k6's timing trends (max and p99) per run, and the
# deepest accept queue `ss` saw on the listening socket while the load ran (sampled every 20 ms).
#
# usage: accept_burst.sh BENCH DAEMON_A DAEMON_B [RUNS=3] [TIME_SCALE=1]   (prints one line per run)
set -euo pipefail
bench=$1 a=$2 b=$3 runs=${4:-3} scale=${5:-1}
dir=$(mktemp -d /tmp/accept-burst-XXXXXX)
pid="" sampler=""
cleanup() {
  [[ -n "$sampler" ]] && kill "$sampler" 2>/dev/null || true
  [[ -n "$pid" ]] && kill "$pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }

run_one() { # LABEL DAEMON
  local port; port=$(free_port)
  rm -f "$dir"/db*
  timeout 300 "$2" --db "$dir/db" --port "$port" --seed --log-level warn >/dev/null 2>"$dir/err" &
  pid=$!
  for _ in $(seq 200); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.05; done
  # Recv-Q of a LISTEN socket is its accept queue's length.
  (while sleep 0.02; do ss -Hltn "sport = :$port" | awk '{print $2}'; done >"$dir/queue") &
  sampler=$!
  "$bench" --profile coupon-peak --target "http://127.0.0.1:$port" --time-scale "$scale" --seed 7 \
    --quiet --no-audit --summary-trend-stats 'avg,med,max,p(99)' \
    --summary-export "$dir/summary.json" >"$dir/out" 2>&1 || true
  kill "$sampler"; wait "$sampler" 2>/dev/null || true; sampler=""
  kill -TERM "$pid"; wait "$pid" 2>/dev/null || true; pid=""
  python3 - "$1" "$dir/summary.json" "$dir/queue" <<'PY'
import json, sys
label, summary, queue = sys.argv[1:]
m = json.load(open(summary))["metrics"]
q = max([int(x) for x in open(queue).read().split() if x.isdigit()] or [0])
def t(name):
    v = m[name]
    return f"{name.replace('http_req_', '')} max {v['max']:.1f} p99 {v['p(99)']:.1f}"
print(f"{label}: reqs {m['http_reqs']['count']} | " +
      " | ".join(t(n) for n in ["http_req_duration", "http_req_blocked", "http_req_connecting",
                                 "http_req_sending", "http_req_waiting", "http_req_receiving"]) +
      f" | accept queue max {q}", flush=True)
PY
}

for i in $(seq "$runs"); do
  run_one "A run $i" "$a"
  run_one "B run $i" "$b"
done
