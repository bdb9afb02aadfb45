#!/usr/bin/env bash
# What metrics and customer tokens cost, in instructions per request (valgrind's callgrind): the
# same fixed requests (coupon issue 201 and 409, order, payment, GET balance; one at a time, a
# fixed count, not a duration) against a freshly seeded daemon with metrics off, metrics on, and
# token mode, RUNS times each; with metrics on also instructions per /metrics scrape and per
# /dashboard/data poll, and what one of each a second adds per request at coupon-peak's rate.
# Instruction counts do not depend on the host's load: run it on a busy host as well as a quiet
# one. Prints medians [min..max] and the ratios against metrics off. The driver and its options
# (--requests, --scrapes, --arms off,on,token,token-off, --daemon BINARY, ...):
# bench/http/cpu_per_request.py.
#   bench/http/cpu_per_request.sh BUILD_DIR [RUNS=3] [more cpu_per_request.py options]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build="${1:?usage: cpu_per_request.sh BUILD_DIR [RUNS] [options]}"
runs="${2:-3}"
shift $(($# >= 2 ? 2 : 1))
exec python3 "$here/cpu_per_request.py" "$build" --runs "$runs" "$@"
