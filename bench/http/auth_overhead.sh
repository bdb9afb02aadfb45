#!/usr/bin/env bash
# The cost of auth.mode = "token": both seed profiles against a freshly seeded daemon in the open
# mode and in token mode (actorshop-bench minting its VUs' tokens with --auth-secret-file),
# alternating open/token RUNS times, then medians [min..max] per profile and mode. The audit runs
# over HTTP, with tokens in token mode. Every load is bounded in time and goes to 127.0.0.1 only.
#   bench/http/auth_overhead.sh [BUILD_DIR] [OUT] [RUNS]   env: ORDER_SCALE (default 0.2)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${1:-$root/build}"
out="${2:-$root/var/auth-overhead-$(date -u +%Y%m%dT%H%M%SZ)}"
runs="${3:-3}"
order_scale="${ORDER_SCALE:-0.2}"
mkdir -p "$out"
bench="$build/bench/harness/actorshop-bench"
secret="$out/secret"
(umask 077 && openssl rand -hex 32 >"$secret")

free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }

# Starts a freshly seeded daemon in mode $2 on a free port; sets shop_pid and shop_port.
start_daemon() {
  local db="$out/$1.db"
  rm -f "$db" "$db-wal" "$db-shm"
  shop_port="$(free_port)"
  local auth=(); [ "$2" = token ] && auth=(--auth-mode token --auth-secret-file "$secret")
  "$build/daemon/actorshop" --db "$db" --port "$shop_port" --seed --log-level warn "${auth[@]}" \
    >"$out/$1.daemon.out" 2>"$out/$1.daemon.err" &
  shop_pid=$!
  for _ in $(seq 300); do (exec 3<>"/dev/tcp/127.0.0.1/$shop_port") 2>/dev/null && return 0; sleep 0.1; done
  echo "daemon did not start" >&2; exit 1
}
stop_daemon() { kill -TERM "$shop_pid"; wait "$shop_pid" || true; rm -f "$out"/*.db "$out"/*.db-*; }

for i in $(seq "$runs"); do
  for profile in coupon-peak order-payment; do
    s=1; [ "$profile" = order-payment ] && s=$order_scale
    order="open token"; (( i % 2 )) || order="token open" # ABBA: a load drift favours neither
    for mode in $order; do
      name="$profile-$mode-$i"
      echo "== $(date -u +%H:%M:%S) $name (time scale $s)"
      start_daemon "$name" "$mode"
      auth=(); [ "$mode" = token ] && auth=(--auth-secret-file "$secret")
      rc=0; "$bench" --profile "$profile" --time-scale "$s" --seed 7 --quiet "${auth[@]}" \
        --summary-trend-stats "avg,med,p(90),p(95),p(99),max" \
        --summary-export "$out/$name.json" --target "http://127.0.0.1:$shop_port" \
        >"$out/$name.txt" 2>&1 || rc=$?
      stop_daemon
      echo "$rc" >"$out/$name.rc"
      echo "   exit $rc"
    done
  done
done

python3 - "$out" "$runs" <<'PY'
import json, statistics, sys
out, runs = sys.argv[1], int(sys.argv[2])
def fmt(xs, f):
    return f"{f(statistics.median(xs))} [{f(min(xs))}..{f(max(xs))}]"
print("| profile | mode | requests | req/s | p90 ms | p95 ms | p99 ms | failed | exit codes |")
print("|---|---|---|---|---|---|---|---|---|")
for profile in ("coupon-peak", "order-payment"):
    for mode in ("open", "token"):
        rows = []
        for i in range(1, runs + 1):
            name = f"{out}/{profile}-{mode}-{i}"
            m = json.load(open(name + ".json"))["metrics"]
            d = m["http_req_duration"]
            rows.append((m["http_reqs"]["count"], m["http_reqs"]["rate"], d["p(90)"], d["p(95)"],
                         d["p(99)"], m["http_req_failed"].get("value", m["http_req_failed"].get("rate", 0)),
                         open(name + ".rc").read().strip()))
        col = lambda k: [r[k] for r in rows]
        print(f"| {profile} | {mode} | {fmt(col(0), lambda v: f'{v:,.0f}')} | {fmt(col(1), lambda v: f'{v:,.0f}')} "
              f"| {fmt(col(2), lambda v: f'{v:.1f}')} | {fmt(col(3), lambda v: f'{v:.1f}')} "
              f"| {fmt(col(4), lambda v: f'{v:.1f}')} | {max(col(5)):.4f} | {','.join(col(6))} |")
PY
