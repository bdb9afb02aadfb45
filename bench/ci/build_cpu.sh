#!/usr/bin/env bash
# Compile and link CPU seconds (user+sys: steady on a busy host, unlike wall time) of CI's build
# stages from scratch (no ccache, as on a fresh clone), for this checkout and for a reference
# commit, measured alternately in the same run. Each compiler and linker call is logged by
# bench/ci/cpu_log.sh; prints per run and stage the CPU sums and the 8 costliest units, then
# median [min..max] of RUNS runs and the ratio to the reference. Predicted wall time of a stage on
# 2 idle cores: about its CPU / 2 (plus the serial tail the log's order shows).
#   bench/ci/build_cpu.sh [RUNS] [REF] [STAGES]   defaults: 1 main "release asan tsan"
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
runs="${1:-1}" ref="${2:-main}" stages="${3:-release asan tsan}"
scratch="$(mktemp -d)"
trap 'git -C "$root" worktree remove --force "$scratch/ref" >/dev/null 2>&1 || true; rm -rf "$scratch"' EXIT
git -C "$root" worktree add --detach "$scratch/ref" "$ref" >/dev/null 2>&1
cp "$root/bench/ci/cpu_log.sh" "$scratch/cpu_log.sh"

# stage <tree> <stage> <dir> <log>: builds one CI stage of <tree> with its own config/setup.sh.
stage() {
  local tree="$1" name="$2" dir="$3" log="$4" launch
  launch="-DCMAKE_CXX_COMPILER_LAUNCHER=$scratch/cpu_log.sh;$log;compile"
  launch+=" -DCMAKE_CXX_LINKER_LAUNCHER=$scratch/cpu_log.sh;$log;link"
  CCACHE_DISABLE=1 ACTORSHOP_BUILD_DIR="$dir" ACTORSHOP_CMAKE_ARGS="$launch" bash -c "
    source <(sed '/^cmd=/,\$d' '$tree/config/setup.sh')
    root='$tree'
    # A reference from before ci_build/asan_build/tsan_build: the same commands, spelled out.
    declare -F ci_build >/dev/null || ci_build() { build -DACTORSHOP_MICROBENCHES=OFF; }
    declare -F asan_build >/dev/null || asan_build() { sanitized_build \"\$1\" address,undefined \
      actorshop domain_tests storage_tests actors_tests http_tests daemon_tests; }
    declare -F tsan_build >/dev/null || tsan_build() { sanitized_build \"\$1\" thread actorshop \
      actors_tests http_tests tsan_canary; }
    case $name in
      release) ci_build ;;
      asan) asan_build '$dir' ;;
      tsan) tsan_build '$dir' ;;
    esac" >"$log.out" 2>&1
}

for i in $(seq "$runs"); do
  for s in $stages; do
    for tree in ref new; do
      src="$root"; [ "$tree" = ref ] && src="$scratch/ref"
      log="$scratch/$s-$tree-$i.log"
      rm -rf "$scratch/build"
      start=$SECONDS
      stage "$src" "$s" "$scratch/build" "$log" || { echo "$s $tree failed:"; tail -20 "$log.out"; exit 1; }
      awk -v s="$s" -v t="$tree" -v w=$((SECONDS - start)) \
        '{c[$1] += $2} END {printf "RESULT %s %s compile %.1f link %.1f total %.1f wall %d\n",
          s, t, c["compile"], c["link"], c["compile"] + c["link"], w}' "$log"
      sort -k2 -nr "$log" | head -8 | sed 's/^/    /'
    done
  done
done | tee "$scratch/all"

echo "== CPU seconds (compile + link), median [min..max] of $runs, ratio to $ref"
for s in $stages; do
  for tree in ref new; do
    grep "^RESULT $s $tree " "$scratch/all" | awk '{print $9}' | sort -n |
      awk -v s="$s" -v t="$tree" '{v[NR] = $1} END {printf "%s %s %.1f [%.1f..%.1f]\n", s, t,
        (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2), v[1], v[NR]}'
  done
done | awk '{print} $2 == "ref" {r = $3} $2 == "new" {printf "%s ratio new/ref: %.2f\n", $1, $3 / r}'
