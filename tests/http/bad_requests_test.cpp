// A table of malformed, mistyped, oversized and hostile requests: each gets the right 4xx (or a
// closed connection), after which the daemon still answers correctly and no data has changed.
#include <catch2/catch.hpp>

#include <set>

#include "support/daemon_process.hpp"
#include "support/http_client.hpp"
#include "support/temp_dir.hpp"
#include "support/wait.hpp"

using namespace actorshop::test;

namespace {

std::string raw(const std::string& method, const std::string& target, const std::string& body,
                const std::string& content_type = "application/json",
                const std::string& extra_headers = "") {
  std::string r = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  if (!content_type.empty())
    r += "Content-Type: " + content_type + "\r\n";
  if (!body.empty() || method == "POST" || method == "PATCH")
    r += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  return r + extra_headers + "Connection: close\r\n\r\n" + body;
}

std::string issue(const std::string& body) { return raw("POST", "/coupons/issue", body); }
std::string charge(const std::string& body) { return raw("PATCH", "/balances/charge", body); }
std::string order(const std::string& body) { return raw("POST", "/orders", body); }

struct bad_case {
  const char* name;
  std::string bytes;
  std::set<unsigned> allowed; ///< 0: the connection was closed without a reply
};

std::vector<bad_case> cases() {
  const std::string deep = std::string(100, '[') + std::string(100, ']');
  const std::string items_line = R"({"productId":5001,"productOptionId":6001,"quantity":)";
  return {
      {"truncated JSON", issue(R"({"couponId":4001,"customerId":)"), {400}},
      {"unquoted keys", issue(R"({couponId:4001,customerId:1001})"), {400}},
      {"trailing garbage", issue(R"({"couponId":4001,"customerId":1001} x)"), {400}},
      {"id as string", issue(R"({"couponId":"4001","customerId":1001})"), {400}},
      {"id as float", issue(R"({"couponId":4001.0,"customerId":1001})"), {400}},
      {"negative id", issue(R"({"couponId":4001,"customerId":-1001})"), {400}},
      {"zero id", issue(R"({"couponId":4001,"customerId":0})"), {400}},
      {"huge id", issue(R"({"couponId":4001,"customerId":99999999999999999999})"), {400}},
      {"null id", issue(R"({"couponId":null,"customerId":1001})"), {400}},
      {"bool id", issue(R"({"couponId":true,"customerId":1001})"), {400}},
      {"array body", issue("[]"), {400}},
      {"string body", issue(R"("hello")"), {400}},
      {"null body", issue("null"), {400}},
      {"duplicate keys", issue(R"({"couponId":4001,"customerId":1001,"customerId":1002})"), {400}},
      {"deep nesting", issue(R"({"couponId":4001,"customerId":1001,"x":)" + deep + "}"), {400}},
      {"invalid UTF-8", issue("{\"couponId\":4001,\"customerId\":1001,\"x\":\"\xc3\x28\"}"), {400}},
      {"raw control char", issue("{\"couponId\":4001,\"customerId\":1001,\"x\":\"a\x01\"}"), {400}},
      {"lone surrogate", issue(R"({"couponId":4001,"customerId":1001,"x":"\ud800"})"), {400}},
      {"empty body", issue(""), {400}},
      {"1 MB body", issue("{\"x\":\"" + std::string(1 << 20, 'a') + "\"}"), {413, 0}},
      {"no content type",
       raw("POST", "/coupons/issue", R"({"couponId":4001,"customerId":1001})", ""),
       {415}},
      {"text/plain",
       raw("POST", "/coupons/issue", R"({"couponId":4001,"customerId":1001})", "text/plain"),
       {415}},
      {"unknown method",
       raw("BREW", "/coupons/issue", R"({"couponId":4001,"customerId":1001})"),
       {400, 405, 0}},
      {"DELETE an order", raw("DELETE", "/orders/1", ""), {405}},
      {"PUT a charge", raw("PUT", "/balances/charge", R"({"customerId":1001,"amount":5})"), {405}},
      {"GET the issue endpoint", raw("GET", "/coupons/issue", ""), {405}},
      {"unknown path", raw("GET", "/admin/secrets", ""), {404}},
      {"path id not a number", raw("GET", "/balances/abc", ""), {400}},
      {"path id negative", raw("GET", "/orders/-1", ""), {400}},
      {"days not a number", raw("GET", "/products/popular?days=abc", ""), {400}},
      {"charge amount string", charge(R"({"customerId":1001,"amount":"5"})"), {400}},
      {"charge amount float", charge(R"({"customerId":1001,"amount":5.5})"), {400}},
      {"charge amount negative", charge(R"({"customerId":1001,"amount":-5})"), {400}},
      {"charge amount 1e30", charge(R"({"customerId":1001,"amount":1e30})"), {400}},
      {"charge amount 2^63", charge(R"({"customerId":1001,"amount":9223372036854775808})"), {400}},
      {"charge above maximum", charge(R"({"customerId":1001,"amount":100000001})"), {400}},
      {"charge missing amount", charge(R"({"customerId":1001})"), {400}},
      {"order items missing", order(R"({"customerId":1001})"), {400}},
      {"order items object", order(R"({"customerId":1001,"items":{"productId":5001}})"), {400}},
      {"order item array", order(R"({"customerId":1001,"items":[[5001,6001,1]]})"), {400}},
      {"order quantity negative",
       order(R"({"customerId":1001,"items":[)" + items_line + "-1}]}"),
       {400}},
      {"order quantity huge",
       order(R"({"customerId":1001,"items":[)" + items_line + "99999999999999999999}]}"),
       {400}},
      {"payment id string", raw("POST", "/payments", R"({"orderId":"1"})"), {400}},
      {"payment coupon string", raw("POST", "/payments", R"({"orderId":1,"couponId":"x"})"), {400}},
      {"admin without token", raw("POST", "/coupons", R"({"name":"x"})"), {401}},
      {"admin wrong token",
       raw("POST", "/coupons", R"({"name":"x"})", "application/json",
           "Authorization: Bearer no\r\n"),
       {403}},
      {"bad header line", "GET /health HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n", {400, 0}},
      {"header flood",
       "GET /health HTTP/1.1\r\nHost: x\r\nX-Flood: " + std::string(9000, 'a') + "\r\n\r\n",
       {431, 400, 0}},
      {"garbage request line", "GARBAGE\r\n\r\n", {400, 0}},
      {"bad content length",
       "POST /coupons/issue HTTP/1.1\r\nHost: x\r\nContent-Type: "
       "application/json\r\nContent-Length: abc\r\n\r\n{}",
       {400, 0}},
      {"bad chunk",
       "POST /coupons/issue HTTP/1.1\r\nHost: x\r\nContent-Type: "
       "application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
       {400, 0}},
      {"bad version", "GET /health HTTP/9.9\r\nHost: x\r\n\r\n", {400, 0}},
  };
}

} // namespace

TEST_CASE("bad requests get the right 4xx or a closed connection, and change nothing",
          "[http][e2e][bad]") {
  temp_dir dir;
  daemon_process d(seeded_args(dir.path, dir.file("shop.db")));
  client c(d.port());
  auto before_balance = c.get("/balances/1001").body;
  auto before_wallet = c.get("/coupons/customer/1001").body;
  auto before_product = c.get("/products/5001").body;
  auto table = cases();
  REQUIRE(table.size() >= 40);
  for (const auto& bc : table) {
    INFO(bc.name);
    auto r = raw_exchange(d.port(), bc.bytes, std::chrono::seconds(5));
    unsigned status = r ? r->status : 0;
    CHECK(bc.allowed.count(status) == 1);
    if (r && status >= 400)
      CHECK(r->body.find("\"code\":") != std::string::npos);
  }
  SECTION("a slow client is dropped by the read timeout") {
    CHECK(closed_after(d.port(), "P", std::chrono::seconds(6)));
    CHECK(closed_after(d.port(), "POST /coupons/issue HTTP/1.1\r\nContent-Length: 50\r\n\r\n{",
                       std::chrono::seconds(6)));
  }
  client after(d.port());
  CHECK(after.get("/health").status == 200);
  CHECK(after.get("/balances/1001").body == before_balance);
  CHECK(after.get("/coupons/customer/1001").body == before_wallet);
  CHECK(after.get("/products/5001").body == before_product);
  CHECK(after.post("/coupons/issue", R"({"couponId":4001,"customerId":1001})").status == 201);
}
