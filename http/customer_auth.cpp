// Token checks at the edge: no cache of verified tokens, because a cached answer would outlive
// the expiry it was checked against; verifying is one HMAC-SHA256 of ~20 bytes (about 1 us).
#include "http/customer_auth.hpp"

namespace actorshop::http {

customer_auth::customer_auth(std::shared_ptr<const auth::token_signer> signer,
                             std::shared_ptr<domain::clock> clock)
    : signer_(std::move(signer)),
      clock_(clock ? std::move(clock) : std::make_shared<domain::system_clock>()) {}

std::variant<domain::id_t, response> customer_auth::authenticate(
    const boost::beast::http::request<boost::beast::http::string_body>& req) const {
  auto header = req.find(boost::beast::http::field::authorization);
  if (header == req.end())
    return unauthorized(auth::token_error::missing);
  const auto token = auth::bearer_token(header->value());
  const auto check = signer_->verify(token, auth::unix_seconds(*clock_));
  if (!check)
    return unauthorized(check.error);
  return check.customer;
}

response unauthorized(auth::token_error e) {
  auto r = protocol_error(401, "UNAUTHORIZED", auth::describe(e));
  r.www_authenticate = e == auth::token_error::missing ? bearer_challenge : bearer_invalid_token;
  return r;
}

} // namespace actorshop::http
