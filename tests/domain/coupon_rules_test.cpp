#include <catch2/catch.hpp>

#include "domain/coupon_rules.hpp"

using namespace actorshop::domain;

namespace {
coupon event_coupon(quantity remaining) {
  return coupon{4001,      "이벤트 한정 1000원 할인",  discount_type::fixed, 1000, remaining, 1000,
                1'000'000, 1'000'000 + 10 * ms_per_day};
}
} // namespace

TEST_CASE("a coupon is issued inside its window while some remain", "[domain][coupon]") {
  auto c = event_coupon(1000);
  CHECK(*decide_issue(c, false, c.started_at) == 999);
  CHECK(*decide_issue(c, false, c.expired_at) == 999);
  CHECK(*decide_issue(event_coupon(1), false, c.started_at + 1) == 0);
}

TEST_CASE("a coupon is not issued outside its window", "[domain][coupon]") {
  auto c = event_coupon(1000);
  CHECK(decide_issue(c, false, c.started_at - 1).error() == errc::coupon_invalid_period);
  CHECK(decide_issue(c, false, c.expired_at + 1).error() == errc::coupon_invalid_period);
}

TEST_CASE("a coupon is never issued twice to one customer", "[domain][coupon]") {
  auto c = event_coupon(1000);
  CHECK(decide_issue(c, true, c.started_at).error() == errc::coupon_already_issued);
}

TEST_CASE("a sold-out coupon is insufficient, duplicates are reported first", "[domain][coupon]") {
  auto c = event_coupon(0);
  CHECK(decide_issue(c, false, c.started_at).error() == errc::coupon_insufficient);
  CHECK(decide_issue(c, true, c.started_at).error() == errc::coupon_already_issued);
}

TEST_CASE("only an AVAILABLE, unexpired coupon the customer holds can pay", "[domain][coupon]") {
  CHECK(decide_use(coupon_status::available, 100, 100));
  CHECK(decide_use(std::nullopt, 100, 50).error() == errc::customer_coupon_not_found);
  CHECK(decide_use(coupon_status::used, 100, 50).error() == errc::coupon_already_used);
  CHECK(decide_use(coupon_status::expired, 100, 50).error() == errc::coupon_expired);
  CHECK(decide_use(coupon_status::available, 100, 101).error() == errc::coupon_expired);
}

TEST_CASE("an admin's coupon definition is validated", "[domain][coupon]") {
  coupon_spec ok{"welcome", discount_type::fixed, 500, 10, 0, 1000};
  CHECK(validate(ok));
  auto bad = ok;
  bad.name.clear();
  CHECK(validate(bad).error() == errc::coupon_invalid);
  bad = ok;
  bad.total_quantity = 0;
  CHECK(validate(bad).error() == errc::coupon_invalid);
  bad = ok;
  bad.started_at = bad.expired_at;
  CHECK(validate(bad).error() == errc::coupon_invalid);
  bad = ok;
  bad.type = discount_type::rate;
  bad.discount_amount = 101;
  CHECK(validate(bad).error() == errc::coupon_invalid);
  bad.discount_amount = 0;
  CHECK(validate(bad).error() == errc::coupon_invalid);
  bad.discount_amount = 100;
  CHECK(validate(bad));
}
