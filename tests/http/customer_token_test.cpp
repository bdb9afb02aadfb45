// The customer token: what it accepts and everything it refuses. Time is a manual clock.
#include <catch2/catch.hpp>

#include <array>
#include <stdexcept>
#include <string>

#include "http/auth/base64url.hpp"
#include "http/auth/customer_token.hpp"

using namespace actorshop;
using namespace actorshop::auth;

namespace {

const std::string secret(32, 's');
constexpr std::int64_t t0 = 1'800'000'000; // Unix seconds

/// Returns `token` with its character at `i` replaced by another character of the alphabet.
std::string flip(std::string token, std::size_t i) {
  token[i] = token[i] == 'A' ? 'B' : 'A';
  return token;
}

} // namespace

TEST_CASE("a minted token names its customer until it expires", "[auth][token]") {
  token_signer signer(secret);
  domain::manual_clock clock(t0 * 1000);
  const auto token = signer.mint(1001, t0 + 3600);
  auto ok = signer.verify(token, unix_seconds(clock));
  REQUIRE(ok);
  CHECK(ok.customer == 1001);
  CHECK(ok.expires_at == t0 + 3600);
  clock.advance(3599'999); // the last millisecond of its hour
  CHECK(signer.verify(token, unix_seconds(clock)));
  clock.advance(1);
  CHECK(signer.verify(token, unix_seconds(clock)).error == token_error::expired);
}

TEST_CASE("the token format is base64url(customer.expiry) dot base64url(hmac-sha256)",
          "[auth][token]") {
  token_signer signer(secret);
  const auto token = signer.mint(1001, t0);
  const auto dot = token.find('.');
  REQUIRE(dot != std::string::npos);
  CHECK(base64url_decode(token.substr(0, dot)) == "1001.1800000000");
  CHECK(base64url_decode(token.substr(dot + 1))->size() == 32);
  CHECK(token.find_first_of("+/=") == std::string::npos);
  // A vector computed apart from OpenSSL, with Python's hmac module (the format, independently).
  token_signer known("0123456789abcdef0123456789abcdef");
  CHECK(known.mint(1, 2) == "MS4y.cBaBKk9KC7ZkyEBS1HnolDs3CeZsKywcTjQi6Mp1i-U");
}

TEST_CASE("a token is refused if any character of it was changed", "[auth][token]") {
  token_signer signer(secret);
  const auto token = signer.mint(1001, t0 + 60);
  for (std::size_t i = 0; i < token.size(); ++i) {
    if (token[i] == '.')
      continue;
    auto check = signer.verify(flip(token, i), t0);
    INFO("position " << i);
    CHECK_FALSE(check);
    CHECK(check.customer == 0);
  }
}

TEST_CASE("a token for another customer or a later expiry cannot be forged from a real one",
          "[auth][token]") {
  token_signer signer(secret);
  const auto token = signer.mint(1001, t0 + 60);
  const auto mac = token.substr(token.find('.'));
  for (auto payload : {"1002.1800000060", "1001.1900000000", "01001.1800000060"}) {
    auto forged = base64url_encode(payload) + mac;
    CHECK(signer.verify(forged, t0).error == token_error::bad_signature);
  }
}

TEST_CASE("a token signed under another secret is refused", "[auth][token]") {
  token_signer ours(secret), theirs(std::string(32, 't'));
  CHECK(ours.verify(theirs.mint(1001, t0 + 60), t0).error == token_error::bad_signature);
}

TEST_CASE("malformed tokens are refused without a customer", "[auth][token]") {
  token_signer signer(secret);
  const auto good = signer.mint(1001, t0 + 60);
  const auto dot = good.find('.');
  CHECK(signer.verify("", t0).error == token_error::missing);
  for (const std::string& bad :
       {std::string("x"), std::string("."), std::string("abc"), good.substr(0, dot),
        good.substr(0, dot + 1), good + "=", good + ".x", good.substr(0, good.size() - 1),
        good + "A", std::string(300, 'A') + "." + good.substr(dot + 1), good.substr(dot),
        good.substr(0, dot) + "." + good.substr(dot + 1, 10) + "+" + good.substr(dot + 12),
        good.substr(0, dot) + "." + good.substr(dot + 1, 10) + " " + good.substr(dot + 12)}) {
    INFO(bad);
    auto check = signer.verify(bad, t0);
    CHECK((check.error == token_error::malformed || check.error == token_error::bad_signature));
    CHECK(check.customer == 0);
  }
}

TEST_CASE("no token is minted for a customer id below 1 or a non-positive expiry",
          "[auth][token]") {
  token_signer signer(secret);
  CHECK_THROWS_AS(signer.mint(0, t0), std::invalid_argument);
  CHECK_THROWS_AS(signer.mint(1001, 0), std::invalid_argument);
}

TEST_CASE("a secret shorter than 32 bytes is refused", "[auth][token]") {
  CHECK_THROWS_AS(token_signer(std::string(31, 's')), std::invalid_argument);
  CHECK_NOTHROW(token_signer(std::string(32, 's')));
}

TEST_CASE("the bearer token is read from an Authorization header value", "[auth][token]") {
  CHECK(bearer_token("Bearer abc.def") == "abc.def");
  CHECK(bearer_token("bearer   abc.def  ") == "abc.def");
  CHECK(bearer_token("Basic abc") == "");
  CHECK(bearer_token("Bearer") == "");
  CHECK(bearer_token("Bearerabc") == "");
  CHECK(bearer_token("") == "");
}

TEST_CASE("base64url round-trips every length and refuses what is not base64url",
          "[auth][base64url]") {
  std::string bytes;
  for (int n = 0; n < 40; ++n) {
    CHECK(base64url_decode(base64url_encode(bytes)) == bytes);
    bytes.push_back(static_cast<char>(n * 37 + 200));
  }
  CHECK(base64url_encode("\xfb\xff") == "-_8");
  for (auto bad : {"A", "AB=", "A+B", "A/B", "AB C", "AB\n", "A.BC"})
    CHECK_FALSE(base64url_decode(bad));
}

TEST_CASE("base64url refuses a text whose unused last bits are not zero", "[auth][base64url]") {
  // One text per byte string: "-_8" and "AQ" are canonical; changing their unused low bits (the
  // last 2 of 18, the last 4 of 12) must not decode to the same bytes.
  CHECK(base64url_decode("-_8") == std::string("\xfb\xff"));
  CHECK_FALSE(base64url_decode("-_9"));
  CHECK_FALSE(base64url_decode("-_-"));
  CHECK(base64url_decode("AQ") == std::string("\x01"));
  CHECK_FALSE(base64url_decode("AR"));
  CHECK_FALSE(base64url_decode("AB"));
}

TEST_CASE("base64url_decode_into writes into the caller's buffer and refuses what does not fit",
          "[auth][base64url]") {
  std::array<unsigned char, 4> out{};
  CHECK(base64url_decode_into("-_8", out) == 2u);
  CHECK(out[0] == 0xfb);
  CHECK(out[1] == 0xff);
  CHECK(base64url_decode_into("AAAAAA", out) == 4u);
  CHECK_FALSE(base64url_decode_into("AAAAAAA", out)); // 5 bytes
  CHECK_FALSE(base64url_decode_into("AA=A", out));
  CHECK(base64url_decode_into("", out) == 0u);
}
