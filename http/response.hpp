// response: what the router answers, independent of sockets; and the one place that maps a
// domain error kind to an HTTP status.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "domain/errors.hpp"
#include "http/route.hpp"

namespace actorshop::http {

/// A response, before it becomes bytes.
struct response {
  unsigned status = 200;
  std::string body;                  ///< JSON, or Prometheus text when `text` is set
  route matched = route::unmatched;  ///< for metrics
  std::string_view allow;            ///< the Allow header of a 405
  std::string_view www_authenticate; ///< the WWW-Authenticate header of a 401
  bool retry_after = false;          ///< adds "Retry-After: 1" (503 on overload)
  bool text = false;                 ///< Content-Type text/plain (metrics)
  std::string_view content_type;     ///< when set, the Content-Type (the dashboard's HTML)
  std::string headers; ///< more header lines, "Name: value" joined by CRLF, none at the end
};

/// Called exactly once with the response, possibly on another thread (an actor's).
using respond_fn = std::function<void(response)>;

/// Maps an error kind to its HTTP status: invalid_argument 400, not_found 404, conflict 409,
/// unavailable 503, timeout 504, internal 500.
unsigned status_of(domain::error_kind kind) noexcept;

/// Returns the response for `e` with its default message, or `message` if not empty.
response error_response(domain::errc e, std::string_view message = {});

/// Returns a response for a failure that has no domain code (404 route, 405, 401, 413, ...).
response protocol_error(unsigned status, std::string_view code, std::string_view message);

} // namespace actorshop::http
