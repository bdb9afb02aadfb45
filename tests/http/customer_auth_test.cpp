// Customer tokens at the router (auth.mode = "token"), without sockets: a real shop on a seeded
// temp database, requests built in memory, tokens minted with the daemon's signer and checked
// on a manual clock.
#include <catch2/catch.hpp>

#include <future>

#include "domain/time.hpp"
#include "http/route_table.hpp"
#include "http/router.hpp"
#include "support/http_client.hpp"
#include "support/seeded_db.hpp"
#include "support/temp_dir.hpp"

using namespace actorshop;
using namespace actorshop::http;
namespace bhttp = boost::beast::http;

namespace {

const std::string secret = "0123456789abcdef0123456789abcdef";

struct token_fixture {
  test::temp_dir dir;
  std::unique_ptr<actors::shop> shop;
  metrics m;
  std::shared_ptr<auth::token_signer> signer = std::make_shared<auth::token_signer>(secret);
  std::shared_ptr<domain::manual_clock> clock = std::make_shared<domain::manual_clock>();
  std::unique_ptr<router> r;

  token_fixture() {
    actors::shop_options o;
    o.db_path = test::seeded_database(dir, "shop.db", domain::now_ms());
    o.sync = storage::sync_mode::normal;
    shop = std::make_unique<actors::shop>(o);
    r = std::make_unique<router>(*shop, m, router_options{10'000, "admin", signer, clock});
  }
  ~token_fixture() { shop->shutdown(); }

  /// A token for `customer`, valid for an hour of the fixture's clock.
  std::string token(domain::id_t customer) const {
    return signer->mint(customer, auth::unix_seconds(*clock) + 3600);
  }

  response call(bhttp::verb method, const std::string& target, const std::string& body = {},
                const std::string& bearer = {}) {
    request req{method, target, 11};
    req.set(bhttp::field::content_type, "application/json");
    if (!bearer.empty())
      req.set(bhttp::field::authorization, "Bearer " + bearer);
    req.body() = body;
    std::promise<response> p;
    auto f = p.get_future();
    r->handle(req, [&p](response rep) { p.set_value(std::move(rep)); });
    REQUIRE(f.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
    return f.get();
  }

  /// Creates an order of `customer` (with their token) and returns its id.
  domain::id_t order_of(domain::id_t customer) {
    auto created = call(bhttp::verb::post, "/orders",
                        R"({"customerId":)" + std::to_string(customer) +
                            R"(,"items":[{"productId":5001,"productOptionId":6001,"quantity":1}]})",
                        token(customer));
    REQUIRE(created.status == 201);
    return test::json_int_field(created.body, "orderId");
  }
};

std::string code_of(const response& r) {
  auto at = r.body.find(R"("code":")");
  return at == std::string::npos ? "" : r.body.substr(at + 8, r.body.find('"', at + 8) - at - 8);
}

} // namespace

TEST_CASE("in token mode every customer route answers 401 with a Bearer challenge without a "
          "token",
          "[http][auth]") {
  token_fixture f;
  const std::pair<bhttp::verb, std::string> customer_routes[] = {
      {bhttp::verb::get, "/balances/1001"},
      {bhttp::verb::get, "/balances/1001/balance-histories"},
      {bhttp::verb::patch, "/balances/charge"},
      {bhttp::verb::post, "/coupons/issue"},
      {bhttp::verb::get, "/coupons/customer/1001"},
      {bhttp::verb::post, "/orders"},
      {bhttp::verb::get, "/orders/1"},
      {bhttp::verb::post, "/payments"},
  };
  for (const auto& [method, target] : customer_routes) {
    INFO(target);
    auto refused = f.call(method, target, R"({"customerId":1001})");
    CHECK(refused.status == 401);
    CHECK(code_of(refused) == "UNAUTHORIZED");
    CHECK(refused.www_authenticate == R"(Bearer realm="actorshop")");
    CHECK(f.call(method, target, "{}", "not-a-token").www_authenticate ==
          R"(Bearer realm="actorshop", error="invalid_token")");
  }
  CHECK(f.r->in_flight() == 0);
}

TEST_CASE("in token mode the catalog, health and metrics stay public", "[http][auth]") {
  token_fixture f;
  CHECK(f.call(bhttp::verb::get, "/products").status == 200);
  CHECK(f.call(bhttp::verb::get, "/products/5001").status == 200);
  CHECK(f.call(bhttp::verb::get, "/products/popular").status == 200);
  CHECK(f.call(bhttp::verb::get, "/health").status == 200);
  CHECK(f.call(bhttp::verb::get, "/metrics").status == 200);
}

TEST_CASE("a customer token acts for its customer, by path and by body", "[http][auth]") {
  token_fixture f;
  const auto t = f.token(1001);
  CHECK(f.call(bhttp::verb::get, "/balances/1001", "", t).status == 200);
  CHECK(f.call(bhttp::verb::get, "/balances/1001/balance-histories", "", t).status == 200);
  CHECK(f.call(bhttp::verb::get, "/coupons/customer/1001", "", t).status == 200);
  CHECK(f.call(bhttp::verb::patch, "/balances/charge", R"({"customerId":1001,"amount":5})", t)
            .status == 200);
  CHECK(f.call(bhttp::verb::post, "/coupons/issue", R"({"couponId":4001,"customerId":1001})", t)
            .status == 201);
  const auto order = f.order_of(1001);
  CHECK(f.call(bhttp::verb::get, "/orders/" + std::to_string(order), "", t).status == 200);
  CHECK(f.call(bhttp::verb::post, "/payments", R"({"orderId":)" + std::to_string(order) + "}", t)
            .status == 201);
}

TEST_CASE("acting for another customer is 403 FORBIDDEN and changes nothing", "[http][auth]") {
  token_fixture f;
  const auto other = f.token(1002);
  for (const auto* target :
       {"/balances/1001", "/balances/1001/balance-histories", "/coupons/customer/1001"}) {
    auto refused = f.call(bhttp::verb::get, target, "", other);
    CHECK(refused.status == 403);
    CHECK(code_of(refused) == "FORBIDDEN");
  }
  CHECK(f.call(bhttp::verb::patch, "/balances/charge", R"({"customerId":1001,"amount":5})", other)
            .status == 403);
  CHECK(f.call(bhttp::verb::post, "/coupons/issue", R"({"couponId":4001,"customerId":1001})", other)
            .status == 403);
  CHECK(f.call(bhttp::verb::post, "/orders",
               R"({"customerId":1001,"items":[{"productId":5001,"productOptionId":6001,)"
               R"("quantity":1}]})",
               other)
            .status == 403);
  const auto order = std::to_string(f.order_of(1001));
  CHECK(f.call(bhttp::verb::get, "/orders/" + order, "", other).status == 403);
  CHECK(f.call(bhttp::verb::post, "/payments", R"({"orderId":)" + order + "}", other).status ==
        403);
  // Nothing happened for 1001: balance untouched, no coupon, the order still payable by them.
  CHECK(f.call(bhttp::verb::get, "/balances/1001", "", f.token(1001)).body ==
        R"({"customerId":1001,"amount":50000000})");
  CHECK(f.call(bhttp::verb::get, "/coupons/customer/1001", "", f.token(1001)).body == "[]");
  auto paid = f.call(bhttp::verb::post, "/payments", R"({"orderId":)" + order + "}", f.token(1001));
  CHECK(paid.status == 201);
  // A paid order is another customer's too: 403, not "not payable".
  CHECK(f.call(bhttp::verb::post, "/payments", R"({"orderId":)" + order + "}", other).status ==
        403);
  CHECK(f.r->in_flight() == 0);
}

TEST_CASE("an expired or tampered token is 401, an unknown order 404 for any token",
          "[http][auth]") {
  token_fixture f;
  const auto t = f.token(1001);
  f.clock->advance(3'600'000);
  auto expired = f.call(bhttp::verb::get, "/balances/1001", "", t);
  CHECK(expired.status == 401);
  CHECK(expired.body.find("expired") != std::string::npos);
  auto fresh = f.token(1001);
  fresh.back() = fresh.back() == 'A' ? 'B' : 'A';
  CHECK(f.call(bhttp::verb::get, "/balances/1001", "", fresh).status == 401);
  CHECK(f.call(bhttp::verb::get, "/orders/424242", "", f.token(1001)).status == 404);
  CHECK(f.call(bhttp::verb::post, "/payments", R"({"orderId":424242})", f.token(1001)).status ==
        404);
}

TEST_CASE("every route declares whom it acts for in the route table", "[http][auth][route]") {
  using bhttp::verb;
  struct row {
    verb m;
    const char* target;
    acting_for a;
  };
  const row rows[] = {
      {verb::get, "/balances/1001", acting_for::path_customer},
      {verb::get, "/balances/1001/balance-histories", acting_for::path_customer},
      {verb::patch, "/balances/charge", acting_for::body_customer},
      {verb::get, "/products", acting_for::nobody},
      {verb::get, "/products/5001", acting_for::nobody},
      {verb::get, "/products/popular", acting_for::nobody},
      {verb::post, "/coupons/issue", acting_for::body_customer},
      {verb::get, "/coupons/customer/1001", acting_for::path_customer},
      {verb::post, "/orders", acting_for::body_customer},
      {verb::get, "/orders/9", acting_for::order_owner},
      {verb::post, "/payments", acting_for::order_owner},
      {verb::post, "/coupons", acting_for::admin},
      {verb::get, "/health", acting_for::nobody},
      {verb::get, "/metrics", acting_for::nobody},
      {verb::get, "/dashboard", acting_for::nobody},
      {verb::get, "/dashboard/data", acting_for::nobody},
  };
  for (const auto& r : rows) {
    INFO(r.target);
    CHECK(match_route(r.m, r.target).acts_for == r.a);
  }
  CHECK(std::size(rows) == static_cast<std::size_t>(route::count_) - 1); // every route listed
}
