// Minting the run's tokens with the daemon's own token module (http/auth/customer_token).
#include "bench/harness/token_book.hpp"

#include <fstream>
#include <iterator>
#include <stdexcept>

#include "http/auth/customer_token.hpp"

namespace actorshop::bench {
namespace {

std::string read_secret(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw std::invalid_argument("cannot read --auth-secret-file '" + path + "'");
  std::string secret{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r'))
    secret.pop_back();
  return secret;
}

} // namespace

token_book::token_book(const std::string& secret_file, std::chrono::seconds ttl) {
  std::string secret = read_secret(secret_file);
  if (secret.size() < auth::min_secret_bytes)
    throw std::invalid_argument("--auth-secret-file: the secret must be at least " +
                                std::to_string(auth::min_secret_bytes) + " bytes");
  const auth::token_signer signer(std::move(secret));
  const domain::system_clock clock;
  const auto expires_at = auth::unix_seconds(clock) + ttl.count();
  headers_.reserve(last_customer - first_customer + 1);
  for (auto c = first_customer; c <= last_customer; ++c)
    headers_.push_back("Authorization: Bearer " + signer.mint(c, expires_at) + "\r\n");
}

std::string_view token_book::header_for(std::int64_t customer) const {
  if (customer < first_customer || customer > last_customer)
    return {};
  return headers_[static_cast<std::size_t>(customer - first_customer)];
}

} // namespace actorshop::bench
