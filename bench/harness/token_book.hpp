// token_book: the customer tokens of a run against a daemon in auth.mode = "token". Given the
// daemon's secret (--auth-secret-file), it mints one token per customer of the seed dataset
// (1001..3000, every customer the scenarios act for) before the run, so a VU's request only
// appends a ready "Authorization: Bearer ..." line: no HMAC and no lock on the load path.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace actorshop::bench {

class token_book {
public:
  static constexpr std::int64_t first_customer = 1001;
  static constexpr std::int64_t last_customer = 3000;

  /// Mints the tokens with the secret in `secret_file` (a trailing line break is not part of
  /// it), valid for `ttl` from now. Throws std::invalid_argument if the file cannot be read or
  /// the secret is shorter than 32 bytes.
  token_book(const std::string& secret_file, std::chrono::seconds ttl);

  /// Returns the header line "Authorization: Bearer TOKEN\r\n" for `customer`, or "" for a
  /// customer outside the seed's (its request then goes without one and gets the daemon's 401).
  std::string_view header_for(std::int64_t customer) const;

private:
  std::vector<std::string> headers_; ///< by customer - first_customer
};

} // namespace actorshop::bench
