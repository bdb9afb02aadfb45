#!/usr/bin/env bash
# Compares actorshop's hot path (POST /coupons/issue, 409 in memory once the 1000 coupons are
# gone) with nginx answering `return 201 '{}'`, using the SAME wrk command against both, on
# loopback, alternating runs. Prints req/s and p99 per server and concurrency, the ratio
# actorshop/nginx (median and spread), and checks that exactly 1000 coupons were issued and that
# actorshop answered nothing but 201/409.
#   bench/http/wrk_vs_nginx.sh [BUILD_DIR]   env: RUNS (3), DURATION (3s), CONNS ("100 1500")
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${1:-${ACTORSHOP_BUILD_DIR:-$root/build}}"
bin="$build/daemon/actorshop"
lua="$root/bench/http/coupon_issue.lua"
runs="${RUNS:-3}"
duration="${DURATION:-3s}"
conns="${CONNS:-100 1500}"
for tool in wrk nginx sqlite3 python3; do
  command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 2; }
done
[ -x "$bin" ] || { echo "missing $bin (build the actorshop target)" >&2; exit 2; }
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
[ "$(ulimit -n)" -ge 4096 ] || { echo "ulimit -n $(ulimit -n) is too low for -c1500" >&2; exit 2; }

tmp="$(mktemp -d /tmp/wrk-vs-nginx.XXXXXX)"
nginx_pid=""; shop_pid=""
cleanup() {
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null || true
  [ -n "$shop_pid" ] && kill "$shop_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; return 1; }

# --- nginx: a temp prefix, one location answering 201 '{}' ---
nginx_port="$(free_port)"
mkdir -p "$tmp/nginx/logs"
cat > "$tmp/nginx/nginx.conf" <<CONF
worker_processes auto;
daemon off;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/logs/error.log warn;
events { worker_connections 8192; }
http {
  access_log off;
  keepalive_requests 10000000;
  client_body_temp_path $tmp/nginx/body;
  server {
    listen 127.0.0.1:$nginx_port;
    location = /coupons/issue { default_type application/json; return 201 '{}'; }
  }
}
CONF
nginx -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" 2>"$tmp/nginx/stderr" &
nginx_pid=$!
wait_port "$nginx_port" || { echo "nginx did not start" >&2; cat "$tmp/nginx/stderr" >&2; exit 1; }

# --- actorshop: a freshly seeded database, the shipped configuration ---
shop_port="$(free_port)"
"$bin" --config "$root/config/actorshop.toml" --db "$tmp/shop.db" --seed --port "$shop_port" \
  >"$tmp/shop.out" 2>"$tmp/shop.err" &
shop_pid=$!
wait_port "$shop_port" || { echo "actorshop did not start" >&2; cat "$tmp/shop.err" >&2; exit 1; }
head -1 "$tmp/shop.out"

# Runs wrk once; appends "server conns req/s p99_ms" to results and the status counts to statuses.
run_wrk() {
  local server="$1" port="$2" c="$3" out
  out="$(timeout 60 wrk -t1 -c"$c" -d"$duration" --latency -s "$lua" "http://127.0.0.1:$port/")"
  local rps p99
  rps="$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")"
  p99="$(awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; print v}' <<<"$out")"
  echo "$server $c $rps $p99" >>"$tmp/results"
  grep -E '^(STATUS|SOCKET_ERRORS)' <<<"$out" | sed "s/^/$server c$c /" >>"$tmp/statuses"
  printf '  %-9s c=%-5s %10.0f req/s  p99 %8.2f ms\n' "$server" "$c" "$rps" "$p99"
}

: >"$tmp/results"; : >"$tmp/statuses"
for r in $(seq "$runs"); do
  echo "run $r/$runs"
  for c in $conns; do
    if (( r % 2 )); then run_wrk nginx "$nginx_port" "$c"; run_wrk actorshop "$shop_port" "$c"
    else run_wrk actorshop "$shop_port" "$c"; run_wrk nginx "$nginx_port" "$c"; fi
  done
done

echo
echo "summary (median [min..max] over $runs runs, wrk -t1 -d$duration, same Lua script):"
python3 - "$tmp/results" $conns <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
for c in sys.argv[2:]:
    get = lambda s, i: [float(r[i]) for r in rows if r[0] == s and r[1] == c]
    n, a = get("nginx", 2), get("actorshop", 2)
    np99, ap99 = get("nginx", 3), get("actorshop", 3)
    ratios = [x / y for x, y in zip(a, n)]
    f = lambda v, fmt: f"{fmt.format(statistics.median(v))} [{fmt.format(min(v))}..{fmt.format(max(v))}]"
    print(f"  c={c:<5} nginx     {f(n, '{:.0f}')} req/s, p99 {f(np99, '{:.2f}')} ms")
    print(f"  c={c:<5} actorshop {f(a, '{:.0f}')} req/s, p99 {f(ap99, '{:.2f}')} ms")
    print(f"  c={c:<5} ratio actorshop/nginx {f(ratios, '{:.2f}')}")
PY

# --- checks: exactly 1000 coupons issued, nothing but 201/409 from actorshop ---
issued="$(sqlite3 "$tmp/shop.db" "SELECT count(*) FROM customer_coupon WHERE coupon_id = 4001")"
remaining="$(sqlite3 "$tmp/shop.db" "SELECT current_quantity FROM coupon WHERE id = 4001")"
counts="$(grep '^actorshop .* STATUS' "$tmp/statuses" | tr ' ' '\n' | grep '=' | awk -F= '{s[$1]+=$2} END {for (k in s) printf "%s=%d ", k, s[k]}')"
other="$(grep '^actorshop .* STATUS' "$tmp/statuses" | tr ' ' '\n' | grep '=' | awk -F= '$1 != 201 && $1 != 409 {s+=$2} END {print s+0}')"
sockerr="$(grep '^actorshop .* SOCKET_ERRORS' "$tmp/statuses" | tr ' ' '\n' | grep -E '^(connect|read|write|timeout)=' | awk -F= '{s+=$2} END {print s+0}')"
echo
echo "actorshop status codes: $counts"
echo "actorshop socket errors (connect/read/write/timeout): $sockerr"
echo "coupon 4001: issued=$issued remaining=$remaining"
kill -TERM "$shop_pid"; rc=0; wait "$shop_pid" || rc=$?; shop_pid=""
echo "actorshop exit status after SIGTERM: $rc"
ok=1
[ "$issued" = 1000 ] || { echo "FAIL: expected exactly 1000 coupons issued"; ok=0; }
[ "$remaining" = 0 ] || { echo "FAIL: expected 0 coupons remaining"; ok=0; }
[ "$other" = 0 ] || { echo "FAIL: $other responses other than 201/409"; ok=0; }
[ "$rc" = 0 ] || { echo "FAIL: actorshop exited $rc"; ok=0; }
(( ok )) && echo "checks: OK" || exit 1
