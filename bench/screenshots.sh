#!/usr/bin/env bash
# The two chart screenshots of README.md (bench/results/report.png, dashboard.png): a scaled
# coupon-peak run against a fresh daemon with --report, then the daemon's /dashboard while a
# second bounded run loads it; both drawn by Debian's headless Chromium (tests/support/
# chart_check.js waits until every chart drew, then captures 1400 px wide, full page).
#   bench/screenshots.sh [BUILD_DIR] [OUT_DIR]        env: SCALE (default 1)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$root/build}"
out="${2:-$root/bench/results}"
scale="${SCALE:-1}"
work="$(mktemp -d)"
trap 'kill "$daemon" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
port="$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')"
"$build/daemon/actorshop" --db "$work/shop.db" --port "$port" --seed --log-level warn \
  >"$work/daemon.log" 2>&1 &
daemon=$!
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
bench=("$build/bench/harness/actorshop-bench" --target "http://127.0.0.1:$port" --quiet)
check=(node "$root/tests/support/chart_check.js" --deadline 120)

"${bench[@]}" --profile coupon-peak --time-scale "$scale" --db "$work/shop.db" \
  --report "$work/report.html" >"$work/report.txt" || true
"${check[@]}" --url "file://$work/report.html" --out "$work/report.json" --screenshot "$out/report.png"

"${bench[@]}" --profile order-payment --time-scale 0.08 >"$work/load.txt" &
load=$!
"${check[@]}" --url "http://127.0.0.1:$port/dashboard" --min-polls 15 --out "$work/dashboard.json" \
  --screenshot "$out/dashboard.png"
wait "$load" || true
echo "wrote $out/report.png and $out/dashboard.png"
