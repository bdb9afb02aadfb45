// Minting and verifying customer tokens (the format is in customer_token.hpp).
#include "auth/customer_token.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <charconv>
#include <stdexcept>

#include "auth/base64url.hpp"

namespace actorshop::auth {
namespace {

/// Returns the Unix seconds written in decimal digits in `s`, or 0 if it is anything else.
std::int64_t parse_seconds(std::string_view s) noexcept {
  if (s.empty() || s.front() < '0' || s.front() > '9')
    return 0;
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && end == s.data() + s.size() ? v : 0;
}

/// Parses "customer.expires_at" into `out`; false if it is not exactly that.
bool parse_payload(std::string_view payload, token_check& out) noexcept {
  const auto dot = payload.find('.');
  if (dot == std::string_view::npos)
    return false;
  out.customer = domain::parse_id(payload.substr(0, dot));
  out.expires_at = parse_seconds(payload.substr(dot + 1));
  return out.customer != 0 && out.expires_at > 0;
}

char lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; }

} // namespace

std::string_view describe(token_error e) noexcept {
  switch (e) {
  case token_error::none:
    return "valid";
  case token_error::missing:
    return "a customer token is required: Authorization: Bearer TOKEN";
  case token_error::malformed:
    return "the customer token is malformed";
  case token_error::bad_signature:
    return "the customer token's signature is invalid";
  case token_error::expired:
    return "the customer token has expired";
  }
  return "invalid customer token";
}

token_signer::token_signer(std::string secret) : secret_(std::move(secret)) {
  if (secret_.size() < min_secret_bytes)
    throw std::invalid_argument("the token secret must be at least " +
                                std::to_string(min_secret_bytes) + " bytes");
}

token_signer::~token_signer() { OPENSSL_cleanse(secret_.data(), secret_.size()); }

token_signer::mac_bytes token_signer::mac_of(std::string_view signed_part) const {
  mac_bytes mac{};
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()),
       reinterpret_cast<const unsigned char*>(signed_part.data()), signed_part.size(), mac.data(),
       &len);
  return mac;
}

std::string token_signer::mint(domain::id_t customer, std::int64_t expires_at) const {
  if (!domain::is_id(customer) || expires_at <= 0)
    throw std::invalid_argument("a token needs a customer id >= 1 and a positive expiry");
  auto payload = base64url_encode(std::to_string(customer) + "." + std::to_string(expires_at));
  const auto mac = mac_of(payload);
  return payload + "." + base64url_encode({reinterpret_cast<const char*>(mac.data()), mac.size()});
}

token_check token_signer::verify(std::string_view token, std::int64_t now) const {
  token_check out;
  if (token.empty()) {
    out.error = token_error::missing;
    return out;
  }
  const auto dot = token.find('.');
  const auto signature = token.size() <= max_token_chars && dot != std::string_view::npos
                             ? base64url_decode(token.substr(dot + 1))
                             : std::nullopt;
  if (!signature || signature->size() != mac_bytes{}.size()) {
    out.error = token_error::malformed;
    return out;
  }
  const auto signed_part = token.substr(0, dot);
  const auto mac = mac_of(signed_part);
  if (CRYPTO_memcmp(mac.data(), signature->data(), mac.size()) != 0) {
    out.error = token_error::bad_signature;
    return out;
  }
  const auto payload = base64url_decode(signed_part);
  if (!payload || !parse_payload(*payload, out)) { // signed by us, so only a minting bug gets here
    out = {token_error::malformed, 0, 0};
    return out;
  }
  if (now >= out.expires_at)
    out.error = token_error::expired;
  return out;
}

std::string_view bearer_token(std::string_view authorization) noexcept {
  constexpr std::string_view scheme = "bearer ";
  if (authorization.size() <= scheme.size())
    return {};
  for (std::size_t i = 0; i < scheme.size(); ++i)
    if (lower(authorization[i]) != scheme[i])
      return {};
  auto token = authorization.substr(scheme.size());
  while (!token.empty() && token.front() == ' ')
    token.remove_prefix(1);
  while (!token.empty() && (token.back() == ' ' || token.back() == '\t'))
    token.remove_suffix(1);
  return token;
}

} // namespace actorshop::auth
