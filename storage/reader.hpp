// Read-only queries on their own connection (WAL lets readers run beside the writer): the API's
// GET endpoints, and the loaders that actors use to activate from the database and to recover.
// One reader per thread: a reader is not thread-safe (see reader_pool for a thread-local one).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "domain/catalog.hpp"
#include "domain/history_page.hpp"
#include "domain/model.hpp"

struct sqlite3;

namespace actorshop::storage {

/// A stock row: initial quantity == available + reserved + sold, always.
struct stock_row {
  domain::id_t id = 0;
  domain::id_t option_id = 0;
  domain::quantity available = 0;
  domain::quantity reserved = 0;
  domain::quantity sold = 0;
};

class reader {
public:
  explicit reader(const std::string& path); ///< opens read-only; throws storage::error
  ~reader();
  reader(const reader&) = delete;
  reader& operator=(const reader&) = delete;

  // --- API queries ---
  std::optional<domain::balance_view> balance(domain::id_t customer_id);
  std::vector<domain::balance_change> balance_history(domain::id_t customer_id); ///< oldest first
  /// Up to `limit` entries, newest first, older than the entry `before` (0: from the newest).
  /// Nothing if `before` is not an entry of this customer.
  std::optional<domain::balance_history_page>
  balance_history_page(domain::id_t customer_id, int limit, domain::id_t before = 0);
  std::vector<domain::product_summary> products();
  std::optional<domain::product_detail> product(domain::id_t product_id);
  /// Top `limit` products by units paid in the last `days` UTC days, today included.
  std::vector<domain::popular_product> popular(int days, domain::timestamp now, int limit = 5);
  std::vector<domain::wallet_coupon> customer_coupons(domain::id_t customer_id);
  std::optional<domain::order> order(domain::id_t order_id); ///< with its lines
  std::optional<domain::payment> payment_of_order(domain::id_t order_id);
  bool customer_exists(domain::id_t customer_id);

  // --- loaders for activation and recovery ---
  domain::catalog load_catalog();
  std::vector<domain::id_t> customer_ids();
  std::optional<domain::coupon> coupon(domain::id_t coupon_id);
  std::vector<domain::id_t> coupon_ids();
  /// Every holder of `coupon_id` with the status of their copy.
  std::vector<std::pair<domain::id_t, domain::coupon_status>>
  coupon_holders(domain::id_t coupon_id);
  std::optional<stock_row> stock_by_option(domain::id_t option_id);
  std::vector<stock_row> stocks();
  std::vector<domain::order> open_orders(); ///< status CREATED, with lines
  domain::id_t max_order_id();
  domain::id_t max_payment_id();
  domain::id_t max_coupon_id();

  sqlite3* handle();

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

/// Returns this thread's reader for `path` (opened on first use, kept for the thread's life).
reader& thread_reader(const std::string& path);

} // namespace actorshop::storage
