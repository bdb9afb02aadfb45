// End to end over HTTP against the real daemon: every endpoint and error code of spec §3, and
// the seed's k6 coupon and order/payment flows exactly as its scripts send them.
#include <catch2/catch.hpp>

#include <simdjson.h>

#include <cstdio>
#include <cstdlib>
#include <random>

#include <sys/wait.h>

#include "domain/time.hpp"
#include "support/daemon_process.hpp"
#include "support/http_client.hpp"
#include "support/temp_dir.hpp"
#include "support/wait.hpp"

using namespace actorshop;
using namespace actorshop::test;

namespace {

std::int64_t json_int(const std::string& body, const char* key) {
  simdjson::dom::parser p;
  std::int64_t v = 0;
  REQUIRE(p.parse(body)[key].get(v) == simdjson::SUCCESS);
  return v;
}

std::string json_code(const std::string& body) {
  simdjson::dom::parser p;
  std::string_view v;
  if (p.parse(body)["code"].get(v))
    return "";
  return std::string(v);
}

/// Checks status and error code of one exchange.
void expect_error(const response& r, unsigned status, const std::string& code) {
  INFO(r.body);
  CHECK(r.status == status);
  CHECK(json_code(r.body) == code);
}

std::string admin_coupon(const std::string& type, std::int64_t amount, std::int64_t qty,
                         domain::timestamp start, domain::timestamp end) {
  return R"({"name":"테스트 쿠폰","discountType":")" + type + R"(","discountAmount":)" +
         std::to_string(amount) + R"(,"totalQuantity":)" + std::to_string(qty) +
         R"(,"startedAt":")" + domain::format_iso8601(start) + R"(","expiredAt":")" +
         domain::format_iso8601(end) + R"("})";
}

std::string order_body(std::int64_t customer, std::int64_t product, std::int64_t option,
                       std::int64_t qty) {
  return R"({"customerId":)" + std::to_string(customer) + R"(,"items":[{"productId":)" +
         std::to_string(product) + R"(,"productOptionId":)" + std::to_string(option) +
         R"(,"quantity":)" + std::to_string(qty) + "}]}";
}

} // namespace

TEST_CASE("every endpoint and error code of spec §3 is reachable over HTTP", "[http][e2e]") {
  temp_dir dir;
  daemon_process d(seeded_args(dir.path, dir.file("shop.db")));
  client c(d.port());
  const std::map<std::string, std::string> admin{{"Authorization", "Bearer test-admin"}};
  auto now = domain::now_ms();

  // health, metrics, balances
  CHECK(c.get("/health").body == R"({"status":"ok"})");
  CHECK(c.get("/balances/1001").body == R"({"customerId":1001,"amount":50000000})");
  expect_error(c.get("/balances/999"), 404, "CUSTOMER_NOT_FOUND");
  expect_error(c.get("/balances/999/balance-histories"), 404, "CUSTOMER_NOT_FOUND");
  auto charged = c.request("PATCH", "/balances/charge", R"({"customerId":1001,"amount":1000})");
  CHECK(charged.status == 200);
  CHECK(charged.body == R"({"customerId":1001,"amount":50001000})");
  expect_error(c.request("PATCH", "/balances/charge", R"({"customerId":1001,"amount":0})"), 400,
               "BALANCE_INVALID_AMOUNT");
  expect_error(c.request("PATCH", "/balances/charge", R"({"customerId":1001,"amount":100000001})"),
               400, "BALANCE_INVALID_AMOUNT");
  expect_error(c.request("PATCH", "/balances/charge", R"({"customerId":999,"amount":10})"), 404,
               "CUSTOMER_NOT_FOUND");
  auto history = c.get("/balances/1001/balance-histories");
  CHECK(history.status == 200);
  CHECK(history.body.find(R"("changeType":"CHARGE","changeAmount":1000,"totalAmount":50001000)") !=
        std::string::npos);

  // products
  auto products = c.get("/products");
  CHECK(products.status == 200);
  CHECK(products.body.find(R"({"id":5001,"name":"티셔츠","basePrice":10000,"stock":300000})") !=
        std::string::npos);
  CHECK(c.get("/products/5001").body.find(R"("options":[{"id":6001,"name":"S")") !=
        std::string::npos);
  expect_error(c.get("/products/4999"), 404, "PRODUCT_NOT_FOUND");
  CHECK(c.get("/products/popular").status == 200);
  CHECK(c.get("/products/popular?days=30").status == 200);
  expect_error(c.get("/products/popular?days=0"), 400, "INVALID_PERIOD");
  expect_error(c.get("/products/popular?days=31"), 400, "INVALID_PERIOD");

  // coupons
  auto issued = c.post("/coupons/issue", R"({"couponId":4001,"customerId":1001})");
  CHECK(issued.status == 201);
  CHECK(issued.body == R"({"couponId":4001,"customerId":1001,"status":"AVAILABLE"})");
  expect_error(c.post("/coupons/issue", R"({"couponId":4001,"customerId":1001})"), 409,
               "COUPON_ALREADY_ISSUED");
  expect_error(c.post("/coupons/issue", R"({"couponId":9999,"customerId":1001})"), 404,
               "COUPON_NOT_FOUND");
  expect_error(c.post("/coupons/issue", R"({"couponId":4001,"customerId":999})"), 404,
               "CUSTOMER_NOT_FOUND");
  auto one = c.request("POST", "/coupons",
                       admin_coupon("FIXED", 100, 1, now - 1000, now + 86400000), admin);
  REQUIRE(one.status == 201);
  auto one_id = json_int(one.body, "id");
  auto issue_one = [&](int customer) {
    return c.post("/coupons/issue", R"({"couponId":)" + std::to_string(one_id) +
                                        R"(,"customerId":)" + std::to_string(customer) + "}");
  };
  CHECK(issue_one(1002).status == 201);
  expect_error(issue_one(1003), 409, "COUPON_INSUFFICIENT");
  auto future = c.request("POST", "/coupons",
                          admin_coupon("FIXED", 100, 5, now + 86400000, now + 2 * 86400000), admin);
  REQUIRE(future.status == 201);
  expect_error(c.post("/coupons/issue", R"({"couponId":)" +
                                            std::to_string(json_int(future.body, "id")) +
                                            R"(,"customerId":1001})"),
               400, "COUPON_INVALID_PERIOD");
  auto wallet = c.get("/coupons/customer/1001");
  CHECK(wallet.body.find(
            R"("couponId":4001,"name":"이벤트 한정 1000원 할인","discountType":"FIXED")") !=
        std::string::npos);
  expect_error(c.get("/coupons/customer/999"), 404, "CUSTOMER_NOT_FOUND");
  expect_error(c.request("POST", "/coupons", admin_coupon("FIXED", 1, 1, now, now + 1000)), 401,
               "UNAUTHORIZED");
  expect_error(c.request("POST", "/coupons", admin_coupon("FIXED", 1, 1, now, now + 1000),
                         {{"Authorization", "Bearer nope"}}),
               403, "FORBIDDEN");
  CHECK(c.request("POST", "/coupons", R"({"name":"x"})", admin).status == 400);

  // orders
  auto order = c.post("/orders", order_body(1001, 5001, 6001, 2));
  REQUIRE(order.status == 201);
  auto order_id = json_int(order.body, "orderId");
  CHECK(order.body.find(R"("status":"CREATED","totalPrice":20000)") != std::string::npos);
  CHECK(order.body.find(R"("productName":"티셔츠","optionName":"S","quantity":2)") !=
        std::string::npos);
  CHECK(c.get("/orders/" + std::to_string(order_id)).status == 200);
  expect_error(c.get("/orders/987654"), 404, "ORDER_NOT_FOUND");
  expect_error(c.post("/orders", R"({"customerId":1001,"items":[]})"), 400, "ORDER_ITEM_EMPTY");
  expect_error(c.post("/orders", order_body(1001, 5001, 6001, 0)), 400, "ORDER_INVALID_QUANTITY");
  expect_error(c.post("/orders", order_body(999, 5001, 6001, 1)), 404, "CUSTOMER_NOT_FOUND");
  expect_error(c.post("/orders", order_body(1001, 4999, 6001, 1)), 404, "PRODUCT_NOT_FOUND");
  expect_error(c.post("/orders", order_body(1001, 5001, 6999, 1)), 404, "PRODUCT_OPTION_NOT_FOUND");
  expect_error(c.post("/orders", order_body(1001, 5001, 6004, 1)), 409, "PRODUCT_OPTION_MISMATCH");
  expect_error(c.post("/orders", order_body(1001, 5001, 6001, 100001)), 409, "STOCK_INSUFFICIENT");

  // payments
  auto paid =
      c.post("/payments", R"({"orderId":)" + std::to_string(order_id) + R"(,"couponId":4001})");
  REQUIRE(paid.status == 201);
  CHECK(json_int(paid.body, "originalPrice") == 20000);
  CHECK(json_int(paid.body, "discountAmount") == 1000);
  CHECK(json_int(paid.body, "discountedPrice") == 19000);
  CHECK(c.get("/orders/" + std::to_string(order_id)).body.find(R"("status":"PAID")") !=
        std::string::npos);
  expect_error(c.post("/payments", R"({"orderId":)" + std::to_string(order_id) + "}"), 409,
               "ORDER_NOT_PAYABLE");
  expect_error(c.post("/payments", R"({"orderId":987654})"), 404, "ORDER_NOT_FOUND");
  auto second = json_int(c.post("/orders", order_body(1001, 5002, 6004, 1)).body, "orderId");
  expect_error(
      c.post("/payments", R"({"orderId":)" + std::to_string(second) + R"(,"couponId":4001})"), 409,
      "COUPON_ALREADY_USED");
  expect_error(c.post("/payments", R"({"orderId":)" + std::to_string(second) + R"(,"couponId":)" +
                                       std::to_string(one_id) + "}"),
               404, "CUSTOMER_COUPON_NOT_FOUND");
  auto big = c.request("POST", "/coupons",
                       admin_coupon("FIXED", 10'000'000, 5, now - 1000, now + 86400000), admin);
  auto big_id = std::to_string(json_int(big.body, "id"));
  CHECK(c.post("/coupons/issue", R"({"couponId":)" + big_id + R"(,"customerId":1001})").status ==
        201);
  expect_error(c.post("/payments",
                      R"({"orderId":)" + std::to_string(second) + R"(,"couponId":)" + big_id + "}"),
               400, "PAYMENT_DISCOUNT_EXCEEDS_TOTAL_PRICE");
  auto pricey = json_int(c.post("/orders", order_body(1004, 5001, 6001, 6000)).body, "orderId");
  expect_error(c.post("/payments", R"({"orderId":)" + std::to_string(pricey) + "}"), 409,
               "BALANCE_INSUFFICIENT");
  const auto soon_expires = domain::now_ms() + 1500;
  auto soon =
      c.request("POST", "/coupons", admin_coupon("FIXED", 10, 5, now - 1000, soon_expires), admin);
  auto soon_id = std::to_string(json_int(soon.body, "id"));
  CHECK(c.post("/coupons/issue", R"({"couponId":)" + soon_id + R"(,"customerId":1001})").status ==
        201);
  // The event is the coupon's expiry instant passing on the clock the daemon reads too.
  REQUIRE(wait_for_state([&] { return domain::now_ms() > soon_expires; }));
  expect_error(c.post("/payments", R"({"orderId":)" + std::to_string(second) + R"(,"couponId":)" +
                                       soon_id + "}"),
               409, "COUPON_EXPIRED");
  CHECK(c.post("/payments", R"({"orderId":)" + std::to_string(second) + "}").status == 201);

  auto metrics = c.get("/metrics");
  CHECK(metrics.header("content-type").starts_with("text/plain"));
  CHECK(metrics.body.find(R"(route="/payments",status="201"})") != std::string::npos);
  CHECK(d.terminate() == 0);
}

TEST_CASE("the seed's k6 coupon and order/payment flows succeed as the scripts send them",
          "[http][e2e]") {
  temp_dir dir;
  daemon_process d(seeded_args(dir.path, dir.file("shop.db")));
  client c(d.port());
  std::mt19937 rng(42);
  int created = 0, conflict = 0, other = 0;
  for (int i = 0; i < 300; ++i) { // coupon-peak: 201 or 409, nothing else
    auto customer = 1001 + static_cast<int>(rng() % 2000);
    auto r = c.post("/coupons/issue",
                    "{\"couponId\":4001,\"customerId\":" + std::to_string(customer) + "}");
    (r.status == 201 ? created : r.status == 409 ? conflict : other)++;
  }
  CHECK(other == 0);
  CHECK(created > 0);
  for (int vu = 1; vu <= 3; ++vu)
    for (int iter = 0; iter < 10; ++iter) { // order-payment, customerId formula of the script
      auto customer = 1001 + ((vu - 1) * 100 + iter) % 2000;
      auto p1 = 5001 + static_cast<int>(rng() % 20), p2 = 5001 + static_cast<int>(rng() % 20);
      auto s1 = 3 * (p1 - 5001) + 6001, m2 = 3 * (p2 - 5001) + 6002;
      auto body = "{\"customerId\":" + std::to_string(customer) +
                  ",\"items\":[{\"productId\":" + std::to_string(p1) +
                  ",\"productOptionId\":" + std::to_string(s1) +
                  ",\"quantity\":1},{\"productId\":" + std::to_string(p2) +
                  ",\"productOptionId\":" + std::to_string(m2) + ",\"quantity\":1}]}";
      auto order = c.post("/orders", body);
      REQUIRE(order.status == 201);
      auto pay = c.post("/payments",
                        "{\"orderId\":" + std::to_string(json_int(order.body, "orderId")) + "}");
      INFO(pay.body);
      CHECK(pay.status == 201);
    }
  CHECK(d.terminate() == 0);
}

TEST_CASE("Prometheus' own promtool accepts /metrics without lint problems", "[http][e2e]") {
  temp_dir dir;
  daemon_process d(seeded_args(dir.path, dir.file("shop.db")));
  client c(d.port());
  c.post("/coupons/issue", R"({"couponId":4001,"customerId":1001})");
  c.get("/products");
  c.get("/nowhere");
  auto metrics = c.get("/metrics");
  REQUIRE(metrics.status == 200);
  auto file = dir.file("metrics.txt");
  std::FILE* f = std::fopen(file.c_str(), "w");
  REQUIRE(f);
  std::fwrite(metrics.body.data(), 1, metrics.body.size(), f);
  std::fclose(f);
  // promtool comes from Debian's prometheus package, which config/setup.sh installs.
  // Exit 0: clean; 3: lint problems (missing _total, HELP); 1: syntax errors.
  auto command = "promtool check metrics < " + file + " > " + dir.file("promtool.out 2>&1");
  int rc = std::system(command.c_str());
  INFO(metrics.body);
  CHECK(WIFEXITED(rc));
  CHECK(WEXITSTATUS(rc) == 0);
  CHECK(d.terminate() == 0);
}
