// shop_options: how one shop is configured (database, durability, threads, TTLs, limits, event
// sink). Plain values with defaults, so the daemon's settings code can fill it from TOML, the
// environment and flags without knowing the actors.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "domain/money.hpp"
#include "domain/placement.hpp"
#include "storage/writer.hpp"

namespace actorshop::actors {

struct shop_options {
  std::string db_path = "actorshop.db";
  storage::sync_mode sync = storage::sync_mode::full;
  int actor_threads = 2;                               ///< CAF scheduler.max-threads
  std::chrono::milliseconds order_ttl{15 * 60 * 1000}; ///< unpaid orders expire after this
  domain::money max_charge = 100'000'000;              ///< per PATCH /balances/charge
  std::chrono::seconds passivate_after{60}; ///< idle customer actors are stopped after this
  std::size_t max_pending_writes = 65'536;  ///< writer queue bound (503 beyond)
  std::int64_t max_db_bytes = 0; ///< database size cap (503 STORAGE_FULL beyond); 0: none
  std::string event_sink;        ///< "" (none), "file:PATH" or "http://HOST:PORT/PATH"
  std::chrono::seconds event_retention{3'600}; ///< delivered events are deleted after this
  std::uint64_t event_max_backlog = 100'000;   ///< undelivered events beyond this are logged
  /// Cluster mode: whether this node owns (kind, id). Empty: one node, everything local (today's
  /// shop, unchanged). Set: stock rows are decided by saga steps in SQL (no stock actors), orders
  /// run the cross-shard saga, and new order, payment and coupon ids are ones this node owns.
  std::function<bool(domain::entity_kind, domain::id_t)> owns;
  /// Cluster mode: how long a saga retries a step whose owner does not answer before it
  /// compensates (compensations retry until they are acknowledged). The client waits at most
  /// this plus half of it (for the compensation), which stays below the HTTP front-end's 5 s
  /// request timeout so that it gets the saga's answer (503), not a 504.
  std::chrono::milliseconds step_deadline{2'000};
};

} // namespace actorshop::actors
