// Reading the token secret.
#include "daemon/auth_secret.hpp"

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <stdexcept>

#include <openssl/crypto.h>

namespace actorshop::daemon {
namespace {

std::string read_secret_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw std::runtime_error("cannot read auth.secret_file " + path);
  std::string secret{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r'))
    secret.pop_back(); // `openssl rand -hex 32 > FILE` ends it with one
  return secret;
}

std::string secret_of(const auth_settings& a) {
  const char* env = std::getenv(auth_secret_env);
  const bool from_env = env != nullptr && *env != '\0';
  if (from_env && !a.secret_file.empty())
    throw std::runtime_error(std::string("both ") + auth_secret_env +
                             " and auth.secret_file are set: keep one");
  if (from_env)
    return env;
  if (a.secret_file.empty())
    throw std::runtime_error(std::string("auth.mode = \"token\" needs a secret: set "
                                         "auth.secret_file (--auth-secret-file) or ") +
                             auth_secret_env);
  return read_secret_file(a.secret_file);
}

} // namespace

std::shared_ptr<const auth::token_signer> load_token_signer(const auth_settings& a) {
  auto secret = secret_of(a);
  if (secret.size() < auth::min_secret_bytes) {
    const auto n = secret.size();
    OPENSSL_cleanse(secret.data(), secret.size());
    throw std::runtime_error(
        "the customer token secret is " + std::to_string(n) + " bytes, it must be at least " +
        std::to_string(auth::min_secret_bytes) + " (e.g. openssl rand -hex 32)");
  }
  auto signer = std::make_shared<const auth::token_signer>(secret);
  OPENSSL_cleanse(secret.data(), secret.size());
  return signer;
}

std::string secret_file_warning(const auth_settings& a) {
  struct stat st {};
  if (a.secret_file.empty() || ::stat(a.secret_file.c_str(), &st) != 0)
    return {};
  if ((st.st_mode & (S_IRWXG | S_IRWXO)) == 0)
    return {};
  return "auth.secret_file " + a.secret_file +
         " is accessible to its group or others: chmod 600 it";
}

} // namespace actorshop::daemon
