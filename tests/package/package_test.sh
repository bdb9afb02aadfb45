#!/usr/bin/env bash
# The Debian package builds, passes lintian without errors, installs, serves, and goes away:
# cpack -G DEB in the build dir; lintian (no E:); dpkg -i; the installed /usr/bin/actorshop with
# the installed /etc/actorshop/actorshop.toml on a free loopback port and a temp database answers
# GET /health and exits 0 on SIGTERM; dpkg -r, then dpkg --purge leave the machine as before.
# No systemd is started. Needs root (exit 77 = skipped otherwise, or when actorshop is already
# installed: the test would remove it). Usage: package_test.sh BUILD_DIR
set -euo pipefail
build="$(realpath "$1")"
deadline_s=60 # generous for a loaded machine; no duration is asserted

fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "SKIP: $*"; exit 77; }

[ "$(id -u)" -eq 0 ] || skip "dpkg -i needs root"
command -v lintian >/dev/null || fail "lintian is missing (config/setup.sh deps installs it)"
# One run at a time on this machine: worktrees share the dpkg database.
exec 9>/run/lock/actorshop-package-test.lock
flock -w 600 9 || fail "another package test holds /run/lock/actorshop-package-test.lock"
installed() { dpkg-query -W -f='${Status}' actorshop 2>/dev/null | grep -q 'install ok installed'; }
known() { dpkg-query -W actorshop >/dev/null 2>&1; }
known && skip "a package named actorshop is on this machine; the test would remove it"

# What the package may touch outside its own files: all must look the same afterwards.
traces=(/etc/actorshop /var/lib/actorshop /var/lib/private/actorshop
  /etc/systemd/system/multi-user.target.wants/actorshop.service
  /var/lib/systemd/deb-systemd-helper-enabled/actorshop.service.dsh-also
  /var/lib/systemd/deb-systemd-helper-enabled/multi-user.target.wants/actorshop.service
  /var/lib/systemd/deb-systemd-helper-masked/actorshop.service
  /var/lib/systemd/deb-systemd-helper-masked)
snapshot() { for p in "${traces[@]}"; do [ -e "$p" ] || [ -L "$p" ] && echo "$p"; done; true; }
before="$(snapshot)"

tmp="$(mktemp -d)"
pid=""
cleanup() {
  [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
  known && dpkg --purge actorshop >/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT

# Build: the two binaries (cpack installs them, it does not build them), then the package.
cmake --build "$build" --parallel 2 --target actorshop actorshop-bench >/dev/null
out="$(cd "$build" && cpack -G DEB 2>&1)" || fail "cpack -G DEB: $out"
deb="$(sed -n 's/^CPack: - package: \(.*\.deb\) generated\.$/\1/p' <<<"$out")"
[ -f "$deb" ] || fail "cpack names the .deb it wrote: $out"
echo "ok: built $(basename "$deb")"

lint="$(lintian "$deb" 2>&1)" || true
if grep '^E:' <<<"$lint"; then
  fail "lintian reports no errors"
fi
echo "ok: lintian: $(grep -c '^E:' <<<"$lint") errors, $(grep -c '^W:' <<<"$lint") warnings"
dpkg-deb -f "$deb" Depends | grep -q 'libcaf-core' || fail "Depends: names the CAF library"

dpkg -i "$deb" >/dev/null || fail "dpkg -i installs the package"
for f in /usr/bin/actorshop /usr/bin/actorshop-bench /etc/actorshop/actorshop.toml \
  /lib/systemd/system/actorshop.service /usr/share/actorshop/profiles/coupon-peak.json \
  /usr/share/actorshop/profiles/order-payment.json /usr/share/doc/actorshop/copyright \
  /usr/share/doc/actorshop/changelog.Debian.gz; do
  [ -f "$f" ] || fail "the package installs $f"
done
dpkg-query -W -f='${Conffiles}' actorshop | grep -q '/etc/actorshop/actorshop.toml' ||
  fail "/etc/actorshop/actorshop.toml is a conffile"
grep -q '^path = "/var/lib/actorshop/actorshop.db"' /etc/actorshop/actorshop.toml ||
  fail "the installed config keeps the database in /var/lib/actorshop"
for b in /usr/bin/actorshop /usr/bin/actorshop-bench; do
  readelf -S "$b" | grep -q '\.symtab' && fail "$b is stripped"
done
verify="$(systemd-analyze verify /lib/systemd/system/actorshop.service 2>&1)" ||
  fail "the installed unit verifies: $verify"
[ -z "$verify" ] || fail "the installed unit verifies clean: $verify"
echo "ok: installed; conffile, stripped binaries, unit verifies clean"

# The installed daemon with the installed config; only the port and the database are ours.
/usr/bin/actorshop --config /etc/actorshop/actorshop.toml --port 0 --db "$tmp/shop.db" \
  >"$tmp/out" 2>"$tmp/err" &
pid=$!
end=$((SECONDS + deadline_s))
until grep -q '^actorshop listening on ' "$tmp/out"; do
  kill -0 "$pid" 2>/dev/null || fail "the installed daemon starts: $(cat "$tmp/err")"
  [ "$SECONDS" -lt "$end" ] || fail "the installed daemon prints its start line"
  sleep 0.1 # bounded poll for the start line
done
grep -q 'config=/etc/actorshop/actorshop.toml' "$tmp/out" || fail "it read the installed config"
port="$(sed -n 's#^actorshop listening on http://127\.0\.0\.1:\([0-9]*\) .*#\1#p' "$tmp/out")"
[ -n "$port" ] || fail "it listens on loopback, as the installed config says: $(cat "$tmp/out")"
health="$(curl -fsS --max-time 10 "http://127.0.0.1:$port/health")" || fail "GET /health answers"
grep -q '"ok"' <<<"$health" || fail "GET /health says ok, got $health"
echo "ok: installed daemon answers GET /health on 127.0.0.1:$port"

kill -TERM "$pid"
end=$((SECONDS + deadline_s))
while kill -0 "$pid" 2>/dev/null; do
  [ "$SECONDS" -lt "$end" ] || fail "the daemon exits after SIGTERM"
  sleep 0.1 # bounded poll for the exit
done
rc=0
wait "$pid" || rc=$?
pid=""
[ "$rc" -eq 0 ] || fail "the daemon exits 0 after SIGTERM, got $rc: $(cat "$tmp/err")"
echo "ok: SIGTERM, exit 0"

dpkg -r actorshop >/dev/null || fail "dpkg -r removes the package"
[ ! -e /usr/bin/actorshop ] || fail "dpkg -r removes /usr/bin/actorshop"
[ -f /etc/actorshop/actorshop.toml ] || fail "dpkg -r keeps the conffile (until purge)"
dpkg --purge actorshop >/dev/null || fail "dpkg --purge purges the package"
known && fail "dpkg --purge forgets the package"
after="$(snapshot)"
[ "$before" = "$after" ] || fail "the machine is as before; before: [$before] after: [$after]"
echo "ok: removed and purged; no trace left"
