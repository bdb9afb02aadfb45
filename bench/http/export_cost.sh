#!/usr/bin/env bash
# What the per-sample InfluxDB export costs: coupon-peak over HTTP against a freshly seeded daemon,
# N runs of each arm alternating (with `--out influxdb=` to a fresh database of an influxd this
# script starts on loopback, and without any output). Prints each run's completed requests, the
# median [min..max] of each arm and the ratio with/without (issue 10's target: >= 0.90), and per
# arm the CPU seconds (utime + stime from /proc) of the bench, the daemon and influxd, so the
# export's cost shows even when a busy host blurs the request counts.
#
# usage: bench/http/export_cost.sh BENCH DAEMON [N=3]    (env TIME_SCALE, default 1)
set -euo pipefail
bench=${1:?usage: export_cost.sh BENCH DAEMON [N]}
daemon=${2:?usage: export_cost.sh BENCH DAEMON [N]}
runs=${3:-3}
scale=${TIME_SCALE:-1}
dir=$(mktemp -d /tmp/export-cost-XXXXXX)
tck=$(getconf CLK_TCK)
pid="" influx_pid=""
cleanup() {
  [[ -n "$pid" ]] && kill "$pid" 2>/dev/null || true
  [[ -n "$influx_pid" ]] && kill "$influx_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 400); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.05; done; echo "port $1 not up" >&2; exit 1; }
# CPU ticks (utime + stime) of a live process, and of this shell's waited-for children.
cpu_of() { awk '{print $14 + $15}' "/proc/$1/stat"; }
children_cpu() { awk '{print $16 + $17}' "/proc/$1/stat"; }
secs() { awk -v t="$1" -v hz="$tck" 'BEGIN {printf "%.2f", t / hz}'; }

# influxd on loopback, its data in this run's temp dir; no reporting, no other listeners.
start_influxd() {
  local port=$1 d=$dir/influxd
  mkdir -p "$d"
  cat >"$d/influxdb.conf" <<CONF
reporting-enabled = false
bind-address = "127.0.0.1:$(free_port)"
[meta]
  dir = "$d/meta"
[data]
  dir = "$d/data"
  wal-dir = "$d/wal"
  query-log-enabled = false
[http]
  bind-address = "127.0.0.1:$port"
  log-enabled = false
[monitor]
  store-enabled = false
[continuous_queries]
  enabled = false
CONF
  influxd run -config "$d/influxdb.conf" >"$d/log" 2>&1 &
  influx_pid=$!
  for _ in $(seq 200); do
    [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$port/ping") == 204 ]] && return 0
    sleep 0.1
  done
  echo "influxd did not answer /ping" >&2; exit 1
}

# run ARM N: one coupon-peak run; prints "requests bench_ticks daemon_ticks influxd_ticks".
run() {
  local arm=$1 n=$2 port out=() i0=0 c0 d_cpu me=$BASHPID # run() is a subshell: its children
  port=$(free_port)
  rm -f "$dir"/db*
  "$daemon" --db "$dir/db" --port "$port" --seed --log-level warn >/dev/null 2>"$dir/daemon.err" &
  pid=$!
  wait_port "$port"
  [[ $arm == with ]] && out=(--out "influxdb=http://127.0.0.1:$influx_port/run_$n") && i0=$(cpu_of "$influx_pid")
  c0=$(children_cpu "$me")
  # The bench exits once every sample is written: the influxd figure covers the whole export.
  "$bench" --profile coupon-peak --target "http://127.0.0.1:$port" --time-scale "$scale" \
    --seed 7 --quiet --no-audit "${out[@]}" --summary-export "$dir/s.json" >"$dir/$arm-$n.txt" \
    2>"$dir/$arm-$n.err" || true
  local b=$(( $(children_cpu "$me") - c0 ))
  d_cpu=$(cpu_of "$pid")
  local i=0
  [[ $arm == with ]] && i=$(( $(cpu_of "$influx_pid") - i0 ))
  kill -TERM "$pid"; wait "$pid" 2>/dev/null || true; pid=""
  local reqs
  reqs=$(python3 -c 'import json,sys; print(int(json.load(open(sys.argv[1]))["metrics"]["http_reqs"]["count"]))' "$dir/s.json")
  echo "$reqs $b $d_cpu $i"
}

influx_port=$(free_port)
start_influxd "$influx_port"
results=$dir/results
: >"$results"
for n in $(seq "$runs"); do
  # Alternate which arm goes first, so a drift of the shared host favours neither.
  if (( n % 2 )); then order=(with without); else order=(without with); fi
  for arm in "${order[@]}"; do
    read -r reqs b d i < <(run "$arm" "$n")
    printf 'run %d %-7s: %9d requests  CPU s: bench %s  daemon %s  influxd %s\n' "$n" "$arm" "$reqs" \
      "$(secs "$b")" "$(secs "$d")" "$(secs "$i")"
    echo "$arm $reqs $(secs "$b") $(secs "$d") $(secs "$i")" >>"$results"
  done
done
kill -TERM "$influx_pid"; wait "$influx_pid" 2>/dev/null || true; influx_pid=""
python3 - "$results" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
arm = {a: [r for r in rows if r[0] == a] for a in ("with", "without")}
def spread(vals, fmt):
    return f"median {fmt(statistics.median(vals))} [{fmt(min(vals))}..{fmt(max(vals))}]"
num = lambda v: f"{v:,.0f}"
sec = lambda v: f"{v:.2f}"
for a in ("with", "without"):
    rs = arm[a]
    print(f"{a:7} influxdb: requests {spread([int(r[1]) for r in rs], num)}; CPU s: "
          f"bench {spread([float(r[2]) for r in rs], sec)}, daemon {spread([float(r[3]) for r in rs], sec)}, "
          f"influxd {spread([float(r[4]) for r in rs], sec)}")
w = statistics.median(int(r[1]) for r in arm["with"])
wo = statistics.median(int(r[1]) for r in arm["without"])
print(f"ratio with/without (medians): {w / wo:.3f} (target >= 0.90)")
PY
