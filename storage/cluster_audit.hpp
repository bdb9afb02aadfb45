// The audit over every node's database of a cluster (scale-out): the single-node invariants of
// audit.hpp restated across shards (a coupon's holders, a customer's money, an option's stock and
// an order's payment may sit on different nodes), plus placement (each row on the node that owns
// its entity) and, once the saga records them, step ids applied at most once. Read-only: every
// file is attached with mode=ro and read in one transaction, so it may run next to live nodes.
// Meant for a quiet cluster (no saga in flight): a half-done saga is, by design, not yet
// balanced.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "domain/placement.hpp"
#include "storage/audit.hpp"

namespace actorshop::storage {

/// One node's database: its name in the cluster file and the path of its SQLite file.
struct node_database {
  std::string name;
  std::string path;
};

struct cluster_audit_options {
  /// Who owns what: with it, every row is checked to be on its owner; without it (a bench that
  /// has no cluster file) only that no entity is on two nodes. Node i of `nodes` must be the
  /// map's node of the same name.
  const domain::shard_map* map = nullptr;
  /// Units every stock row started with (the seed's 100,000), checked when >= 0; otherwise the
  /// copies of a row on several nodes must agree (reference data before stock is sharded).
  std::int64_t stock_initial = -1;
  int max_per_invariant = 100;
};

/// What the audit found: per node, PRAGMA integrity_check's complaints; across nodes, the
/// violations (at most max_per_invariant each; the detail names the node).
struct cluster_audit_result {
  std::vector<std::string> integrity;
  std::vector<violation> violations;
  bool ok() const { return integrity.empty() && violations.empty(); }
};

/// Audits `nodes` (at most 100) together. Throws storage::error if a file cannot be opened, and
/// std::runtime_error if a node's name is not in the map.
cluster_audit_result audit_cluster(const std::vector<node_database>& nodes,
                                   const cluster_audit_options& options);

/// Returns the names of the invariants audit_cluster() checks, in order.
std::vector<std::string> cluster_invariant_names();

} // namespace actorshop::storage
