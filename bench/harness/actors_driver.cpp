#include "bench/harness/actors_driver.hpp"

#include <filesystem>
#include <stdexcept>

#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <sqlite3.h>

#include "actors/shop.hpp"
#include "domain/errors.hpp"
#include "domain/time.hpp"
#include "http/response.hpp"
#include "storage/schema.hpp"
#include "storage/seed.hpp"
#include "storage/sqlite.hpp"

namespace actorshop::bench {

namespace asio = boost::asio;
using asio::awaitable;

int status_of_error(int errc_value) {
  // The one errc -> HTTP status mapping lives in http/; the actor driver reports what the
  // daemon would have answered, so both drivers' summaries compare.
  return static_cast<int>(
      http::status_of(domain::describe(static_cast<domain::errc>(errc_value)).kind));
}

namespace {

/// Awaits a facade call: `start(cb)` gets a callback that posts the result to `ex`.
template <class T, class Start>
awaitable<domain::result<T>> await_facade(asio::any_io_executor ex, Start start) {
  return asio::async_initiate<decltype(asio::use_awaitable), void(domain::result<T>)>(
      [ex, start](auto handler) mutable {
        auto h = std::make_shared<decltype(handler)>(std::move(handler));
        start([ex, h](domain::result<T> r) {
          asio::post(ex, [h, r = std::move(r)]() mutable { (*h)(std::move(r)); });
        });
      },
      asio::use_awaitable);
}

template <class T> http_answer to_answer(const domain::result<T>& r, int ok_status) {
  http_answer out;
  out.status = r ? ok_status : status_of_error(static_cast<int>(r.error()));
  return out;
}

class actors_client final : public client {
public:
  actors_client(asio::any_io_executor ex, actors::shop& shop) : ex_(std::move(ex)), shop_(shop) {}

  awaitable<http_answer> issue_coupon(std::int64_t coupon_id, std::int64_t customer_id) override {
    auto r = co_await await_facade<domain::issued_coupon>(
        ex_, [&](auto cb) { shop_.issue_coupon(coupon_id, customer_id, std::move(cb)); });
    co_return to_answer(r, 201);
  }

  awaitable<http_answer> create_order(std::int64_t customer_id, order_item a,
                                      order_item b) override {
    std::vector<domain::order_line_request> lines{{a.product_id, a.option_id, a.quantity},
                                                  {b.product_id, b.option_id, b.quantity}};
    auto r = co_await await_facade<domain::order>(
        ex_, [&](auto cb) { shop_.create_order(customer_id, std::move(lines), std::move(cb)); });
    http_answer out = to_answer(r, 201);
    if (r)
      out.order_id = r->id;
    co_return out;
  }

  awaitable<http_answer> pay(std::int64_t order_id, std::int64_t) override {
    auto r = co_await await_facade<domain::payment>(
        ex_, [&](auto cb) { shop_.pay(order_id, std::nullopt, std::move(cb)); });
    co_return to_answer(r, 201);
  }

private:
  asio::any_io_executor ex_;
  actors::shop& shop_;
};

} // namespace

actors_target::actors_target(const std::string& db_path, int actor_threads, std::int64_t stock,
                             std::int64_t balance)
    : path_(db_path) {
  if (path_.empty()) {
    char tmpl[] = "/tmp/actorshop-bench-XXXXXX";
    if (!mkdtemp(tmpl))
      throw std::runtime_error("cannot create a temporary directory");
    temp_dir_ = tmpl;
    path_ = temp_dir_ + "/bench.db";
  }
  {
    storage::connection db(path_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    storage::migrate(db);
    storage::seed(db, domain::now_ms());
    // Before the shop opens: its stock and customer actors load these rows.
    if (stock > 0)
      db.prepare("UPDATE stock SET quantity = MAX(quantity, ?)").bind(1, stock).run();
    if (balance > 0)
      db.prepare("UPDATE balance SET amount = MAX(amount, ?)").bind(1, balance).run();
  }
  actors::shop_options o;
  o.db_path = path_;
  o.actor_threads = actor_threads;
  shop_ = std::make_unique<actors::shop>(o);
}

actors_target::~actors_target() {
  shutdown();
  if (!temp_dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(temp_dir_, ec);
  }
}

void actors_target::shutdown() {
  if (shop_)
    shop_->shutdown();
}

client_factory actors_target::factory() {
  return [shop = shop_.get()](asio::any_io_executor ex) -> std::unique_ptr<client> {
    return std::make_unique<actors_client>(std::move(ex), *shop);
  };
}

} // namespace actorshop::bench
