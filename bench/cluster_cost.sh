#!/usr/bin/env bash
# The scaling model's figures (README "Scaling model"): instructions (callgrind, every node summed)
# and CPU seconds (/proc) per local and remote request, bytes, TCP segments and wire messages per
# request on the inter-node links, commits per shard per second under load, for 1, 2 and 3 nodes
# on loopback; medians [min..max] of RUNS runs. Options: bench/cluster_cost.py --help.
#   bench/cluster_cost.sh [BUILD_DIR=build] [RUNS=3] [more cluster_cost.py options]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build="${1:-build}"
runs="${2:-3}"
shift $(($# >= 2 ? 2 : $#))
exec python3 "$here/cluster_cost.py" --bin "$build/daemon/actorshop" --runs "$runs" "$@"
