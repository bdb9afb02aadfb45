#!/usr/bin/env bash
# The daemon's own cost of auth.mode = "token", without actorshop-bench: the same wrk command
# (coupon_issue_token.lua: every request carries its customer's token, minted here in Python from
# the documented format) against a freshly seeded daemon in the open mode (which ignores the
# header) and in token mode (which verifies it), RUNS times each, alternating in ABBA order so
# that a drift of a shared host's load favours neither mode.
#   bench/http/auth_wrk.sh [BUILD_DIR] [RUNS] [CONNECTIONS] [DURATION]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build="${1:-$here/../../build}"
runs="${2:-3}"; conns="${3:-100}"; duration="${4:-5s}"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
(umask 077 && openssl rand -hex 32 >"$work/secret")
python3 - "$work/secret" "$work/tokens.lua" <<'PY'
import base64, hashlib, hmac, sys, time
secret = open(sys.argv[1], "rb").read().rstrip(b"\r\n")
b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=")
expires = int(time.time()) + 3600
with open(sys.argv[2], "w") as out:
    out.write("return {\n")
    for c in range(1001, 3001):
        payload = b64(f"{c}.{expires}".encode())
        token = payload + b"." + b64(hmac.new(secret, payload, hashlib.sha256).digest())
        out.write(f'[{c}] = "Bearer {token.decode()}",\n')
    out.write("}\n")
PY
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
echo "mode conns req/s p99_ms statuses"
for r in $(seq "$runs"); do
  order="open token"; (( r % 2 )) || order="token open"
  for mode in $order; do
    port="$(free_port)"; db="$work/$mode-$r.db"
    "$build/daemon/actorshop" --db "$db" --port "$port" --seed --log-level warn \
      --auth-mode "$mode" --auth-secret-file "$work/secret" >"$work/out" 2>"$work/err" &
    pid=$!
    for _ in $(seq 300); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
    out="$(timeout 60 wrk -t1 -c"$conns" -d"$duration" --latency -s "$here/coupon_issue_token.lua" \
      "http://127.0.0.1:$port/" -- "$work/tokens.lua")"
    kill -TERM "$pid"; wait "$pid" || true
    rps="$(awk '/Requests\/sec/ {print $2}' <<<"$out")"
    p99="$(awk '$1=="99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; print v}' <<<"$out")"
    echo "$mode $conns $rps $p99 $(grep '^STATUS' <<<"$out" | cut -d' ' -f2-)"
  done
done
