// Encoding: OpenSSL's EVP_EncodeBlock (standard base64 with padding), then the URL alphabet.
// Decoding: a table, straight into the caller's buffer. EVP_DecodeBlock needs a padded copy in the
// standard alphabet and an output string: two allocations per token part, ~40% of what verifying a
// token cost beyond the HMAC itself (callgrind, bench/http/cpu_per_request.sh).
#include "http/auth/base64url.hpp"

#include <openssl/evp.h>

#include <array>
#include <cstdint>

namespace actorshop::auth {
namespace {

/// The 6-bit value of each base64url character; -1 for anything else (padding included).
constexpr std::array<std::int8_t, 256> decode_table = [] {
  std::array<std::int8_t, 256> t{};
  t.fill(-1);
  for (int i = 0; i < 26; ++i) {
    t['A' + i] = static_cast<std::int8_t>(i);
    t['a' + i] = static_cast<std::int8_t>(26 + i);
  }
  for (int i = 0; i < 10; ++i)
    t['0' + i] = static_cast<std::int8_t>(52 + i);
  t['-'] = 62;
  t['_'] = 63;
  return t;
}();

} // namespace

std::string base64url_encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  while (!out.empty() && out.back() == '=')
    out.pop_back();
  for (auto& c : out)
    c = c == '+' ? '-' : c == '/' ? '_' : c;
  return out;
}

std::optional<std::size_t> base64url_decode_into(std::string_view text,
                                                 std::span<unsigned char> out) noexcept {
  if (text.size() % 4 == 1) // no byte count encodes to 4k+1 characters
    return std::nullopt;
  if (text.size() / 4 * 3 + (text.size() % 4 == 0 ? 0 : text.size() % 4 - 1) > out.size())
    return std::nullopt;
  std::uint32_t bits = 0; // the undecoded low `pending` bits
  int pending = 0;
  std::size_t n = 0;
  for (char c : text) {
    const int v = decode_table[static_cast<unsigned char>(c)];
    if (v < 0)
      return std::nullopt;
    bits = (bits << 6) | static_cast<std::uint32_t>(v);
    pending += 6;
    if (pending >= 8) {
      pending -= 8;
      out[n++] = static_cast<unsigned char>(bits >> pending);
      bits &= (1u << pending) - 1;
    }
  }
  // The 2 or 4 bits left over must be zero (RFC 4648 3.5): otherwise two texts would decode to the
  // same bytes, and a token's last character could be changed without changing its signature.
  if (bits != 0)
    return std::nullopt;
  return n;
}

std::optional<std::string> base64url_decode(std::string_view text) {
  std::string out(text.size() / 4 * 3 + 2, '\0');
  const auto n =
      base64url_decode_into(text, {reinterpret_cast<unsigned char*>(out.data()), out.size()});
  if (!n)
    return std::nullopt;
  out.resize(*n);
  return out;
}

} // namespace actorshop::auth
