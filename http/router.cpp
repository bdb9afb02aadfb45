// Dispatch of spec §3: decode, call the facade, encode.
#include "http/router.hpp"

#include <chrono>
#include <variant>

#include <spdlog/spdlog.h>

#include "http/dashboard.hpp"
#include "http/decode.hpp"
#include "http/encode.hpp"
#include "http/route_table.hpp"
#include "storage/logging.hpp"

namespace actorshop::http {
namespace {

namespace bhttp = boost::beast::http;
using domain::errc;

response ok(unsigned status, std::string body) {
  response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

template <class T> response from_result(unsigned status, domain::result<T> res) {
  return res ? ok(status, encode(*res)) : error_response(res.error());
}

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

char lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size())
    return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i]))
      return false;
  return true;
}

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

/// Refuses a body endpoint's request whose Content-Type is not JSON; nothing if it is.
std::optional<response> check_json(const request& req) {
  auto it = req.find(bhttp::field::content_type);
  if (it == req.end() || !is_json_content_type(it->value()))
    return protocol_error(415, "UNSUPPORTED_MEDIA_TYPE", "Content-Type must be application/json");
  return std::nullopt;
}

/// Answers `r` as route `matched`'s refusal; returns nothing, for admit().
std::nullopt_t refuse(route matched, response r, respond_fn& respond) {
  r.matched = matched;
  respond(std::move(r));
  return std::nullopt;
}

} // namespace

bool is_json_content_type(std::string_view value) noexcept {
  return iequals(trim(value.substr(0, value.find(';'))), "application/json");
}

router::router(actors::shop& shop, metrics& m, router_options options)
    : shop_(shop), metrics_(m), options_(std::move(options)),
      customer_auth_(options_.customer_tokens, options_.clock) {}

bool router::acquire() noexcept {
  if (in_flight_.fetch_add(1, std::memory_order_relaxed) >= options_.max_in_flight) {
    release();
    return false;
  }
  return true;
}

template <class T>
actors::callback<T> router::answer(unsigned status, route r, respond_fn respond) {
  return [this, status, r, respond = std::move(respond)](domain::result<T> res) {
    release();
    if (!res)
      count_rejection(res.error());
    auto rep = from_result(status, std::move(res));
    rep.matched = r;
    respond(std::move(rep));
  };
}

void router::handle(const request& req, respond_fn respond) {
  try {
    dispatch(req, respond);
  } catch (const std::exception& e) {
    // Only a query can throw here (a command's callback has not been handed over yet when
    // decoding fails), so answering now cannot answer twice.
    storage::log_limited(storage::log_level::error, "query failed",
                         fmt::format("request {} {} failed: {}",
                                     std::string_view(req.method_string()),
                                     std::string_view(req.target()), e.what()));
    respond(error_response(errc::storage_failure, "internal error"));
  }
}

void router::dispatch(const request& req, respond_fn& respond) {
  auto m = match_route(req.method(), req.target());
  auto answer_now = [&](response r) {
    r.matched = m.matched;
    respond(std::move(r));
  };
  if (m.matched == route::unmatched)
    return answer_now(protocol_error(404, "NOT_FOUND", "no such route"));
  if (!m.method_ok) {
    auto r = protocol_error(405, "METHOD_NOT_ALLOWED", "method not allowed on this route");
    r.allow = m.allow;
    return answer_now(std::move(r));
  }
  caller who;
  if (auto refused = authorize(req, m, who))
    return answer_now(std::move(*refused));
  if (options_.cluster && dispatch_clustered(m, who, respond))
    return;
  switch (m.matched) {
  case route::issue_coupon:
    return issue_coupon(req, who, respond);
  case route::charge:
    return charge(req, who, respond);
  case route::create_order:
    return create_order(req, who, respond);
  case route::pay:
    return pay(req, who, respond);
  case route::create_coupon:
    return create_coupon(req, respond);
  default:
    return answer_now(query(req, m, who));
  }
}

// In token mode the token is checked before anything else of the request is looked at, so an
// unauthenticated client learns nothing but the route table. A path's customer is compared here;
// a body's once it is decoded (admit), an order's owner once the order is found (order, pay).
std::optional<response> router::authorize(const request& req, const route_match& m, caller& who) {
  if (customer_auth_.enabled() && needs_customer_token(m.acts_for)) {
    auto authenticated = customer_auth_.authenticate(req);
    if (auto* refused = std::get_if<response>(&authenticated))
      return std::move(*refused);
    who = std::get<domain::id_t>(authenticated);
  }
  if (m.has_id && m.id == 0)
    return error_response(errc::invalid_request, "id must be a positive integer");
  if (who && m.acts_for == acting_for::path_customer && m.id != *who)
    return error_response(errc::forbidden);
  return std::nullopt;
}

response router::order(domain::id_t order_id, caller who) {
  auto found = shop_.order(order_id);
  if (found && who && found->customer_id != *who)
    return error_response(errc::forbidden);
  return from_result(200, std::move(found));
}

response router::query(const request& req, const route_match& m, caller who) {
  switch (m.matched) {
  case route::balance:
    return from_result(200, shop_.balance(m.id));
  case route::balance_history:
    return balance_history(m.id, m.query);
  case route::products:
    return ok(200, encode(shop_.products()));
  case route::product:
    return from_result(200, shop_.product(m.id));
  case route::popular:
    return popular(m.query);
  case route::customer_coupons:
    return from_result(200, shop_.customer_coupons(m.id));
  case route::order:
    return order(m.id, who);
  case route::health:
    return health();
  case route::metrics: {
    auto r = ok(200, metrics_.render(shop_, in_flight(), options_.cluster));
    r.text = true;
    return r;
  }
  case route::dashboard: {
    auto r = ok(200, dashboard_page());
    r.content_type = "text/html; charset=utf-8";
    return r;
  }
  case route::dashboard_data:
    return ok(200, dashboard_json(collect_metrics(), unix_now()));
  default:
    (void)req;
    return protocol_error(404, "NOT_FOUND", "no such route");
  }
}

namespace {

/// ?days=N of GET /products/popular (default 3), or nothing if it is not 1..30 (INVALID_PERIOD).
std::optional<int> popular_days(std::string_view query) {
  auto v = query_param(query, "days");
  if (!v)
    return 3;
  auto n = domain::parse_id(*v);
  if (n < 1 || n > 30)
    return std::nullopt;
  return static_cast<int>(n);
}

} // namespace

response router::popular(std::string_view query) {
  auto days = popular_days(query);
  if (!days)
    return error_response(errc::invalid_period);
  return from_result(200, shop_.popular(*days));
}

void router::count_rejection(domain::errc e) noexcept {
  // The facade's SERVICE_UNAVAILABLE is a full writer queue unless the shop is stopping.
  if (e == errc::storage_full)
    metrics_.reject(rejection::storage_full);
  else if (e == errc::unavailable)
    metrics_.reject(draining() ? rejection::draining : rejection::writer_queue);
}

std::vector<prometheus::MetricFamily> router::collect_metrics() const {
  return metrics_.collect(shop_, in_flight(), options_.cluster);
}

namespace {

struct history_args {
  int limit = domain::history_page_default;
  domain::id_t before = 0;
};

/// Reads ?limit= and ?before= (or ?cursor=) of a balance history request, or its 400.
std::variant<history_args, response> parse_history_query(std::string_view query) {
  history_args a;
  if (auto v = query_param(query, "limit")) {
    auto n = domain::parse_id(*v);
    if (n < 1 || n > domain::history_page_max)
      return error_response(errc::invalid_request, "limit must be an integer from 1 to 500");
    a.limit = static_cast<int>(n);
  }
  auto cursor = query_param(query, "before");
  if (!cursor)
    cursor = query_param(query, "cursor");
  if (cursor) {
    a.before = domain::parse_id(*cursor);
    if (a.before < 1)
      return error_response(errc::invalid_request, "before must be a cursor from X-Next-Cursor");
  }
  return a;
}

response history_response(domain::id_t customer_id, int limit,
                          const domain::result<domain::balance_history_page>& page) {
  if (!page && page.error() == errc::invalid_request)
    return error_response(errc::invalid_request,
                          "before is not a cursor of this customer's history");
  if (!page)
    return error_response(page.error());
  auto r = ok(200, encode(page->entries));
  if (page->next_before != 0) {
    const auto next = std::to_string(page->next_before);
    r.headers = "X-Next-Cursor: " + next + "\r\nLink: </balances/" + std::to_string(customer_id) +
                "/balance-histories?limit=" + std::to_string(limit) + "&before=" + next +
                ">; rel=\"next\"";
  }
  return r;
}

} // namespace

/// GET /balances/{id}/balance-histories?limit=N&before=CURSOR (`cursor=` is the same): the body
/// keeps the original's shape, a JSON array (newest first here); the next page's cursor is in
/// X-Next-Cursor and in a Link header (RFC 8288, rel="next"), both absent on the last page.
response router::balance_history(domain::id_t customer_id, std::string_view query) {
  auto args = parse_history_query(query);
  if (auto* bad = std::get_if<response>(&args))
    return std::move(*bad);
  const auto [limit, before] = std::get<history_args>(args);
  return history_response(customer_id, limit,
                          shop_.balance_history_page(customer_id, limit, before));
}

// Cluster mode: the customer's reads go to the customer's owner, an order's to the order's owner
// (answered later, on an actor thread, when it is another node), a wallet is gathered from every
// node, and so is the catalogue's stock (each node holds its own stock rows), a product's option
// stock (from each option's owner) and the popular counts (orders live on their customer's node,
// so each node counts its own); the commands route in
// their own handlers (issue, charge, create_order, pay), and a coupon is created on the node that
// receives it, under an id that node owns.
bool router::dispatch_clustered(const route_match& m, caller who, respond_fn& respond) {
  auto* cluster = options_.cluster;
  const auto matched = m.matched;
  auto send = [respond, matched](response r) {
    r.matched = matched;
    respond(std::move(r));
  };
  // A query's callback: 200 with its value, or its error's status.
  auto answer = [send](auto r) { send(from_result(200, std::move(r))); };
  switch (matched) {
  case route::balance:
    cluster->balance(m.id, answer);
    return true;
  case route::balance_history: {
    auto args = parse_history_query(m.query);
    if (auto* bad = std::get_if<response>(&args)) {
      send(std::move(*bad));
      return true;
    }
    const auto [limit, before] = std::get<history_args>(args);
    cluster->balance_history_page(
        m.id, limit, before,
        [send, id = m.id, limit](domain::result<domain::balance_history_page> page) {
          send(history_response(id, limit, page));
        });
    return true;
  }
  case route::order:
    cluster->order(m.id, [send, who](domain::result<domain::order> found) {
      if (found && who && found->customer_id != *who)
        return send(error_response(errc::forbidden));
      send(from_result(200, std::move(found)));
    });
    return true;
  case route::customer_coupons:
    cluster->customer_coupons(m.id, answer);
    return true;
  case route::products:
    cluster->products(answer);
    return true;
  case route::product:
    cluster->product(m.id, answer);
    return true;
  case route::popular: {
    auto days = popular_days(m.query);
    if (!days) {
      send(error_response(errc::invalid_period));
      return true;
    }
    cluster->popular(*days, answer);
    return true;
  }
  default:
    return false;
  }
}

response router::health() const {
  if (draining()) {
    metrics_.reject(rejection::draining);
    return protocol_error(503, "SERVICE_UNAVAILABLE", "draining");
  }
  return ok(200, R"({"status":"ok"})");
}

// Each command: content type, decode, a slot in the in-flight bound, then hand to the facade.
template <class T, class Decode>
std::optional<T> router::admit(const request& req, route r, Decode decode, caller who,
                               respond_fn& respond) {
  if (auto bad = check_json(req))
    return refuse(r, std::move(*bad), respond);
  auto decoded_body = decode(req.body());
  if (auto* err = std::get_if<decode_error>(&decoded_body))
    return refuse(r, error_response(err->code, err->message), respond);
  if constexpr (requires(const T& body) { body.customer_id; }) // acting_for::body_customer
    if (who && std::get<T>(decoded_body).customer_id != *who)
      return refuse(r, error_response(errc::forbidden), respond);
  if (draining()) {
    metrics_.reject(rejection::draining);
    return refuse(r, error_response(errc::unavailable, "shutting down"), respond);
  }
  if (!acquire()) {
    metrics_.reject(rejection::in_flight);
    return refuse(r, error_response(errc::unavailable, "too many requests in flight"), respond);
  }
  return std::move(std::get<T>(decoded_body));
}

void router::issue_coupon(const request& req, caller who, respond_fn& respond) {
  auto r = admit<issue_request>(req, route::issue_coupon, decode_issue, who, respond);
  if (!r)
    return;
  auto cb = answer<domain::issued_coupon>(201, route::issue_coupon, std::move(respond));
  if (options_.cluster)
    return options_.cluster->issue_coupon(r->coupon_id, r->customer_id, std::move(cb));
  shop_.issue_coupon(r->coupon_id, r->customer_id, std::move(cb));
}

void router::charge(const request& req, caller who, respond_fn& respond) {
  auto r = admit<charge_request>(req, route::charge, decode_charge, who, respond);
  if (!r)
    return;
  auto cb = answer<domain::balance_view>(200, route::charge, std::move(respond));
  if (options_.cluster)
    return options_.cluster->charge(r->customer_id, r->amount, std::move(cb));
  shop_.charge(r->customer_id, r->amount, std::move(cb));
}

void router::create_order(const request& req, caller who, respond_fn& respond) {
  auto r = admit<order_request>(req, route::create_order, decode_order, who, respond);
  if (!r)
    return;
  auto cb = answer<domain::order>(201, route::create_order, std::move(respond));
  if (options_.cluster)
    return options_.cluster->create_order(r->customer_id, std::move(r->lines), std::move(cb));
  shop_.create_order(r->customer_id, std::move(r->lines), std::move(cb));
}

void router::pay(const request& req, caller who, respond_fn& respond) {
  auto r = admit<payment_request>(req, route::pay, decode_payment, who, respond);
  if (!r)
    return;
  auto cb = answer<domain::payment>(201, route::pay, std::move(respond));
  if (options_.cluster)
    return options_.cluster->pay(r->order_id, r->coupon_id, std::move(cb), who.value_or(0));
  shop_.pay(r->order_id, r->coupon_id, std::move(cb), who.value_or(0));
}

void router::set_admin_token(std::string token) {
  std::lock_guard lock(token_mutex_);
  options_.admin_token = std::move(token);
}

bool router::admin_authorized(std::string_view authorization) const {
  std::lock_guard lock(token_mutex_);
  return !options_.admin_token.empty() && authorization.starts_with("Bearer ") &&
         trim(authorization.substr(7)) == options_.admin_token;
}

void router::create_coupon(const request& req, respond_fn& respond) {
  auto auth = req.find(bhttp::field::authorization);
  if (auth == req.end()) {
    auto r = protocol_error(401, "UNAUTHORIZED", "admin token required");
    r.www_authenticate = bearer_challenge;
    refuse(route::create_coupon, std::move(r), respond);
    return;
  }
  std::string_view value = auth->value();
  if (!admin_authorized(value)) {
    refuse(route::create_coupon, protocol_error(403, "FORBIDDEN", "admin token rejected"), respond);
    return;
  }
  auto spec = admit<domain::coupon_spec>(req, route::create_coupon, decode_coupon_spec,
                                         std::nullopt, respond);
  if (!spec)
    return;
  shop_.create_coupon(std::move(*spec),
                      answer<domain::coupon>(201, route::create_coupon, std::move(respond)));
}

} // namespace actorshop::http
