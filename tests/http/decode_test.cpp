// Request decoding: strict, with errors that name the field.
#include <catch2/catch.hpp>

#include "http/decode.hpp"

using namespace actorshop;
using namespace actorshop::http;

namespace {

template <class T> decode_error error_of(const decoded<T>& d) {
  REQUIRE(std::holds_alternative<decode_error>(d));
  return std::get<decode_error>(d);
}

} // namespace

TEST_CASE("an issue request decodes couponId and customerId", "[http][decode]") {
  auto d = decode_issue(R"({"couponId":4001,"customerId":1001,"extra":[1,2]})");
  REQUIRE(std::holds_alternative<issue_request>(d));
  CHECK(std::get<issue_request>(d).coupon_id == 4001);
  CHECK(std::get<issue_request>(d).customer_id == 1001);
}

TEST_CASE("malformed and mistyped bodies are refused with a message naming the field",
          "[http][decode]") {
  CHECK(error_of(decode_issue("")).message == "request body is empty");
  CHECK(error_of(decode_issue(R"({"couponId":4001)")).message.starts_with("malformed JSON"));
  CHECK(error_of(decode_issue(R"([1,2])")).message == "request body must be a JSON object");
  CHECK(error_of(decode_issue(R"({"couponId":"4001","customerId":1})")).message ==
        "couponId must be a positive integer");
  CHECK(error_of(decode_issue(R"({"couponId":4001})")).message == "customerId is required");
  CHECK(error_of(decode_issue(R"({"couponId":4001,"customerId":-5})")).message ==
        "customerId must be a positive integer");
  CHECK(error_of(decode_issue(R"({"couponId":4001,"customerId":1.5})")).message ==
        "customerId must be a positive integer");
  CHECK(error_of(decode_issue(R"({"couponId":4001,"customerId":null})")).message ==
        "customerId must be a positive integer");
  CHECK(error_of(decode_issue(R"({"couponId":1,"couponId":2,"customerId":3})")).message ==
        "JSON object has a duplicate key");
  CHECK(error_of(decode_issue(R"({"a":[[[[[[[[[[1]]]]]]]]]],"couponId":1,"customerId":2})"))
            .message == "JSON nesting is too deep");
  CHECK(error_of(decode_issue("{\"couponId\":1,\"customerId\":2,\"x\":\"\xff\"}")).message ==
        "request body is not valid UTF-8");
}

TEST_CASE("a body id is any positive 64-bit signed integer, as in a path", "[http][decode]") {
  auto big = decode_issue(R"({"couponId":4001,"customerId":9223372036854775807})");
  REQUIRE(std::holds_alternative<issue_request>(big));
  CHECK(std::get<issue_request>(big).customer_id == domain::max_id);
  auto nineteen = decode_issue(R"({"couponId":1000000000000000000,"customerId":1})");
  REQUIRE(std::holds_alternative<issue_request>(nineteen));
  CHECK(std::get<issue_request>(nineteen).coupon_id == 1'000'000'000'000'000'000);
  for (const char* bad : {"0", "-1", "9223372036854775808", "18446744073709551615"}) {
    INFO(bad);
    auto e = error_of(decode_issue(std::string(R"({"couponId":4001,"customerId":)") + bad + "}"));
    CHECK(e.code == domain::errc::invalid_request);
    CHECK(e.message == "customerId must be a positive integer");
  }
}

TEST_CASE("amounts outside 64 bits are BALANCE_INVALID_AMOUNT, never a crash", "[http][decode]") {
  auto e = error_of(decode_charge(R"({"customerId":1001,"amount":18446744073709551615})"));
  CHECK(e.code == domain::errc::balance_invalid_amount);
  auto ok = decode_charge(R"({"customerId":1001,"amount":-5})");
  REQUIRE(std::holds_alternative<charge_request>(ok)); // the domain rule refuses it, not the codec
  CHECK(error_of(decode_charge(R"({"customerId":1001,"amount":1e3})")).code ==
        domain::errc::invalid_request);
}

TEST_CASE("an order needs items, each with ids and a quantity of at least 1", "[http][decode]") {
  auto d = decode_order(
      R"({"customerId":1001,"items":[{"productId":5001,"productOptionId":6001,"quantity":2}]})");
  REQUIRE(std::holds_alternative<order_request>(d));
  CHECK(std::get<order_request>(d).lines.at(0).qty == 2);
  CHECK(error_of(decode_order(R"({"customerId":1001,"items":[]})")).code ==
        domain::errc::order_item_empty);
  CHECK(error_of(decode_order(R"({"customerId":1001,"items":{}})")).message ==
        "items must be an array");
  CHECK(error_of(decode_order(R"({"customerId":1001,"items":[7]})")).message ==
        "items[0] must be an object");
  CHECK(
      error_of(
          decode_order(
              R"({"customerId":1001,"items":[{"productId":5001,"productOptionId":6001,"quantity":0}]})"))
          .code == domain::errc::order_invalid_quantity);
}

TEST_CASE("a payment's couponId is optional and may be null", "[http][decode]") {
  auto a = decode_payment(R"({"orderId":7})");
  REQUIRE(std::holds_alternative<payment_request>(a));
  CHECK_FALSE(std::get<payment_request>(a).coupon_id);
  auto b = decode_payment(R"({"orderId":7,"couponId":null})");
  REQUIRE(std::holds_alternative<payment_request>(b));
  CHECK_FALSE(std::get<payment_request>(b).coupon_id);
  auto c = decode_payment(R"({"orderId":7,"couponId":4001})");
  REQUIRE(std::holds_alternative<payment_request>(c));
  CHECK(*std::get<payment_request>(c).coupon_id == 4001);
}

TEST_CASE("a coupon spec needs a known discount type and ISO-8601 times", "[http][decode]") {
  auto d = decode_coupon_spec(R"({"name":"봄 세일","discountType":"RATE","discountAmount":10,)"
                              R"("totalQuantity":5,"startedAt":"2026-01-01T00:00:00Z",)"
                              R"("expiredAt":"2026-02-01T00:00:00Z"})");
  REQUIRE(std::holds_alternative<domain::coupon_spec>(d));
  CHECK(std::get<domain::coupon_spec>(d).type == domain::discount_type::rate);
  CHECK(error_of(decode_coupon_spec(
                     R"({"name":"x","discountType":"BOGUS","discountAmount":1,)"
                     R"("totalQuantity":1,"startedAt":"2026-01-01","expiredAt":"2026-01-02"})"))
            .message == "discountType must be FIXED or RATE");
}
