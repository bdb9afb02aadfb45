// auth_secret: where the customer tokens' HMAC secret comes from. $ACTORSHOP_AUTH_SECRET (what a
// systemd EnvironmentFile sets) or the contents of auth.secret_file, never both; at least 32
// bytes. The secret is never logged or printed, and no error message quotes it.
#pragma once

#include <memory>
#include <string>

#include "daemon/settings.hpp"
#include "http/auth/customer_token.hpp"

namespace actorshop::daemon {

/// The environment variable that may hold the secret itself.
inline constexpr const char* auth_secret_env = "ACTORSHOP_AUTH_SECRET";

/// Returns the signer for the configured secret. Throws std::runtime_error with a one-line reason
/// if there is none, both sources are set, the file cannot be read or the secret is shorter than
/// auth::min_secret_bytes. A file's trailing line break is not part of the secret.
std::shared_ptr<const auth::token_signer> load_token_signer(const auth_settings& a);

/// Returns a one-line warning if auth.secret_file is readable by its group or others, else "".
std::string secret_file_warning(const auth_settings& a);

} // namespace actorshop::daemon
