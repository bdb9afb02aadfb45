// Request decoding and response encoding (field names of spec §3).
#include "http/codec.hpp"

#include <limits>

#include "http/json_writer.hpp"

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

std::string encode(const domain::balance_view& v) {
  std::string out;
  json_writer(out)
      .begin_object()
      .member("customerId", v.customer_id)
      .member("amount", v.amount)
      .end_object();
  return out;
}

std::string encode(const std::vector<domain::balance_change>& v) {
  std::string out;
  json_writer w(out);
  w.begin_array();
  for (const auto& c : v)
    w.begin_object()
        .member("changeType", domain::to_string(c.type))
        .member("changeAmount", c.change_amount)
        .member("totalAmount", c.total_amount)
        .member("createdAt", domain::format_iso8601(c.created_at))
        .end_object();
  w.end_array();
  return out;
}

std::string encode(const std::vector<domain::product_summary>& v) {
  std::string out;
  json_writer w(out);
  w.begin_array();
  for (const auto& p : v)
    w.begin_object()
        .member("id", p.id)
        .member("name", p.name)
        .member("basePrice", p.base_price)
        .member("stock", p.stock)
        .end_object();
  w.end_array();
  return out;
}

std::string encode(const domain::product_detail& v) {
  std::string out;
  json_writer w(out);
  w.begin_object().member("id", v.id).member("name", v.name).member("basePrice", v.base_price);
  w.key("options").begin_array();
  for (const auto& o : v.options)
    w.begin_object()
        .member("id", o.id)
        .member("name", o.name)
        .member("extraPrice", o.extra_price)
        .member("stock", o.stock)
        .end_object();
  w.end_array().end_object();
  return out;
}

std::string encode(const std::vector<domain::popular_product>& v) {
  std::string out;
  json_writer w(out);
  w.begin_array();
  for (const auto& p : v)
    w.begin_object()
        .member("id", p.id)
        .member("name", p.name)
        .member("basePrice", p.base_price)
        .member("totalSales", p.total_sales)
        .end_object();
  w.end_array();
  return out;
}

std::string encode(const domain::issued_coupon& v) {
  std::string out;
  json_writer(out)
      .begin_object()
      .member("couponId", v.coupon_id)
      .member("customerId", v.customer_id)
      .member("status", domain::to_string(v.status))
      .end_object();
  return out;
}

std::string encode(const std::vector<domain::wallet_coupon>& v) {
  std::string out;
  json_writer w(out);
  w.begin_array();
  for (const auto& c : v)
    w.begin_object()
        .member("couponId", c.coupon_id)
        .member("name", c.name)
        .member("discountType", domain::to_string(c.type))
        .member("discountAmount", c.discount_amount)
        .member("status", domain::to_string(c.status))
        .member("issuedAt", domain::format_iso8601(c.issued_at))
        .member("expiredAt", domain::format_iso8601(c.expired_at))
        .end_object();
  w.end_array();
  return out;
}

std::string encode(const domain::order& v) {
  std::string out;
  json_writer w(out);
  w.begin_object()
      .member("orderId", v.id)
      .member("customerId", v.customer_id)
      .member("status", domain::to_string(v.status))
      .member("totalPrice", v.total_price)
      .member("createdAt", domain::format_iso8601(v.created_at))
      .member("expiresAt", domain::format_iso8601(v.expires_at));
  w.key("items").begin_array();
  for (const auto& l : v.lines)
    w.begin_object()
        .member("productId", l.product_id)
        .member("productOptionId", l.option_id)
        .member("productName", l.product_name)
        .member("optionName", l.option_name)
        .member("quantity", l.qty)
        .member("unitPrice", l.unit_price)
        .member("subtotalPrice", l.subtotal)
        .end_object();
  w.end_array().end_object();
  return out;
}

std::string encode(const domain::payment& v) {
  std::string out;
  json_writer w(out);
  w.begin_object()
      .member("paymentId", v.id)
      .member("orderId", v.order_id)
      .member("customerId", v.customer_id);
  w.key("couponId");
  if (v.coupon_id)
    w.value(*v.coupon_id);
  else
    w.null();
  w.member("originalPrice", v.original_price)
      .member("discountAmount", v.discount_amount)
      .member("discountedPrice", v.discounted_price)
      .member("paidAt", domain::format_iso8601(v.paid_at))
      .end_object();
  return out;
}

std::string encode(const domain::coupon& v) {
  std::string out;
  json_writer(out)
      .begin_object()
      .member("id", v.id)
      .member("name", v.name)
      .member("discountType", domain::to_string(v.type))
      .member("discountAmount", v.discount_amount)
      .member("currentQuantity", v.current_quantity)
      .member("totalQuantity", v.total_quantity)
      .member("startedAt", domain::format_iso8601(v.started_at))
      .member("expiredAt", domain::format_iso8601(v.expired_at))
      .end_object();
  return out;
}

std::string encode_error(std::string_view code, std::string_view message) {
  std::string out;
  out.reserve(32 + code.size() + message.size());
  json_writer(out).begin_object().member("code", code).member("message", message).end_object();
  return out;
}

} // namespace actorshop::http
