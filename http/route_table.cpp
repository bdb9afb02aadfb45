// Routing by prefix checks: the paths are few and fixed.
#include "http/route_table.hpp"

#include <optional>

namespace actorshop::http {
namespace {

using boost::beast::http::verb;

route_match make(route r, verb want, verb got, std::string_view allow,
                 acting_for acts_for = acting_for::nobody) {
  route_match m;
  m.matched = r;
  m.method_ok = want == got;
  m.allow = allow;
  m.acts_for = acts_for;
  return m;
}

route_match with_id(route_match m, std::string_view segment) {
  m.has_id = true;
  m.id = domain::parse_id(segment);
  return m;
}

bool consume(std::string_view& s, std::string_view prefix) {
  if (!s.starts_with(prefix))
    return false;
  s.remove_prefix(prefix.size());
  return true;
}

route_match match_balances(verb method, std::string_view rest) {
  if (rest == "charge")
    return make(route::charge, verb::patch, method, "PATCH", acting_for::body_customer);
  auto slash = rest.find('/');
  if (slash == std::string_view::npos)
    return with_id(make(route::balance, verb::get, method, "GET", acting_for::path_customer), rest);
  if (rest.substr(slash) == "/balance-histories")
    return with_id(
        make(route::balance_history, verb::get, method, "GET", acting_for::path_customer),
        rest.substr(0, slash));
  return {};
}

route_match match_path(verb method, std::string_view path) {
  if (consume(path, "/balances/"))
    return match_balances(method, path);
  if (path == "/products")
    return make(route::products, verb::get, method, "GET");
  if (path == "/products/popular")
    return make(route::popular, verb::get, method, "GET");
  if (consume(path, "/products/") && path.find('/') == std::string_view::npos)
    return with_id(make(route::product, verb::get, method, "GET"), path);
  if (path == "/coupons/issue")
    return make(route::issue_coupon, verb::post, method, "POST", acting_for::body_customer);
  if (path == "/coupons")
    return make(route::create_coupon, verb::post, method, "POST", acting_for::admin);
  if (consume(path, "/coupons/customer/") && path.find('/') == std::string_view::npos)
    return with_id(
        make(route::customer_coupons, verb::get, method, "GET", acting_for::path_customer), path);
  if (path == "/orders")
    return make(route::create_order, verb::post, method, "POST", acting_for::body_customer);
  if (consume(path, "/orders/") && path.find('/') == std::string_view::npos)
    return with_id(make(route::order, verb::get, method, "GET", acting_for::order_owner), path);
  if (path == "/payments")
    return make(route::pay, verb::post, method, "POST", acting_for::order_owner);
  if (path == "/health")
    return make(route::health, verb::get, method, "GET");
  if (path == "/metrics")
    return make(route::metrics, verb::get, method, "GET");
  if (path == "/dashboard")
    return make(route::dashboard, verb::get, method, "GET");
  if (path == "/dashboard/data")
    return make(route::dashboard_data, verb::get, method, "GET");
  return {};
}

} // namespace

route_match match_route(verb method, std::string_view target) noexcept {
  auto q = target.find('?');
  auto m = match_path(method, target.substr(0, q));
  if (q != std::string_view::npos)
    m.query = target.substr(q + 1);
  return m;
}

std::optional<std::string_view> query_param(std::string_view query,
                                            std::string_view name) noexcept {
  while (!query.empty()) {
    auto amp = query.find('&');
    auto pair = query.substr(0, amp);
    auto eq = pair.find('=');
    if (pair.substr(0, eq) == name)
      return eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
    if (amp == std::string_view::npos)
      break;
    query.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

} // namespace actorshop::http
