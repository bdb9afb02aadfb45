// Small helpers to write JSON text by hand (the exports are flat and known in advance).
#pragma once

#include <cmath>
#include <cstdio>
#include <string>
#include <string_view>

namespace actorshop::bench {

/// Returns `s` as a quoted JSON string.
inline std::string json_quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

/// Returns `v` as a JSON number (non-finite values become 0).
inline std::string json_number(double v) {
  if (!std::isfinite(v))
    return "0";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

} // namespace actorshop::bench
