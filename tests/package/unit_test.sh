#!/usr/bin/env bash
# The systemd unit is hardened and valid: `systemd-analyze security --offline=true` rates it at
# most 2.0 (0 = locked down, 10 = exposed), and `systemd-analyze verify` reports nothing.
# verify needs ExecStart's binary to exist, so it checks a copy with the built binary's path.
# Usage: unit_test.sh SOURCE_DIR/config/actorshop.service BUILD_DIR/daemon/actorshop
set -euo pipefail
unit="$1" binary="$(realpath "$2")"
max_exposure=2.0

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

report="$(systemd-analyze security --offline=true "$unit" 2>&1)"
exposure="$(sed -n 's/.*Overall exposure level for actorshop.service: \([0-9.]*\).*/\1/p' <<<"$report")"
if [ -z "$exposure" ]; then
  echo "FAIL: systemd-analyze security gave no exposure level:" >&2
  echo "$report" >&2
  exit 1
fi
if ! awk -v e="$exposure" -v m="$max_exposure" 'BEGIN { exit !(e <= m) }'; then
  echo "FAIL: the unit's exposure is at most $max_exposure, got $exposure:" >&2
  grep '✗' <<<"$report" >&2 || true
  exit 1
fi
echo "ok: exposure $exposure (at most $max_exposure)"

sed "s#/usr/bin/actorshop#$binary#g" "$unit" >"$tmp/actorshop.service"
if ! out="$(systemd-analyze verify "$tmp/actorshop.service" 2>&1)" || [ -n "$out" ]; then
  echo "FAIL: systemd-analyze verify is clean, it said:" >&2
  echo "$out" >&2
  exit 1
fi
echo "ok: systemd-analyze verify clean"
