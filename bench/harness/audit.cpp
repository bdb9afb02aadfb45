#include "bench/harness/audit.hpp"

#include <algorithm>
#include <functional>
#include <sstream>
#include <stdexcept>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <sqlite3.h>

#include "storage/audit.hpp"
#include "storage/cluster_audit.hpp"
#include "storage/sqlite.hpp"

namespace actorshop::bench {

namespace asio = boost::asio;

namespace {

/// Opens the database read-only, waiting out a writer's lock for up to 5 s.
storage::connection open_read_only(const std::string& path) {
  try {
    storage::connection c(path, SQLITE_OPEN_READONLY);
    c.busy_timeout(5000);
    return c;
  } catch (const storage::error& e) {
    throw std::runtime_error(std::string("audit: cannot open: ") + e.what());
  }
}

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

/// The invariants across a cluster's databases (no shard map here: `actorshop audit
/// --cluster-file` also checks that every row is on its owner).
void check_across_nodes(checker& c, const std::vector<std::string>& paths) {
  std::vector<storage::node_database> nodes;
  for (const auto& path : paths)
    nodes.push_back({path, path});
  const auto r = storage::audit_cluster(nodes, {});
  c.check(r.ok(), "invariants across the " + std::to_string(paths.size()) + " nodes' databases (" +
                      std::to_string(storage::cluster_invariant_names().size()) + " checked, " +
                      std::to_string(r.integrity.size() + r.violations.size()) + " broken)");
  for (const auto& p : r.integrity)
    c.r.text += "      integrity_check: " + p + "\n";
  for (const auto& v : r.violations)
    c.r.text += "      " + v.invariant + ": " + v.detail + "\n";
}

} // namespace

audit_snapshot db_snapshot(const std::string& path) {
  return db_snapshot(std::vector<std::string>{path});
}

audit_snapshot db_snapshot(const std::vector<std::string>& paths) {
  audit_snapshot s;
  s.stock_initial = 0;
  for (const auto& path : paths) {
    auto d = open_read_only(path);
    const auto coupon = storage::count_coupon(d, seed_coupon_id);
    s.issued += coupon.holders;
    s.duplicate_holders += coupon.duplicate_holders;
    if (coupon.total_quantity >= 0) { // on the coupon's node only (all of them: a broken cluster)
      s.total_quantity = std::max<std::int64_t>(s.total_quantity, 0) + coupon.total_quantity;
      s.remaining = std::max<std::int64_t>(s.remaining, 0) + coupon.remaining;
    }
    const auto stock = storage::total_stock(d);
    s.stock_initial += stock.units;
    s.stock_available += stock.available;
  }
  return s;
}

audit_result audit_db(const std::string& path, const audit_snapshot& before,
                      const audit_input& in) {
  return audit_db(std::vector<std::string>{path}, before, in);
}

audit_result audit_db(const std::vector<std::string>& paths, const audit_snapshot& before,
                      const audit_input& in) {
  checker c;
  const auto after = db_snapshot(paths);
  audit_common(c, before, after, in);
  if (in.scenario == scenario_kind::order_payment) {
    std::vector<storage::connection> dbs;
    for (const auto& path : paths)
      dbs.push_back(open_read_only(path));
    std::size_t not_paid = 0;
    for (const auto& paid : in.paid_orders) {
      bool found = false;
      for (auto& d : dbs)
        found = found || storage::order_is_paid(d, paid.order_id);
      not_paid += found ? 0 : 1;
    }
    c.check(not_paid == 0, "every 201 payment's order is PAID (" +
                               std::to_string(in.paid_orders.size() - not_paid) + "/" +
                               std::to_string(in.paid_orders.size()) + ")");
  }
  if (paths.size() > 1)
    check_across_nodes(c, paths);
  return c.r;
}

namespace {

/// Runs `body` with a fresh HTTP connection on a private io_context, bounded in time.
template <class F>
auto with_http(const http_target& target, std::shared_ptr<const token_book> tokens, F body) {
  asio::io_context io;
  http_client conn(io.get_executor(), target, std::move(tokens));
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

audit_snapshot http_snapshot(const http_target& target, scenario_kind s,
                             std::shared_ptr<const token_book> tokens) {
  return with_http(target, tokens, [s](http_client& conn) -> asio::awaitable<audit_snapshot> {
    audit_snapshot snap;
    std::string body;
    if (s == scenario_kind::coupon_peak) {
      for (int id = 1001; id <= 3000; ++id) {
        co_await conn.request("GET", "/coupons/customer/" + std::to_string(id), "", &body, id);
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
                        const audit_input& in, std::size_t max_orders,
                        std::shared_ptr<const token_book> tokens) {
  checker c;
  const auto after = http_snapshot(target, in.scenario, tokens);
  audit_common(c, before, after, in);
  if (in.scenario == scenario_kind::order_payment) {
    const std::size_t n = std::min(max_orders, in.paid_orders.size());
    const auto not_paid =
        with_http(target, tokens, [&](http_client& conn) -> asio::awaitable<std::size_t> {
          std::size_t bad = 0;
          std::string body;
          // An even sample over the whole run, bounded so the audit stays short.
          for (std::size_t i = 0; i < n; ++i) {
            const auto& paid = in.paid_orders[i * in.paid_orders.size() / n];
            co_await conn.request("GET", "/orders/" + std::to_string(paid.order_id), "", &body,
                                  paid.customer_id);
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
