// Request decoding: strict, with errors that name the field.
#include "http/decode.hpp"

#include <limits>

namespace actorshop::http {
namespace {

namespace dom = simdjson::dom;
using domain::errc;
constexpr std::int64_t int_min = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t int_max = std::numeric_limits<std::int64_t>::max();
constexpr std::size_t max_order_lines = 100; ///< bounds the work one request can cause

/// Decodes one element of "items"; `i` is its index, for the error message.
std::optional<decode_error> decode_line(dom::element e, std::size_t i,
                                        domain::order_line_request& line) {
  if (!e.is_object())
    return decode_error{errc::invalid_request,
                        "items[" + std::to_string(i) + "] must be an object"};
  dom::object o(e);
  if (auto err = get_id(o, "productId", line.product_id))
    return err;
  if (auto err = get_id(o, "productOptionId", line.option_id))
    return err;
  if (auto err = get_int(o, "quantity", int_min, int_max, errc::order_invalid_quantity, line.qty))
    return err;
  if (line.qty < 1)
    return decode_error{errc::order_invalid_quantity, "quantity must be at least 1"};
  return std::nullopt;
}

std::optional<decode_error> get_time(dom::object o, std::string_view name, domain::timestamp& out) {
  std::string_view text;
  if (auto err = get_string(o, name, text))
    return err;
  auto t = domain::parse_iso8601(text);
  if (!t)
    return decode_error{errc::invalid_request, std::string(name) + " must be an ISO-8601 time"};
  out = *t;
  return std::nullopt;
}

} // namespace

decoded<issue_request> decode_issue(const std::string& body) {
  dom::object o;
  issue_request r;
  if (auto err = parse_object(body, o))
    return *err;
  if (auto err = get_id(o, "couponId", r.coupon_id))
    return *err;
  if (auto err = get_id(o, "customerId", r.customer_id))
    return *err;
  return r;
}

decoded<charge_request> decode_charge(const std::string& body) {
  dom::object o;
  charge_request r;
  if (auto err = parse_object(body, o))
    return *err;
  if (auto err = get_id(o, "customerId", r.customer_id))
    return *err;
  if (auto err = get_int(o, "amount", int_min, int_max, errc::balance_invalid_amount, r.amount))
    return *err;
  return r;
}

decoded<order_request> decode_order(const std::string& body) {
  dom::object o;
  order_request r;
  if (auto err = parse_object(body, o))
    return *err;
  if (auto err = get_id(o, "customerId", r.customer_id))
    return *err;
  dom::element items;
  if (o.at_key("items").get(items))
    return decode_error{errc::invalid_request, "items is required"};
  if (!items.is_array())
    return decode_error{errc::invalid_request, "items must be an array"};
  dom::array arr(items);
  if (arr.size() == 0)
    return decode_error{errc::order_item_empty, "items must not be empty"};
  if (arr.size() > max_order_lines)
    return decode_error{errc::invalid_request, "items has more than 100 lines"};
  r.lines.resize(arr.size());
  std::size_t i = 0;
  for (dom::element e : arr) {
    if (auto err = decode_line(e, i, r.lines[i]))
      return *err;
    ++i;
  }
  return r;
}

decoded<payment_request> decode_payment(const std::string& body) {
  dom::object o;
  payment_request r;
  if (auto err = parse_object(body, o))
    return *err;
  if (auto err = get_id(o, "orderId", r.order_id))
    return *err;
  if (has_value(o, "couponId")) {
    domain::id_t c = 0;
    if (auto err = get_id(o, "couponId", c))
      return *err;
    r.coupon_id = c;
  }
  return r;
}

decoded<domain::coupon_spec> decode_coupon_spec(const std::string& body) {
  dom::object o;
  domain::coupon_spec s;
  if (auto err = parse_object(body, o))
    return *err;
  std::string_view name, type;
  if (auto err = get_string(o, "name", name))
    return *err;
  if (name.empty())
    return decode_error{errc::invalid_request, "name must not be empty"};
  s.name = name;
  if (auto err = get_string(o, "discountType", type))
    return *err;
  auto t = domain::parse_discount_type(type);
  if (!t)
    return decode_error{errc::invalid_request, "discountType must be FIXED or RATE"};
  s.type = *t;
  if (auto err = get_int(o, "discountAmount", 1, int_max, errc::coupon_invalid, s.discount_amount))
    return *err;
  if (auto err = get_int(o, "totalQuantity", 1, int_max, errc::coupon_invalid, s.total_quantity))
    return *err;
  if (auto err = get_time(o, "startedAt", s.started_at))
    return *err;
  if (auto err = get_time(o, "expiredAt", s.expired_at))
    return *err;
  return s;
}

} // namespace actorshop::http
