// Minting and verifying customer tokens (the format is in customer_token.hpp).
#include "http/auth/customer_token.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <array>
#include <atomic>
#include <charconv>
#include <memory>
#include <stdexcept>

#include "http/auth/base64url.hpp"

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

std::atomic<std::uint64_t> next_signer_id{1};

struct context_free {
  void operator()(EVP_MAC_CTX* c) const noexcept { EVP_MAC_CTX_free(c); }
};

/// This thread's copy of the last signer's keyed HMAC context. Re-initialising a keyed context
/// costs ~0.3 us of CPU where HMAC() or keying a fresh context costs ~2.5-3 us (OpenSSL 3 fetches
/// the algorithm and hashes the key pads each time; measured here), and one context must not be
/// used by two threads at once. Only the last signer is kept: a daemon has one.
struct thread_copy {
  std::uint64_t signer = 0;
  std::unique_ptr<EVP_MAC_CTX, context_free> ctx;
};
thread_local thread_copy per_thread;

EVP_MAC_CTX* keyed_hmac_sha256(const std::string& secret) {
  std::unique_ptr<EVP_MAC, decltype(&EVP_MAC_free)> mac(EVP_MAC_fetch(nullptr, "HMAC", nullptr),
                                                        &EVP_MAC_free);
  std::unique_ptr<EVP_MAC_CTX, context_free> ctx(mac ? EVP_MAC_CTX_new(mac.get()) : nullptr);
  char digest[] = "SHA256";
  const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                               OSSL_PARAM_construct_end()};
  if (!ctx || EVP_MAC_init(ctx.get(), reinterpret_cast<const unsigned char*>(secret.data()),
                           secret.size(), params) != 1)
    throw std::runtime_error("OpenSSL cannot set up HMAC-SHA256");
  return ctx.release();
}

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

token_signer::token_signer(std::string secret) : id_(next_signer_id.fetch_add(1)) {
  const auto size = secret.size();
  if (size >= min_secret_bytes)
    keyed_ = keyed_hmac_sha256(secret);
  OPENSSL_cleanse(secret.data(), secret.size());
  if (size < min_secret_bytes)
    throw std::invalid_argument("the token secret must be at least " +
                                std::to_string(min_secret_bytes) + " bytes");
}

token_signer::~token_signer() { EVP_MAC_CTX_free(keyed_); }

EVP_MAC_CTX* token_signer::thread_context() const {
  if (per_thread.signer != id_) {
    std::lock_guard lock(copy_mutex_);
    per_thread.ctx.reset(EVP_MAC_CTX_dup(keyed_));
    per_thread.signer = per_thread.ctx ? id_ : 0;
  }
  return per_thread.ctx.get();
}

token_signer::mac_bytes token_signer::mac_of(std::string_view signed_part) const {
  mac_bytes mac{};
  std::size_t len = 0;
  auto* ctx = thread_context();
  // A NULL key re-initialises the context with the key it already holds.
  if (!ctx || EVP_MAC_init(ctx, nullptr, 0, nullptr) != 1 ||
      EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(signed_part.data()),
                     signed_part.size()) != 1 ||
      EVP_MAC_final(ctx, mac.data(), &len, mac.size()) != 1 || len != mac.size())
    throw std::runtime_error("OpenSSL HMAC-SHA256 failed");
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
  std::array<unsigned char, mac_bytes{}.size() + 1> signature{}; // one more: a longer one fails
  const auto signature_size = token.size() <= max_token_chars && dot != std::string_view::npos
                                  ? base64url_decode_into(token.substr(dot + 1), signature)
                                  : std::nullopt;
  if (signature_size != mac_bytes{}.size()) {
    out.error = token_error::malformed;
    return out;
  }
  const auto signed_part = token.substr(0, dot);
  const auto mac = mac_of(signed_part);
  if (CRYPTO_memcmp(mac.data(), signature.data(), mac.size()) != 0) {
    out.error = token_error::bad_signature;
    return out;
  }
  std::array<unsigned char, max_token_chars> payload{};
  const auto payload_size = base64url_decode_into(signed_part, payload);
  if (!payload_size ||
      !parse_payload({reinterpret_cast<const char*>(payload.data()), *payload_size},
                     out)) { // signed by us, so only a minting bug gets here
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
