#!/usr/bin/env bash
# Reproduces every benchmark figure of README.md, one after the other (never two loads at once),
# and keeps the raw outputs in OUT (default var/bench-<date>). ~15 minutes on 2 cores; every load
# is bounded in time and goes to 127.0.0.1 only.
#   bench/readme_figures.sh [BUILD_DIR] [OUT]      env: QUICK=1 shortens everything (smoke test)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$root/build}"
out="${2:-$root/var/bench-$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$out"
quick="${QUICK:-0}"
bench="$build/bench/harness/actorshop-bench"
log() { echo "== $(date -u +%H:%M:%S) $*" | tee -a "$out/progress.log"; }

free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }

# Starts a freshly seeded daemon on a free port; sets shop_pid, shop_port, shop_db.
start_daemon() {
  shop_db="$out/$1.db"
  rm -f "$shop_db" "$shop_db-wal" "$shop_db-shm"
  shop_port="$(free_port)"
  "$build/daemon/actorshop" --db "$shop_db" --port "$shop_port" --seed --log-level warn \
    >"$out/$1.daemon.out" 2>"$out/$1.daemon.err" &
  shop_pid=$!
  for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$shop_port") 2>/dev/null && return 0; sleep 0.1; done
  echo "daemon did not start" >&2; exit 1
}
stop_daemon() { kill -TERM "$shop_pid"; wait "$shop_pid" || true; }

runs=3; secs=2; wrk_secs=5; scale=1; order_scale=1
[ "$quick" = 1 ] && { runs=1; secs=0.5; wrk_secs=1; scale=0.2; order_scale=0.02; }

if [ -z "${SKIP_MICRO:-}" ]; then
log "storage: writer_bench"
"$build/bench/storage/writer_bench" --runs "$runs" --seconds "$secs" | tee "$out/writer_bench.txt"

log "actors: actor_bench (FULL)"
"$build/bench/actors/actor_bench" --runs "$runs" | tee "$out/actor_bench.txt"
log "actors: actor_bench pairs (FULL_PIPELINED: the same fsync before every answer, on a second thread)"
"$build/bench/actors/actor_bench" --only pairs --runs "$((runs + 2))" --sync full_pipelined \
  | tee "$out/actor_bench_pipelined.txt"

fi
log "http: wrk vs nginx"
RUNS="$runs" DURATION="${wrk_secs}s" bash "$root/bench/http/wrk_vs_nginx.sh" "$build" | tee "$out/wrk_vs_nginx.txt"

for target in http actors; do
  for profile in coupon-peak order-payment; do
    s=$scale; [ "$profile" = order-payment ] && s=$order_scale
    log "actorshop-bench $profile against $target (time scale $s)"
    args=(--profile "$profile" --time-scale "$s" --seed 7 --quiet
          --summary-export "$out/$profile-$target.summary.json" --report "$out/$profile-$target.html")
    if [ "$target" = http ]; then
      start_daemon "$profile-$target"
      rc=0; "$bench" "${args[@]}" --target "http://127.0.0.1:$shop_port" --db "$shop_db" \
        | tee "$out/$profile-$target.txt" || rc=$?
      stop_daemon
    else
      # At actor speed the seed's 6,000,000 stock units and its customers' 50,000,000 KRW each
      # run out within the 5-minute order-payment profile (then orders and payments get correct
      # 409s): give the in-process run more of both.
      extra=(); [ "$profile" = order-payment ] && extra=(--stock 1000000 --balance 1000000000)
      rc=0; "$bench" "${args[@]}" "${extra[@]}" --target actors --db "$out/$profile-$target.db" \
        | tee "$out/$profile-$target.txt" || rc=$?
    fi
    echo "exit $rc" | tee -a "$out/$profile-$target.txt"
  done
done
log "done: $out"
