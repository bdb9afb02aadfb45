// OpenSSL's EVP_EncodeBlock / EVP_DecodeBlock speak standard base64 with padding and skip
// whitespace; the alphabet is checked here first, so only strict base64url reaches them.
#include "http/auth/base64url.hpp"

#include <openssl/evp.h>

namespace actorshop::auth {
namespace {

bool in_alphabet(char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

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

std::optional<std::string> base64url_decode(std::string_view text) {
  if (text.size() % 4 == 1) // no byte count encodes to 4k+1 characters
    return std::nullopt;
  std::string padded(text);
  for (auto& c : padded) {
    if (!in_alphabet(c))
      return std::nullopt;
    c = c == '-' ? '+' : c == '_' ? '/' : c;
  }
  const std::size_t pad = (4 - text.size() % 4) % 4;
  padded.append(pad, '=');
  std::string out(padded.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(padded.data()),
                                static_cast<int>(padded.size()));
  if (n < 0)
    return std::nullopt;
  out.resize(static_cast<std::size_t>(n) - pad); // DecodeBlock counts the padding as zero bytes
  return out;
}

} // namespace actorshop::auth
