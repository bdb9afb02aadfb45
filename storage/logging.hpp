// logging: the process's log on stderr, in one place. Storage is the lowest layer that logs, so
// the layers above (actors, http, daemon) use this too:
//  - setup_logging(): spdlog on stderr, as text lines or as one JSON object per line (ts, level,
//    msg and the structured fields of log_fields());
//  - log_fields(): a message with key/value fields (JSON keys, or " key=value" after the text);
//  - log_limited(): repeated errors aggregated per error code, so that a full disk or a drain
//    writes a few lines a second, not one per request: the first occurrence is logged, then at
//    most one line per interval with the count of the occurrences it stood for.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "domain/clock.hpp"

namespace actorshop::storage {

enum class log_format { text, json };
enum class log_level { debug, info, warn, error };

/// Parses "text" / "json".
std::optional<log_format> parse_log_format(std::string_view s);

/// Makes the default logger write to stderr in `format` at `level` (trace|debug|info|warn|error).
void setup_logging(log_format format, std::string_view level);

/// Changes the level of the default logger (SIGHUP).
void set_log_level(std::string_view level);

/// A field's value: a string, or a number (a JSON number, not a string).
using log_value = std::variant<std::string, std::int64_t>;
using log_field_list = std::vector<std::pair<std::string, log_value>>;

/// Logs `msg` with `fields`: extra keys of the JSON object, or " key=value" after the text.
void log_fields(log_level level, std::string_view msg, const log_field_list& fields);

/// Decides which occurrences of repeated errors are logged. Thread-safe.
class log_limiter {
public:
  explicit log_limiter(std::shared_ptr<const domain::clock> clock);

  /// What to do with one occurrence of `code`.
  struct decision {
    bool log = false;             ///< log this one
    std::uint64_t suppressed = 0; ///< occurrences not logged since the last logged one
    std::int64_t window_ms = 0;   ///< time since the last logged one (0 for a first occurrence)
  };

  /// The first occurrence of `code` is logged; later ones only once `interval` has passed since
  /// the last logged one, which then reports how many were suppressed meanwhile.
  decision admit(std::string_view code, std::chrono::milliseconds interval);

  /// Returns the codes with suppressed occurrences not reported yet (and their counts), and
  /// forgets them: for a last line at shutdown.
  std::vector<std::pair<std::string, std::uint64_t>> take_suppressed();

private:
  struct entry {
    domain::timestamp last_logged = 0;
    std::uint64_t suppressed = 0;
  };
  std::shared_ptr<const domain::clock> clock_;
  std::mutex mutex_;
  std::unordered_map<std::string, entry> entries_; // guarded by mutex_
};

/// Logs `msg` as an occurrence of `code` through the process's limiter (wall clock): the first
/// one as it is, later ones at most once per `interval` as "<code>: N more in the last S s; latest:
/// <msg>" (fields code and suppressed).
void log_limited(log_level level, std::string_view code, std::string_view msg,
                 std::chrono::milliseconds interval = std::chrono::seconds(1));

/// Logs the occurrences log_limited() suppressed since its last line, one line per code (at
/// shutdown, so the tail of a burst is not lost).
void flush_limited_log();

/// Formats 12345 as "12,345".
std::string with_thousands(std::uint64_t n);

} // namespace actorshop::storage
