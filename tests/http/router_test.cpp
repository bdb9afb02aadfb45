// The router without sockets: a real shop on a seeded temp database, requests built in memory.
#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <future>

#include "domain/time.hpp"
#include "http/router.hpp"
#include "support/seeded_db.hpp"
#include "support/temp_dir.hpp"

using namespace actorshop;
using namespace actorshop::http;
namespace bhttp = boost::beast::http;

namespace {

struct fixture {
  test::temp_dir dir;
  std::unique_ptr<actors::shop> shop;
  metrics m;
  std::unique_ptr<router> r;

  explicit fixture(std::int64_t max_in_flight = 10'000) {
    auto db_path = test::seeded_database(dir, "shop.db", domain::now_ms());
    actors::shop_options o;
    o.db_path = db_path;
    o.sync = storage::sync_mode::normal;
    shop = std::make_unique<actors::shop>(o);
    r = std::make_unique<router>(*shop, m,
                                 router_options{max_in_flight, "admin", nullptr, nullptr});
  }
  ~fixture() { shop->shutdown(); }

  response call(bhttp::verb method, const std::string& target, const std::string& body = {},
                const std::string& content_type = "application/json") {
    request req{method, target, 11};
    if (!content_type.empty())
      req.set(bhttp::field::content_type, content_type);
    req.body() = body;
    std::promise<response> p;
    auto f = p.get_future();
    r->handle(req, [&p](response rep) { p.set_value(std::move(rep)); });
    REQUIRE(f.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
    return f.get();
  }
};

} // namespace

TEST_CASE("the router answers commands and queries through its callback", "[http][router]") {
  fixture f;
  auto issued =
      f.call(bhttp::verb::post, "/coupons/issue", R"({"couponId":4001,"customerId":1001})");
  CHECK(issued.status == 201);
  CHECK(issued.body == R"({"couponId":4001,"customerId":1001,"status":"AVAILABLE"})");
  CHECK(issued.matched == route::issue_coupon);
  auto again =
      f.call(bhttp::verb::post, "/coupons/issue", R"({"couponId":4001,"customerId":1001})");
  CHECK(again.status == 409);
  CHECK(again.body.find("COUPON_ALREADY_ISSUED") != std::string::npos);
  auto balance = f.call(bhttp::verb::get, "/balances/1001");
  CHECK(balance.body == R"({"customerId":1001,"amount":50000000})");
  CHECK(f.r->in_flight() == 0);
}

TEST_CASE("the router refuses bad requests before they reach the actors", "[http][router]") {
  fixture f;
  CHECK(f.call(bhttp::verb::get, "/nowhere").status == 404);
  auto r405 = f.call(bhttp::verb::get, "/coupons/issue");
  CHECK(r405.status == 405);
  CHECK(r405.allow == "POST");
  CHECK(f.call(bhttp::verb::post, "/coupons/issue", R"({"couponId":4001,"customerId":1001})",
               "text/plain")
            .status == 415);
  CHECK(f.call(bhttp::verb::post, "/coupons/issue", R"({"couponId":4001,"customerId":1001})",
               "application/json; charset=utf-8")
            .status == 201);
  CHECK(f.call(bhttp::verb::post, "/coupons/issue", R"({"couponId":4001})").status == 400);
  CHECK(f.call(bhttp::verb::get, "/orders/abc").status == 400);
  CHECK(f.call(bhttp::verb::get, "/products/popular?days=31").status == 400);
  CHECK(f.call(bhttp::verb::get, "/products/popular?days=0").status == 400);
  CHECK(f.call(bhttp::verb::get, "/products/popular?days=30").status == 200);
  CHECK(f.call(bhttp::verb::get, "/balances/999").status == 404);
}

TEST_CASE("a 19-digit id is unknown (404) in a path and in a body alike", "[http][router]") {
  fixture f;
  CHECK(f.call(bhttp::verb::get, "/balances/1000000000000000000").status == 404);
  CHECK(f.call(bhttp::verb::get, "/balances/9223372036854775807/balance-histories").status == 404);
  CHECK(f.call(bhttp::verb::get, "/orders/1000000000000000000").status == 404);
  CHECK(f.call(bhttp::verb::patch, "/balances/charge",
               R"({"customerId":1000000000000000000,"amount":5})")
            .status == 404);
  CHECK(f.call(bhttp::verb::get, "/balances/9223372036854775808").status == 400);
  CHECK(f.call(bhttp::verb::get, "/balances/0").status == 400);
}

TEST_CASE("the admin endpoint needs the bearer token", "[http][router]") {
  fixture f;
  const std::string spec = R"({"name":"봄","discountType":"FIXED","discountAmount":500,)"
                           R"("totalQuantity":3,"startedAt":"2020-01-01T00:00:00Z",)"
                           R"("expiredAt":"2099-01-01T00:00:00Z"})";
  CHECK(f.call(bhttp::verb::post, "/coupons", spec).status == 401);
  request req{bhttp::verb::post, "/coupons", 11};
  req.set(bhttp::field::content_type, "application/json");
  req.set(bhttp::field::authorization, "Bearer wrong");
  req.body() = spec;
  std::promise<response> p;
  f.r->handle(req, [&p](response rep) { p.set_value(std::move(rep)); });
  CHECK(p.get_future().get().status == 403);
  req.set(bhttp::field::authorization, "Bearer admin");
  std::promise<response> q;
  f.r->handle(req, [&q](response rep) { q.set_value(std::move(rep)); });
  auto created = q.get_future().get();
  CHECK(created.status == 201);
  CHECK(created.body.find(R"("name":"봄")") != std::string::npos);
}

TEST_CASE("health turns 503 while draining and commands are refused", "[http][router]") {
  fixture f;
  CHECK(f.call(bhttp::verb::get, "/health").status == 200);
  f.r->start_draining();
  CHECK(f.call(bhttp::verb::get, "/health").status == 503);
  auto refused =
      f.call(bhttp::verb::post, "/coupons/issue", R"({"couponId":4001,"customerId":1002})");
  CHECK(refused.status == 503);
  CHECK(refused.retry_after);
}

TEST_CASE("metrics count answered requests in Prometheus text", "[http][router]") {
  fixture f;
  f.m.record(route::issue_coupon, bhttp::verb::post, 409, 0.000120);
  auto text = f.call(bhttp::verb::get, "/metrics");
  CHECK(text.status == 200);
  CHECK(text.text);
  CHECK(
      text.body.find(
          R"(actorshop_http_requests_total{method="POST",route="/coupons/issue",status="409"} 1)") !=
      std::string::npos);
  CHECK(text.body.find("actorshop_http_request_duration_seconds_bucket") != std::string::npos);
  CHECK(text.body.find("actorshop_writer_batch_size_bucket") != std::string::npos);
}

TEST_CASE("balance histories are paged: limit, cursor headers, 400 for a bad limit or cursor",
          "[http][router]") {
  fixture f;
  for (int i = 1; i <= 5; ++i)
    REQUIRE(f.call(bhttp::verb::patch, "/balances/charge",
                   R"({"customerId":1001,"amount":)" + std::to_string(i) + "}")
                .status == 200);
  auto first = f.call(bhttp::verb::get, "/balances/1001/balance-histories?limit=2");
  REQUIRE(first.status == 200);
  // The original's shape, newest first.
  CHECK(first.body.rfind(R"([{"changeType":"CHARGE","changeAmount":5,"totalAmount":50000015,)",
                         0) == 0);
  CHECK(first.body.find(R"("changeAmount":4,)") != std::string::npos);
  CHECK(first.body.find(R"("changeAmount":3,)") == std::string::npos);
  const auto at = first.headers.find("X-Next-Cursor: ");
  REQUIRE(at != std::string::npos);
  const auto cursor = first.headers.substr(at + 15, first.headers.find('\r', at) - at - 15);
  CHECK(first.headers.find("Link: </balances/1001/balance-histories?limit=2&before=" + cursor +
                           ">; rel=\"next\"") != std::string::npos);
  for (auto param : {"before=", "cursor="}) {
    auto next = f.call(bhttp::verb::get,
                       "/balances/1001/balance-histories?limit=2&" + std::string(param) + cursor);
    CHECK(next.status == 200);
    CHECK(next.body.rfind(R"([{"changeType":"CHARGE","changeAmount":3,)", 0) == 0);
  }
  auto all = f.call(bhttp::verb::get, "/balances/1001/balance-histories");
  CHECK(all.status == 200);
  CHECK(all.headers.empty()); // 5 entries, default limit 50: the last page has no cursor
  CHECK(f.call(bhttp::verb::get, "/balances/1001/balance-histories?limit=500").status == 200);
  for (auto bad : {"limit=0", "limit=501", "limit=-1", "limit=x", "limit=", "before=0",
                   "before=abc", "cursor=-5"}) {
    INFO(bad);
    auto r = f.call(bhttp::verb::get, std::string("/balances/1001/balance-histories?") + bad);
    CHECK(r.status == 400);
    CHECK(r.body.find(R"("code":"INVALID_REQUEST")") != std::string::npos);
    CHECK(r.body.find(R"("message":")") != std::string::npos);
  }
  // A cursor from another customer's history is refused, never followed.
  CHECK(f.call(bhttp::verb::get, "/balances/1002/balance-histories?before=" + cursor).status ==
        400);
  CHECK(f.call(bhttp::verb::get, "/balances/999/balance-histories?limit=2").status == 404);
}
