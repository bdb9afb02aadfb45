// The after-run audit: what the run was told (201s) must match what the service holds.
// Coupon 201s == newly issued copies <= quantity, nobody holds the coupon twice, stock is
// conserved (initial = available + reserved + sold) and every 201 payment's order is PAID.
// Read from the SQLite file when there is one, else over HTTP (before/after snapshots).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bench/harness/http_client.hpp"
#include "bench/harness/scenario.hpp"

namespace actorshop::bench {

inline constexpr std::int64_t seed_coupon_id = 4001;

/// The service state the audit compares before and after the run.
struct audit_snapshot {
  std::int64_t issued = 0;          ///< holders of coupon 4001
  std::int64_t total_quantity = -1; ///< -1: not known (HTTP has no coupon endpoint)
  std::int64_t remaining = -1;      ///< coupon.current_quantity
  std::int64_t duplicate_holders = 0;
  std::int64_t stock_initial = -1;  ///< sum of available + reserved + sold (-1: not known)
  std::int64_t stock_available = 0; ///< sum of available units
};

/// What the run saw.
struct audit_input {
  scenario_kind scenario = scenario_kind::coupon_peak;
  std::uint64_t coupon_201 = 0;
  std::uint64_t orders_201 = 0;
  std::uint64_t units_per_order = 2;
  std::vector<paid_order> paid_orders;
};

struct audit_result {
  bool ok = true;
  std::string text;
};

/// Reads the snapshot from a SQLite database (read-only). Throws std::runtime_error.
audit_snapshot db_snapshot(const std::string& path);
/// The same summed over a cluster's databases (one per node; each entity's rows on one of them).
audit_snapshot db_snapshot(const std::vector<std::string>& paths);
/// Reads the snapshot over HTTP: the coupon wallets of customers 1001..3000 (coupon-peak) and
/// the option stock of products 5001..5020 (order-payment).
/// `tokens`: the customer tokens of a daemon in token mode (null: the open API).
audit_snapshot http_snapshot(const http_target& target, scenario_kind s,
                             std::shared_ptr<const token_book> tokens = nullptr);

/// Compares before/after with what the run saw; PAID is checked in the database.
audit_result audit_db(const std::string& path, const audit_snapshot& before, const audit_input& in);
/// The same over a cluster's databases: the counts summed over the nodes, a paid order PAID on
/// whichever node holds it, and the cross-node invariants (storage/cluster_audit.hpp: an entity
/// on one node only, a coupon's holders, money, stock and payments conserved across shards).
audit_result audit_db(const std::vector<std::string>& paths, const audit_snapshot& before,
                      const audit_input& in);
/// Same over HTTP; PAID is checked with GET /orders/{id} for at most `max_orders` orders.
audit_result audit_http(const http_target& target, const audit_snapshot& before,
                        const audit_input& in, std::size_t max_orders = 500,
                        std::shared_ptr<const token_book> tokens = nullptr);

} // namespace actorshop::bench
