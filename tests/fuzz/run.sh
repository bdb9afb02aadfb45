#!/usr/bin/env bash
# Builds the libFuzzer targets with clang++-14 (ASan + UBSan) and runs them on their seed corpora.
#   tests/fuzz/run.sh smoke [BUILD_DIR]           a fixed 20,000 runs per target (CI: config/setup.sh test)
#   tests/fuzz/run.sh long  [BUILD_DIR] [SECONDS]  SECONDS (default 600) per target, the three in
#                                                  parallel, each stopping at its first crash; logs,
#                                                  grown corpora and crash inputs in BUILD_DIR/fuzz-long/
# The committed corpora (tests/fuzz/corpus/TARGET) are read, never written: new inputs go to a
# scratch corpus in BUILD_DIR. Every crash input once found is committed under the corpus, so the
# smoke run replays it. Exit 1 if a target crashes.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
mode="${1:-smoke}"
build="${2:-$root/build-fuzz}"
seconds="${3:-600}"
targets=(request profile threshold)

configure_and_build() {
  local launcher=()
  command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  cmake -S "$root" -B "$build" -DACTORSHOP_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++-14 \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launcher[@]}" >/dev/null
  cmake --build "$build" -j"${ACTORSHOP_JOBS:-2}"
}

# One target: fresh scratch corpus first (libFuzzer writes there), the committed one after it.
run_target() {
  local t="$1" out="$2"
  shift 2
  local scratch="$out/corpus-$t"
  mkdir -p "$scratch"
  (cd "$out" && "$build/tests/fuzz/fuzz_$t" -artifact_prefix="$out/$t-" -print_final_stats=1 \
    -dict="$here/$t.dict" "$@" "$scratch" "$here/corpus/$t")
}

smoke() {
  local out="$build/fuzz-smoke"
  rm -rf "$out" && mkdir -p "$out"
  for t in "${targets[@]}"; do
    if ! run_target "$t" "$out" -seed=1 -runs=20000 >"$out/$t.log" 2>&1; then
      tail -n 40 "$out/$t.log" >&2
      echo "fuzz smoke: fuzz_$t crashed (input in $out, log $out/$t.log)" >&2
      return 1
    fi
    echo "fuzz smoke: fuzz_$t $(grep -E '^#[0-9]+[[:space:]]+DONE' "$out/$t.log" | tail -n 1)"
  done
}

long() {
  local out="$build/fuzz-long"
  mkdir -p "$out"
  local pids=()
  for t in "${targets[@]}"; do
    run_target "$t" "$out" -max_total_time="$seconds" >"$out/$t.log" 2>&1 &
    pids+=($!)
  done
  local failed=0
  for p in "${pids[@]}"; do wait "$p" || failed=1; done
  for t in "${targets[@]}"; do
    echo "fuzz long: fuzz_$t $(grep -E '^#[0-9]+' "$out/$t.log" | tail -n 1)"
    echo "  $(grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss)' "$out/$t.log" | tr '\n' ' ')"
  done
  local crashes
  crashes=$(find "$out" -maxdepth 1 \( -name '*-crash-*' -o -name '*-leak-*' -o -name '*-timeout-*' -o -name '*-oom-*' \) | wc -l)
  echo "fuzz long: $crashes crash/leak/timeout/oom inputs in $out"
  ((crashes == 0 && failed == 0))
}

configure_and_build
case "$mode" in
  smoke) smoke ;;
  long) long ;;
  *) echo "usage: tests/fuzz/run.sh smoke|long [BUILD_DIR] [SECONDS]" >&2; exit 2 ;;
esac
