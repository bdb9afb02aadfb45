// settings: the daemon's configuration, read from config/actorshop.toml (toml++), then
// environment variables (ACTORSHOP_*), then command-line flags (CLI11): flag > env > file >
// default.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "actors/shop.hpp"
#include "http/session.hpp"

namespace actorshop::daemon {

/// Who may call the customer endpoints (spec §3 minus the catalog, /health and /metrics).
enum class auth_mode {
  open,  ///< the original API: anyone who reaches the port (loopback by default)
  token, ///< a customer token (Authorization: Bearer) that names the customer acted for
};

/// auth.*: the customer tokens. The secret itself is never a setting (it would show in argv or
/// a world-readable config): it is read from auth.secret_file or $ACTORSHOP_AUTH_SECRET.
struct auth_settings {
  auth_mode mode = auth_mode::open;
  std::string secret_file;
};

/// Everything the daemon's components are built from.
struct settings {
  http::server_options server;
  actors::shop_options shop;
  std::string admin_token;
  auth_settings auth;
  std::int64_t max_in_flight = 10'000;
  bool seed = false;
  bool adopt_database = false; ///< migrate a database that has another application's tables
  bool metrics_enabled = true; ///< false: the hot paths record no metrics (to measure their cost)
  std::string log_level = "info";
  std::string log_format = "text"; ///< "text" or "json" (one object per line)
  bool log_access = false;         ///< one log line per request
  std::string config_path;         ///< the file that was read, empty if none
  std::string cluster_file;        ///< cluster mode (preview) if set: the shared cluster file
  std::string node_name;           ///< cluster mode: this node's name in cluster_file
};

/// What the command line asks for: `serve` is the default, so flags alone still start the daemon.
enum class command { serve, backup, check, token, audit };

/// A parsed command line: the subcommand, the settings and the subcommand's own options.
struct invocation {
  command cmd = command::serve;
  settings s;
  std::string backup_to;           ///< backup: the file the copy is written to
  int backup_pages_per_step = 256; ///< backup: pages copied per step (the writer waits at most one)
  domain::id_t token_customer = 0; ///< token: the customer the token acts for
  std::chrono::seconds token_ttl{3600};  ///< token: how long it is valid
  std::string audit_cluster_file;        ///< audit: the cluster file naming the nodes and shards
  std::vector<std::string> audit_dbs;    ///< audit: every node's database, in [[nodes]] order
  std::int64_t audit_stock_initial = -1; ///< audit: units every stock row started with (-1: ?)
  std::vector<std::string> args;         ///< argv without the program name, re-parsed on SIGHUP
};

/// Applies the TOML document `text` to `s`; throws std::runtime_error naming a bad key.
void apply_toml(settings& s, std::string_view text, std::string_view source = "config");

/// Parses argv (and the ACTORSHOP_* environment, and the --config file) into an invocation.
/// Returns nothing and sets `exit_code` when the program should exit now: 0 after --help or
/// --version (printed on stdout), 2 on a usage error (an unknown flag or subcommand, a bad value,
/// a --config file that cannot be read; the message goes to stderr). Throws std::runtime_error if
/// the config file is invalid (a runtime failure: exit 1).
std::optional<invocation> parse_command_line(int argc, char** argv, int& exit_code);

/// As parse_command_line(), for callers that only serve: returns the settings.
std::optional<settings> load_settings(int argc, char** argv, int& exit_code);

/// Reads the settings again from the same arguments, environment and config file (SIGHUP).
/// Throws std::runtime_error if they no longer parse.
settings reload_settings(const std::vector<std::string>& args);

/// Parses "FULL" / "NORMAL" (any case).
std::optional<storage::sync_mode> parse_sync(std::string_view s);

/// Parses "open" / "token".
std::optional<auth_mode> parse_auth_mode(std::string_view s);

/// Parses a token lifetime: a positive whole number with a unit s, m, h or d ("90s", "1h",
/// "7d"), or plain seconds; at most max_token_ttl.
std::optional<std::chrono::seconds> parse_ttl(std::string_view s);

/// The longest lifetime `actorshop token` mints: a customer token is a bearer credential.
inline constexpr std::chrono::seconds max_token_ttl{366 * 86'400};

} // namespace actorshop::daemon
