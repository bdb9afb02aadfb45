#include "bench/harness/audit.hpp"

#include <functional>
#include <sstream>
#include <stdexcept>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <sqlite3.h>

namespace actorshop::bench {

namespace asio = boost::asio;

namespace {

class db {
public:
  explicit db(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &h_, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
      const std::string why = h_ ? sqlite3_errmsg(h_) : "out of memory";
      sqlite3_close(h_);
      throw std::runtime_error("audit: cannot open '" + path + "': " + why);
    }
    sqlite3_busy_timeout(h_, 5000);
  }
  ~db() { sqlite3_close(h_); }
  /// Returns the first column of the first row of `sql` bound to `arg` (or `fallback`).
  std::int64_t scalar(const char* sql, std::int64_t arg = 0, std::int64_t fallback = -1) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(h_, sql, -1, &st, nullptr) != SQLITE_OK)
      throw std::runtime_error(std::string("audit query failed: ") + sqlite3_errmsg(h_));
    if (sqlite3_bind_parameter_count(st) > 0)
      sqlite3_bind_int64(st, 1, arg);
    std::int64_t v = fallback;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
      v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
  }

private:
  sqlite3* h_ = nullptr;
};

/// Collects the audit's lines; each names the rule and says ok or FAIL.
struct checker {
  audit_result r;
  void check(bool ok, const std::string& what) {
    r.ok = r.ok && ok;
    r.text += std::string(ok ? "  ✓ " : "  ✗ FAIL ") + what + "\n";
  }
};

void audit_common(checker& c, const audit_snapshot& before, const audit_snapshot& after,
                  const audit_input& in) {
  std::ostringstream s;
  if (in.scenario == scenario_kind::coupon_peak) {
    const auto issued = after.issued - before.issued;
    s << "coupon " << seed_coupon_id << ": 201 responses " << in.coupon_201 << " == newly issued "
      << issued;
    c.check(static_cast<std::int64_t>(in.coupon_201) == issued, s.str());
    if (after.total_quantity >= 0) {
      c.check(after.issued <= after.total_quantity, "issued " + std::to_string(after.issued) +
                                                        " <= quantity " +
                                                        std::to_string(after.total_quantity));
      c.check(after.total_quantity - after.remaining == after.issued,
              "quantity - remaining (" + std::to_string(after.total_quantity - after.remaining) +
                  ") == holders (" + std::to_string(after.issued) + ")");
    }
    c.check(after.duplicate_holders == 0, "no customer holds the coupon twice (" +
                                              std::to_string(after.duplicate_holders) + " do)");
  } else {
    const auto used = before.stock_available - after.stock_available;
    const auto expected = static_cast<std::int64_t>(in.orders_201 * in.units_per_order);
    c.check(used == expected, "stock units taken " + std::to_string(used) + " == 201 orders x " +
                                  std::to_string(in.units_per_order) + " = " +
                                  std::to_string(expected));
    if (after.stock_initial >= 0)
      c.check(
          after.stock_initial == before.stock_initial,
          "stock conserved: available + reserved + sold = " + std::to_string(after.stock_initial) +
              " (before " + std::to_string(before.stock_initial) + ")");
  }
}

} // namespace

audit_snapshot db_snapshot(const std::string& path) {
  db d(path);
  audit_snapshot s;
  s.issued =
      d.scalar("SELECT COUNT(*) FROM customer_coupon WHERE coupon_id = ?", seed_coupon_id, 0);
  s.total_quantity = d.scalar("SELECT total_quantity FROM coupon WHERE id = ?", seed_coupon_id);
  s.remaining = d.scalar("SELECT current_quantity FROM coupon WHERE id = ?", seed_coupon_id);
  s.duplicate_holders =
      d.scalar("SELECT COUNT(*) FROM (SELECT customer_id FROM customer_coupon WHERE coupon_id = ? "
               "GROUP BY customer_id HAVING COUNT(*) > 1)",
               seed_coupon_id, 0);
  s.stock_initial = d.scalar("SELECT SUM(quantity + reserved + sold) FROM stock", 0, 0);
  s.stock_available = d.scalar("SELECT SUM(quantity) FROM stock", 0, 0);
  return s;
}

audit_result audit_db(const std::string& path, const audit_snapshot& before,
                      const audit_input& in) {
  checker c;
  const auto after = db_snapshot(path);
  audit_common(c, before, after, in);
  if (in.scenario == scenario_kind::order_payment) {
    db d(path);
    std::size_t not_paid = 0;
    for (auto id : in.paid_orders)
      not_paid += d.scalar("SELECT status = 'PAID' FROM orders WHERE id = ?", id, 0) == 1 ? 0 : 1;
    c.check(not_paid == 0, "every 201 payment's order is PAID (" +
                               std::to_string(in.paid_orders.size() - not_paid) + "/" +
                               std::to_string(in.paid_orders.size()) + ")");
  }
  return c.r;
}

namespace {

/// Runs `body` with a fresh HTTP connection on a private io_context, bounded in time.
template <class F> auto with_http(const http_target& target, F body) {
  asio::io_context io;
  http_client conn(io.get_executor(), target);
  auto fut = asio::co_spawn(io, body(conn), asio::use_future);
  io.run_for(std::chrono::seconds(60));
  if (fut.wait_for(std::chrono::seconds(0)) != std::future_status::ready)
    throw std::runtime_error("audit over HTTP timed out");
  return fut.get();
}

std::size_t count_of(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto p = text.find(needle); p != std::string::npos; p = text.find(needle, p + 1))
    ++n;
  return n;
}

} // namespace

audit_snapshot http_snapshot(const http_target& target, scenario_kind s) {
  return with_http(target, [s](http_client& conn) -> asio::awaitable<audit_snapshot> {
    audit_snapshot snap;
    std::string body;
    if (s == scenario_kind::coupon_peak) {
      for (int id = 1001; id <= 3000; ++id) {
        co_await conn.request("GET", "/coupons/customer/" + std::to_string(id), "", &body);
        const auto n = static_cast<std::int64_t>(
            count_of(body, "\"couponId\":" + std::to_string(seed_coupon_id)));
        snap.issued += n;
        snap.duplicate_holders += n > 1 ? 1 : 0;
      }
    } else {
      for (int id = 5001; id <= 5020; ++id) {
        co_await conn.request("GET", "/products/" + std::to_string(id), "", &body);
        // The product's own "stock" is absent in detail; each option carries "stock":N.
        for (auto p = body.find("\"stock\":"); p != std::string::npos;
             p = body.find("\"stock\":", p + 1))
          snap.stock_available += json_int_field(body.substr(p), "stock");
      }
    }
    co_return snap;
  });
}

audit_result audit_http(const http_target& target, const audit_snapshot& before,
                        const audit_input& in, std::size_t max_orders) {
  checker c;
  const auto after = http_snapshot(target, in.scenario);
  audit_common(c, before, after, in);
  if (in.scenario == scenario_kind::order_payment) {
    const std::size_t n = std::min(max_orders, in.paid_orders.size());
    const auto not_paid = with_http(target, [&](http_client& conn) -> asio::awaitable<std::size_t> {
      std::size_t bad = 0;
      std::string body;
      // An even sample over the whole run, bounded so the audit stays short.
      for (std::size_t i = 0; i < n; ++i) {
        const auto id = in.paid_orders[i * in.paid_orders.size() / n];
        co_await conn.request("GET", "/orders/" + std::to_string(id), "", &body);
        bad += body.find("\"PAID\"") == std::string::npos ? 1 : 0;
      }
      co_return bad;
    });
    c.check(not_paid == 0, "every sampled 201 payment's order is PAID (" +
                               std::to_string(n - not_paid) + "/" + std::to_string(n) + " of " +
                               std::to_string(in.paid_orders.size()) + ")");
  }
  return c.r;
}

} // namespace actorshop::bench
