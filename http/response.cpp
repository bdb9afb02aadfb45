// Error mapping.
#include "http/response.hpp"

#include "http/encode.hpp"

namespace actorshop::http {

unsigned status_of(domain::error_kind kind) noexcept {
  switch (kind) {
  case domain::error_kind::invalid_argument:
    return 400;
  case domain::error_kind::not_found:
    return 404;
  case domain::error_kind::conflict:
    return 409;
  case domain::error_kind::forbidden:
    return 403;
  case domain::error_kind::unavailable:
    return 503;
  case domain::error_kind::timeout:
    return 504;
  case domain::error_kind::internal:
    return 500;
  }
  return 500;
}

response error_response(domain::errc e, std::string_view message) {
  const auto& info = domain::describe(e);
  response r;
  r.status = status_of(info.kind);
  r.body = encode_error(info.code, message.empty() ? info.message : message);
  r.retry_after = r.status == 503;
  return r;
}

response protocol_error(unsigned status, std::string_view code, std::string_view message) {
  response r;
  r.status = status;
  r.body = encode_error(code, message);
  return r;
}

} // namespace actorshop::http
