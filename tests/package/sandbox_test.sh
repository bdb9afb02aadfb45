#!/usr/bin/env bash
# The daemon runs inside its unit's sandbox: sandbox.py applies the unit's SystemCallFilter=,
# MemoryDenyWriteExecute=, RestrictAddressFamilies=, NoNewPrivileges= and an unprivileged user
# (there is no systemd here to do it). First it checks that the sandbox bites (a W+X mapping,
# a netlink socket, sched_setaffinity are refused), then it runs the daemon inside it: it
# seeds, answers both load profiles without a 5xx, answers /health, and exits 0 on SIGTERM.
# Root only (it switches to nobody), else skipped (77). The daemon and its config are copied into
# a world-traversable temp dir first: nobody must reach what it execs and reads, and the checkout
# may live under a directory only root can enter (a 0700 mktemp -d clone, as in CI).
# Usage: sandbox_test.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src="$(realpath "$1")" build="$(realpath "$2")"
unit="$src/config/actorshop.service"
sandbox=(python3 "$src/tests/package/sandbox.py" "$unit" --user nobody --)
deadline_s=60 # generous for a loaded machine; no duration is asserted

fail() { echo "FAIL: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "SKIP: switching to nobody needs root"; exit 77; }

tmp="$(mktemp -d)"
pid=""
cleanup() {
  [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
chmod 0755 "$tmp"
mkdir "$tmp/state" && chown nobody: "$tmp/state" # the StateDirectory=
install -m 0755 "$build/daemon/actorshop" "$tmp/actorshop"
install -m 0644 "$src/config/actorshop.toml" "$tmp/actorshop.toml"

refused() { # refused RULE PYTHON_CODE: the code fails inside the sandbox
  if "${sandbox[@]}" /usr/bin/python3 -c "$2" 2>/dev/null; then fail "the sandbox refuses $1"; fi
}
refused "a writable and executable mapping (MemoryDenyWriteExecute=)" \
  "import mmap; mmap.mmap(-1, 4096, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)"
refused "a netlink socket (RestrictAddressFamilies=)" \
  "import socket; socket.socket(socket.AF_NETLINK, socket.SOCK_RAW)"
refused "sched_setaffinity (SystemCallFilter=~@resources)" "import os; os.sched_setaffinity(0, {0})"
"${sandbox[@]}" /usr/bin/python3 -c "import os; assert os.getuid() != 0" ||
  fail "the sandbox runs the command as nobody"
echo "ok: the sandbox refuses W+X memory, netlink sockets and @resources calls"

"${sandbox[@]}" "$tmp/actorshop" --config "$tmp/actorshop.toml" --port 0 \
  --db "$tmp/state/shop.db" --seed >"$tmp/out" 2>"$tmp/err" &
pid=$!
end=$((SECONDS + deadline_s))
until grep -q '^actorshop listening on ' "$tmp/out"; do
  kill -0 "$pid" 2>/dev/null || fail "the daemon starts in the sandbox: $(cat "$tmp/err")"
  [ "$SECONDS" -lt "$end" ] || fail "the daemon prints its start line in the sandbox"
  sleep 0.1 # bounded poll for the start line
done
port="$(sed -n 's#^actorshop listening on http://127\.0\.0\.1:\([0-9]*\) .*#\1#p' "$tmp/out")"
status="$(cat "/proc/$pid/status")"
grep -qE '^Seccomp:\s+2$' <<<"$status" || fail "the daemon runs under a seccomp filter"
grep -qE '^NoNewPrivs:\s+1$' <<<"$status" || fail "the daemon runs with no_new_privs"
grep -qE "^Uid:\s+$(id -u nobody)\s" <<<"$status" || fail "the daemon runs as nobody"
echo "ok: seeded and listening in the sandbox (seccomp, no_new_privs, nobody) on 127.0.0.1:$port"

for profile in coupon-peak order-payment; do
  out="$("$build/bench/harness/actorshop-bench" --profile "$profile" \
    --target "http://127.0.0.1:$port" --stage 2s:4 --no-audit -q 2>&1)" ||
    fail "actorshop-bench $profile runs against the sandboxed daemon: $out"
  if grep -E '^ +5[0-9][0-9] ' <<<"$out"; then
    fail "the sandboxed daemon answers $profile without a 5xx: $out"
  fi
  grep -qE '^ +20[01] ' <<<"$out" || fail "$profile got 2xx answers: $out"
done
echo "ok: both load profiles answered without a 5xx"
curl -fsS --max-time 10 "http://127.0.0.1:$port/health" | grep -q '"ok"' ||
  fail "GET /health answers ok after the load"

kill -TERM "$pid"
end=$((SECONDS + deadline_s))
while kill -0 "$pid" 2>/dev/null; do
  [ "$SECONDS" -lt "$end" ] || fail "the sandboxed daemon exits after SIGTERM"
  sleep 0.1 # bounded poll for the exit
done
rc=0
wait "$pid" || rc=$?
pid=""
[ "$rc" -eq 0 ] || fail "the sandboxed daemon exits 0 after SIGTERM, got $rc: $(cat "$tmp/err")"
if grep -iE 'not permitted|EPERM|\[error\]|\[critical\]' "$tmp/err"; then
  fail "no call was refused or failed inside the sandbox (stderr above)"
fi
echo "ok: SIGTERM, exit 0, no refused call logged"
