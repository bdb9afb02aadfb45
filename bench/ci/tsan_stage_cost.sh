#!/usr/bin/env bash
# What CI's TSan stage (config/setup.sh tsan) costs: a cold build of its tree (no ccache, as on a
# fresh clone) and its run, N times (default 3), in a scratch build dir. Prints CPU seconds
# (user+sys, steady on a busy host) and wall seconds for each run, then median [min..max].
# Reference measured in the same run: the ASan stage's build of the same four targets would be
# the natural one, but costs as much again; pass ASAN=1 to add it.
#   bench/ci/tsan_stage_cost.sh [N]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
runs="${1:-3}"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

measure() { # <label> <command...>: prints "<label> <cpu_s> <wall_s>"
  local label="$1"; shift
  local t; t="$( { /usr/bin/time -f '%U %S %e' "$@" >/dev/null 2>&1; } 2>&1 | tail -1)"
  awk -v l="$label" '{printf "%s %.1f %.1f\n", l, $1 + $2, $3}' <<<"$t"
}

stage() { # <sanitizer> <function>
  CCACHE_DISABLE=1 ACTORSHOP_TSAN_BUILD_DIR="$scratch/tsan" ACTORSHOP_ASAN_BUILD_DIR="$scratch/asan" \
    bash -c "source <(sed '/^cmd=/,\$d' '$root/config/setup.sh')
      root='$root'; sanitizers='$root/config/sanitizers'; $2"
}

for i in $(seq "$runs"); do
  rm -rf "$scratch/tsan" "$scratch/asan"
  measure tsan_stage stage thread test_tsan
  [ "${ASAN:-0}" = 1 ] && measure asan_stage stage address test_asan
done | tee "$scratch/all"

summary() { # <label> <column> <name>
  grep "^$1 " "$scratch/all" | awk -v c="$2" '{print $c}' | sort -n |
    awk -v l="$1" -v n="$3" '{v[NR]=$1} END {if (NR) printf "%s %s: median %.1f [%.1f..%.1f] s of %d runs\n", l, n, v[int((NR+1)/2)], v[1], v[NR], NR}'
}
for l in tsan_stage asan_stage; do summary $l 2 cpu; summary $l 3 wall; done
