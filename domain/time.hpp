// Timestamps are milliseconds since the Unix epoch (UTC); the API and the database show them as
// ISO-8601 text ("2026-11-27T00:35:12.123Z"). "Now" is always passed in, so rules stay pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace actorshop::domain {

using timestamp = std::int64_t; ///< ms since 1970-01-01T00:00:00Z

constexpr timestamp ms_per_day = 86'400'000;

/// Returns `t` as "YYYY-MM-DDTHH:MM:SS.mmmZ".
std::string format_iso8601(timestamp t);

/// Parses "YYYY-MM-DDTHH:MM:SS[.fff](Z|+HH:MM|-HH:MM)" or "YYYY-MM-DD"; nothing if malformed.
std::optional<timestamp> parse_iso8601(std::string_view text);

/// Returns the UTC calendar day of `t` as "YYYY-MM-DD".
std::string format_day(timestamp t);

/// Returns the current wall-clock time (the only impure function here, kept for callers' ease).
timestamp now_ms();

} // namespace actorshop::domain
