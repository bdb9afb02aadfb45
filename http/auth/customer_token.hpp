// customer_token: the bearer tokens of auth.mode = "token". A token names one customer and an
// expiry and is signed with HMAC-SHA256 under the daemon's secret:
//
//   token   = base64url(payload) "." base64url(HMAC-SHA256(secret, base64url(payload)))
//   payload = customer_id "." expires_at        (decimal; expires_at in Unix seconds, UTC)
//
// base64url is RFC 4648 §5 without padding. The MAC covers the encoded payload as sent, so it is
// checked (in constant time) before anything of the payload is parsed, and any other spelling of
// the same payload is refused. A token is valid while now < expires_at.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

#include "domain/clock.hpp"
#include "domain/ids.hpp"

struct evp_mac_ctx_st; // OpenSSL's EVP_MAC_CTX

namespace actorshop::auth {

/// The shortest secret accepted: an HMAC-SHA256 key should carry the 256 bits of its output.
inline constexpr std::size_t min_secret_bytes = 32;
/// Longer tokens are refused before any work (a real one is under 60 characters).
inline constexpr std::size_t max_token_chars = 256;

/// Why a token is refused (every one is a 401).
enum class token_error : std::uint8_t { none, missing, malformed, bad_signature, expired };

/// Returns a one-line explanation of `e` for the 401's message.
std::string_view describe(token_error e) noexcept;

/// What verify() found: the customer the token acts for and its expiry, or why it is refused.
struct token_check {
  token_error error = token_error::none;
  domain::id_t customer = 0;
  std::int64_t expires_at = 0; ///< Unix seconds
  explicit operator bool() const noexcept { return error == token_error::none; }
};

/// Mints and verifies customer tokens under one secret. Thread-safe.
class token_signer {
public:
  /// Throws std::invalid_argument if `secret` is shorter than min_secret_bytes. The secret is
  /// keyed into an HMAC context and wiped; the signer keeps no plain copy.
  explicit token_signer(std::string secret);
  ~token_signer();
  token_signer(const token_signer&) = delete;
  token_signer& operator=(const token_signer&) = delete;

  /// Returns a token for `customer` valid until `expires_at` (Unix seconds).
  std::string mint(domain::id_t customer, std::int64_t expires_at) const;

  /// Returns the customer `token` acts for if this secret signed it and it is valid at `now`
  /// (Unix seconds); otherwise why not.
  token_check verify(std::string_view token, std::int64_t now) const;

private:
  using mac_bytes = std::array<unsigned char, 32>;
  mac_bytes mac_of(std::string_view signed_part) const;
  evp_mac_ctx_st* thread_context() const;

  evp_mac_ctx_st* keyed_ = nullptr; ///< HMAC-SHA256 keyed with the secret; only copied from
  std::uint64_t id_;                ///< tells this signer's per-thread copies from another's
  mutable std::mutex copy_mutex_;   ///< guards copying keyed_ (OpenSSL promises no more)
};

/// Returns the Unix seconds of `clock`'s now (whole seconds, rounded down), the time verify()
/// takes.
inline std::int64_t unix_seconds(const domain::clock& clock) { return clock.now() / 1000; }

/// Returns the token of an Authorization header value "Bearer TOKEN" (scheme in any case, as RFC
/// 7235 says), or an empty view if it is not a bearer credential.
std::string_view bearer_token(std::string_view authorization) noexcept;

} // namespace actorshop::auth
