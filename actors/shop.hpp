// The in-process API of actorshop: a small facade over the actor system that the HTTP front-end
// and the actor-level benchmark both call. Every call returns at once; the callback runs exactly
// once, on an actor or writer thread, so callers must post the answer to their own executor.
// Exception: refusals decided without any actor (shutting down, unknown customer, coupon or
// order, an invalid order or coupon spec) are answered at once on the caller's stack.
// No call blocks on an actor.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "actors/shop_options.hpp"
#include "domain/clock.hpp"
#include "domain/history_page.hpp"
#include "domain/model.hpp"
#include "domain/result.hpp"
#include "storage/step_units.hpp"
#include "storage/writer.hpp"

namespace actorshop::actors {

template <class T> using callback = std::function<void(domain::result<T>)>;

/// How many products GET /products/popular lists.
inline constexpr int popular_limit = 5;

struct shop_stats {
  std::uint64_t live_customer_actors = 0;
  std::uint64_t live_order_sagas = 0;
  std::uint64_t live_coupon_actors = 0;
  std::uint64_t live_stock_actors = 0;
  std::uint64_t running_actors = 0; ///< every actor CAF runs, ours and its own
  std::uint64_t wal_bytes = 0;
  std::uint64_t writes_committed = 0;
  std::uint64_t writes_failed = 0;
  std::uint64_t write_batches = 0;
  std::uint64_t write_queue_depth = 0;
  std::uint64_t events_pending = 0;
  std::uint64_t events_delivered = 0;
  std::uint64_t event_delivery_failures = 0;
  std::uint64_t event_retries = 0;
  /// Cluster mode: "paying" saga log rows found at start whose order was no longer open (closed
  /// with a warning instead of resumed; see set_step_transport).
  std::uint64_t saga_recovery_skipped = 0;
  std::vector<std::pair<domain::id_t, std::int64_t>> coupon_remaining; ///< (coupon id, remaining)
};

/// What the shop loaded and re-armed at start (logged by the daemon).
struct recovery_summary {
  std::uint64_t products = 0;
  std::uint64_t stock_rows = 0;      ///< one stock actor each
  std::uint64_t coupons = 0;         ///< one coupon actor each
  std::uint64_t customers = 0;       ///< known ids; their actors start on first use
  std::uint64_t unpaid_orders = 0;   ///< open orders whose saga was re-armed (overdue ones expire)
  std::chrono::milliseconds took{0}; ///< opening, migrating and recovering
};

/// In-memory levels of one stock row (tests compare them with the database).
struct stock_snapshot {
  domain::quantity available = 0;
  domain::quantity reserved = 0;
  domain::quantity sold = 0;
};

/// In-memory state of one coupon actor (tests compare it with the database).
struct coupon_snapshot {
  domain::coupon coupon;
  std::int64_t holders = 0;
};

class step_transport;

class shop {
public:
  /// Opens (and migrates) the database, starts the actor system and recovers open orders.
  /// Returns once recovery has finished. Throws std::runtime_error on failure. Every "now" of
  /// the actors (timestamps, order TTLs, coupon windows, passivation) is read from `clock`.
  explicit shop(shop_options options,
                std::shared_ptr<domain::clock> clock = std::make_shared<domain::system_clock>());
  ~shop(); ///< shutdown() if not done yet
  shop(const shop&) = delete;
  shop& operator=(const shop&) = delete;

  // --- commands: answered after the effect is durable ---
  void issue_coupon(domain::id_t coupon_id, domain::id_t customer_id,
                    callback<domain::issued_coupon> cb);
  void create_order(domain::id_t customer_id, std::vector<domain::order_line_request> lines,
                    callback<domain::order> cb);
  /// `payer`: the customer a token acts for (auth.mode = "token"); another customer's order is
  /// refused with FORBIDDEN. 0: anyone may pay (the open API).
  void pay(domain::id_t order_id, std::optional<domain::id_t> coupon_id,
           callback<domain::payment> cb, domain::id_t payer = 0);
  void charge(domain::id_t customer_id, domain::money amount, callback<domain::balance_view> cb);
  void create_coupon(domain::coupon_spec spec, callback<domain::coupon> cb);

  // --- cluster mode (options().owns set) ---
  /// Applies a saga step on an entity of this node at most once (storage::apply_step); answers
  /// its first outcome after the commit.
  void apply_step(storage::step s, callback<storage::step_outcome> cb);
  /// Hands the shop the node's step transport (it must outlive the shop's serving) and resumes
  /// what the database says was in flight: the sagas of open orders, and the compensation of
  /// every saga log row not closed. Returns how many sagas it started.
  std::uint64_t set_step_transport(step_transport* transport);

  // --- queries: committed state, read on the caller's thread from a thread-local connection ---
  domain::result<domain::balance_view> balance(domain::id_t customer_id);
  /// A page, newest first (see reader::balance_history_page); invalid_request if `before` is not
  /// one of this customer's entries.
  domain::result<domain::balance_history_page> balance_history_page(domain::id_t customer_id,
                                                                    int limit, domain::id_t before);
  std::vector<domain::product_summary> products();
  domain::result<domain::product_detail> product(domain::id_t product_id);
  domain::result<std::vector<domain::popular_product>> popular(int days);
  /// Cluster mode's part of popular(): units paid per product on this node's orders in the `days`
  /// days (1..30, else INVALID_PERIOD) up to `now`, every product that sold, unranked.
  domain::result<std::vector<domain::popular_product>> product_sales(int days,
                                                                     domain::timestamp now);
  /// Ranks units paid per product (summed over the nodes) as popular() does: by units, most
  /// first, then by product id; keeps the first popular_limit and names them from the catalogue
  /// (an id not in it is left out, as popular()'s join leaves it out).
  std::vector<domain::popular_product>
  top_sellers(const std::vector<std::pair<domain::id_t, domain::quantity>>& units) const;
  /// The shop's clock: the popular window of a cluster-wide query is the receiving node's.
  domain::timestamp now() const;
  domain::result<std::vector<domain::wallet_coupon>> customer_coupons(domain::id_t customer_id);
  domain::result<domain::order> order(domain::id_t order_id);

  /// Stops taking commands (they get SERVICE_UNAVAILABLE), waits for in-flight ones, flushes the
  /// writer and stops the actor system. Idempotent.
  void shutdown();

  shop_stats stats() const;
  const recovery_summary& recovery() const;
  /// The writer's histograms (batch size, commit, fsync, checkpoint), for /metrics.
  const storage::writer_telemetry& writer_telemetry() const;
  const shop_options& options() const;
  /// The writer, for tests that inject storage failures.
  storage::writer& writer_for_tests();

  // --- test and diagnostics hooks (block the caller on one actor round trip; not for hot paths)
  // ---
  std::optional<stock_snapshot> stock_in_memory(domain::id_t option_id);
  std::optional<coupon_snapshot> coupon_in_memory(domain::id_t coupon_id);

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace actorshop::actors
