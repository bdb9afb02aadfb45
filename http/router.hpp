// router: the request handler of the daemon, a plain object that knows nothing about sockets. It
// decodes a parsed request, calls the shop facade and answers through a callback, so it can be
// unit-tested without a network. Commands return to the caller at once: the facade answers later
// on an actor thread, and the callback owner posts the reply to its own executor.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "actors/cluster/node.hpp"
#include "actors/shop.hpp"
#include "http/auth/customer_token.hpp"
#include "http/customer_auth.hpp"
#include "http/metrics.hpp"
#include "http/response.hpp"

namespace actorshop::http {

using request = boost::beast::http::request<boost::beast::http::string_body>;

struct router_options {
  std::int64_t max_in_flight = 10'000; ///< commands waiting for the actors; 503 beyond
  std::string admin_token;             ///< empty: POST /coupons is always 403
  /// auth.mode = "token": the signer of the customer tokens every customer route requires; null:
  /// the open API.
  std::shared_ptr<const auth::token_signer> customer_tokens;
  std::shared_ptr<domain::clock> clock; ///< the tokens' "now"; null: the system clock
  /// Cluster mode (scale-out preview): coupon issues and the customer routes go to the owning
  /// node through it. Null: one node.
  actors::cluster::node* cluster = nullptr;
};

class router {
public:
  router(actors::shop& shop, metrics& m, router_options options);

  /// Answers `req` through `respond`, exactly once: at once for queries and refusals, later (on
  /// an actor thread) for commands.
  void handle(const request& req, respond_fn respond);

  /// Marks the service as draining: /health answers 503 and new commands are refused.
  void start_draining() noexcept { draining_.store(true, std::memory_order_relaxed); }
  bool draining() const noexcept { return draining_.load(std::memory_order_relaxed); }

  /// Replaces the admin token (SIGHUP); a request checked before keeps its answer.
  void set_admin_token(std::string token);

  /// Every metrics family, sampled now (what /metrics serializes).
  std::vector<prometheus::MetricFamily> collect_metrics() const;

  /// Commands handed to the facade and not yet answered by it.
  std::int64_t in_flight() const noexcept { return in_flight_.load(std::memory_order_relaxed); }

private:
  void dispatch(const request& req, respond_fn& respond);
  void issue_coupon(const request& req, caller who, respond_fn& respond);
  void charge(const request& req, caller who, respond_fn& respond);
  void create_order(const request& req, caller who, respond_fn& respond);
  void pay(const request& req, caller who, respond_fn& respond);
  void create_coupon(const request& req, respond_fn& respond);
  response query(const request& req, const struct route_match& m, caller who);
  response order(domain::id_t order_id, caller who);
  /// Returns the 401 or 403 of a route that needs a customer token, or nothing if `who` may go
  /// on (`who` set to the token's customer in token mode).
  std::optional<response> authorize(const request& req, const struct route_match& m, caller& who);
  response popular(std::string_view query);
  response balance_history(domain::id_t customer_id, std::string_view query);
  /// Cluster mode: answers the routes that go to an owning node; false for the others.
  bool dispatch_clustered(const struct route_match& m, caller who, respond_fn& respond);
  response health() const;
  void count_rejection(domain::errc e) noexcept;

  /// Returns the decoded body of a command the facade may take (JSON content type, a valid
  /// body, its customerId the caller's in token mode, not draining, a free slot in the in-flight
  /// bound, now taken); otherwise answers the refusal through `respond` and returns nothing.
  template <class T, class Decode>
  std::optional<T> admit(const request& req, route r, Decode decode, caller who,
                         respond_fn& respond);

  /// Reserves a slot for one command; false if max_in_flight are already waiting.
  bool acquire() noexcept;
  void release() noexcept { in_flight_.fetch_sub(1, std::memory_order_relaxed); }

  /// Returns a facade callback that frees the slot and answers `status` + encode(value) or the
  /// error response.
  template <class T> actors::callback<T> answer(unsigned status, route r, respond_fn respond);

  actors::shop& shop_;
  metrics& metrics_;
  /// Returns whether `authorization` carries the current admin token.
  bool admin_authorized(std::string_view authorization) const;

  router_options options_;
  customer_auth customer_auth_;
  /// Guards options_.admin_token, which a reload replaces while io threads read it; admin
  /// requests are rare, so a plain mutex costs nothing on the hot routes.
  mutable std::mutex token_mutex_;
  std::atomic<std::int64_t> in_flight_{0};
  std::atomic<bool> draining_{false};
};

/// True if the Content-Type value is application/json (parameters such as charset allowed).
bool is_json_content_type(std::string_view value) noexcept;

} // namespace actorshop::http
