// customer_auth: the customer tokens of auth.mode = "token" at the HTTP edge: reads the bearer
// token of a request, verifies it on the clock's time and builds the 401 a refusal gets. Which
// routes need a token, and for whom, is declared by the route table (acting_for); the router
// asks here only for a route that needs one.
#pragma once

#include <memory>
#include <optional>
#include <variant>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "domain/clock.hpp"
#include "http/auth/customer_token.hpp"
#include "http/response.hpp"

namespace actorshop::http {

/// The customer a request was authenticated as; nothing in the open API.
using caller = std::optional<domain::id_t>;

/// `WWW-Authenticate` of a 401 without a token / with a refused one (RFC 6750 §3).
inline constexpr std::string_view bearer_challenge = R"(Bearer realm="actorshop")";
inline constexpr std::string_view bearer_invalid_token =
    R"(Bearer realm="actorshop", error="invalid_token")";

class customer_auth {
public:
  /// `signer` null: the open API (every request passes as nobody in particular).
  customer_auth(std::shared_ptr<const auth::token_signer> signer,
                std::shared_ptr<domain::clock> clock);

  bool enabled() const noexcept { return signer_ != nullptr; }

  /// Returns the customer the request's bearer token acts for, or the 401 to answer.
  std::variant<domain::id_t, response>
  authenticate(const boost::beast::http::request<boost::beast::http::string_body>& req) const;

private:
  std::shared_ptr<const auth::token_signer> signer_;
  std::shared_ptr<domain::clock> clock_;
};

/// Returns the 401 for a refused or missing token, with its WWW-Authenticate challenge.
response unauthorized(auth::token_error e);

} // namespace actorshop::http
