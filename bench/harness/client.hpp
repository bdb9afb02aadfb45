// What a VU talks to: the three calls of the seed scenarios, answered with an HTTP-like status.
// The HTTP driver sends real requests; the actors driver calls actorshop::actors::shop directly.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

namespace actorshop::bench {

/// k6's phases of one HTTP request as the HTTP driver measured them (the actors driver has no
/// wire: it leaves `measured` false and the scenario counts the whole call as waiting).
struct http_phases {
  std::chrono::steady_clock::duration connecting{}; ///< TCP connect, when this call opened one
  std::chrono::steady_clock::duration sending{};    ///< writing the request
  std::chrono::steady_clock::duration waiting{};    ///< request written -> first answer byte
  std::chrono::steady_clock::duration receiving{};  ///< first byte -> answer complete
  bool measured = false;
};

/// What one call got back, whichever driver made it (named apart from the service's replies).
struct http_answer {
  int status = 0;            ///< HTTP status; 0 when the transport failed
  std::int64_t order_id = 0; ///< the created order's id (POST /orders, 201)
  std::size_t sent = 0;      ///< bytes on the wire (0 for the actors driver)
  std::size_t received = 0;
  http_phases phases;
};

struct order_item {
  std::int64_t product_id = 0;
  std::int64_t option_id = 0;
  std::int64_t quantity = 1;
};

/// One VU's connection to the target. Calls of one client never overlap.
class client {
public:
  virtual ~client() = default;
  virtual boost::asio::awaitable<http_answer> issue_coupon(std::int64_t coupon_id,
                                                           std::int64_t customer_id) = 0;
  virtual boost::asio::awaitable<http_answer> create_order(std::int64_t customer_id, order_item a,
                                                           order_item b) = 0;
  /// Pays `order_id`, which `customer_id` placed (a customer token must name them).
  virtual boost::asio::awaitable<http_answer> pay(std::int64_t order_id,
                                                  std::int64_t customer_id) = 0;
  /// Aborts a call in flight (graceful stop expired); later calls reconnect.
  virtual void cancel() {}
};

/// Makes one client per VU, bound to the VU's io executor.
using client_factory = std::function<std::unique_ptr<client>(boost::asio::any_io_executor)>;

} // namespace actorshop::bench
