#!/usr/bin/env bash
# Runs one tsan_canary scenario under TSan with the suppressions CI uses and checks the outcome:
#   check.sh <tsan_canary> <suppressions> <scenario> race <function>  a data race is reported, and
#                                                                     <function> is in the report
#   check.sh <tsan_canary> <suppressions> <scenario> clean            no report at all
# The expected reports go to a temporary directory of their own, never to the build tree's
# sanitizer-reports that fails CI; they are printed here so a failure shows what TSan said.
set -euo pipefail
canary="$1" suppressions="$2" scenario="$3" expect="$4" function="${5:-}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

status=0
TSAN_OPTIONS="halt_on_error=0:exitcode=66:log_path=$out/tsan:suppressions=$suppressions" \
  "$canary" "$scenario" || status=$?
cat "$out"/tsan* 2>/dev/null || true

if [ "$expect" = clean ]; then
  if compgen -G "$out/tsan*" >/dev/null || [ "$status" -ne 0 ]; then
    echo "check: $scenario should run without a TSan report (exit $status)" >&2
    exit 1
  fi
  echo "check: $scenario: no report, as expected"
  exit 0
fi

if ! grep -q "WARNING: ThreadSanitizer: data race" "$out"/tsan* 2>/dev/null; then
  echo "check: TSan did not report the race of $scenario (exit $status)" >&2
  exit 1
fi
if ! grep -q "$function" "$out"/tsan*; then
  echo "check: the report of $scenario does not name $function" >&2
  exit 1
fi
echo "check: $scenario: TSan reported the race in $function, as expected"
