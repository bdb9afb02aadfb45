// Response encoding: domain views -> JSON bodies with the field names of spec §3.
#include "http/encode.hpp"

#include "http/json_writer.hpp"

namespace actorshop::http {

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
