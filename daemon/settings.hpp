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

/// Everything the daemon's components are built from.
struct settings {
  http::server_options server;
  actors::shop_options shop;
  std::string admin_token;
  std::int64_t max_in_flight = 10'000;
  bool seed = false;
  bool adopt_database = false; ///< migrate a database that has another application's tables
  bool metrics_enabled = true; ///< false: the hot paths record no metrics (to measure their cost)
  std::string log_level = "info";
  std::string log_format = "text"; ///< "text" or "json" (one object per line)
  bool log_access = false;         ///< one log line per request
  std::string config_path;         ///< the file that was read, empty if none
};

/// What the command line asks for: `serve` is the default, so flags alone still start the daemon.
enum class command { serve, backup, check };

/// A parsed command line: the subcommand, the settings and the subcommand's own options.
struct invocation {
  command cmd = command::serve;
  settings s;
  std::string backup_to;           ///< backup: the file the copy is written to
  int backup_pages_per_step = 256; ///< backup: pages copied per step (the writer waits at most one)
  std::vector<std::string> args;   ///< argv without the program name, re-parsed on SIGHUP
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

} // namespace actorshop::daemon
