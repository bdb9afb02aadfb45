#!/usr/bin/env bash
# Before/after of the remote-owner overhead (issue 13 item 7): runs bench/cluster_cost.py's
# callgrind phases (N=3, instructions per request summed over every node, independent of the
# host's load) for two daemon binaries, one after the other, and prints both tables: local and
# remote instructions and the remote/local ratio (target <= 1.5), medians [min..max] of RUNS runs.
#   bench/cluster_cost_compare.sh BEFORE_BIN AFTER_BIN [RUNS=3] [more cluster_cost.py options]
# e.g. --concurrency 16 (requests in flight per front), or --modes proc for /proc CPU seconds
# instead (a later --modes wins; busy-host figures unless the host is quiet).
# e.g. build the parent commit into build-before, then
#   bench/cluster_cost_compare.sh build-before/daemon/actorshop build/daemon/actorshop 3
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
before="$1"
after="$2"
runs="${3:-3}"
shift $(($# >= 3 ? 3 : $#))
for bin in "$before" "$after"; do
  echo "== $bin"
  python3 "$here/cluster_cost.py" --bin "$bin" --runs "$runs" --nodes 3 --modes callgrind "$@" |
    sed -n '/^N=3: /,$p'
done
