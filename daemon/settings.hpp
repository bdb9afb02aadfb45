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
  std::string log_level = "info";
  std::string config_path; ///< the file that was read, empty if none
};

/// Applies the TOML document `text` to `s`; throws std::runtime_error naming a bad key.
void apply_toml(settings& s, std::string_view text, std::string_view source = "config");

/// Parses argv (and the ACTORSHOP_* environment) into settings. Returns nothing and sets
/// `exit_code` when the program should exit (after --help: 0, on a bad flag: 2).
std::optional<settings> load_settings(int argc, char** argv, int& exit_code);

/// Parses "FULL" / "NORMAL" (any case).
std::optional<storage::sync_mode> parse_sync(std::string_view s);

} // namespace actorshop::daemon
