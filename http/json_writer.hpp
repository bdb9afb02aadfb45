// json_writer: a tiny append-only JSON encoder for response bodies. Strings are escaped per RFC
// 8259 (UTF-8 passes through unchanged, control characters become \u00XX), so names like 티셔츠
// round-trip exactly.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace actorshop::http {

/// Appends JSON tokens to a string, inserting commas between members and elements.
class json_writer {
public:
  explicit json_writer(std::string& out) : out_(out) {}

  json_writer& begin_object() {
    sep();
    out_ += '{';
    first_ = true;
    return *this;
  }
  json_writer& end_object() {
    out_ += '}';
    first_ = false;
    return *this;
  }
  json_writer& begin_array() {
    sep();
    out_ += '[';
    first_ = true;
    return *this;
  }
  json_writer& end_array() {
    out_ += ']';
    first_ = false;
    return *this;
  }
  /// Writes `"name":`; the next value call writes the member's value.
  json_writer& key(std::string_view name);
  json_writer& value(std::string_view s);
  json_writer& value(const char* s) { return value(std::string_view(s)); }
  json_writer& value(std::int64_t v);
  /// Writes a text that reads back as `v`: a whole number below 2^53 in integer digits (100000,
  /// not 1e+05), anything else the shortest; NaN and infinities (not JSON) as null.
  json_writer& number(double v);
  json_writer& value(bool v) {
    sep();
    out_ += v ? "true" : "false";
    return *this;
  }
  json_writer& null() {
    sep();
    out_ += "null";
    return *this;
  }

  template <class T> json_writer& member(std::string_view name, const T& v) {
    key(name);
    return value(v);
  }

private:
  void sep() {
    if (!first_ && !after_key_)
      out_ += ',';
    first_ = false;
    after_key_ = false;
  }

  std::string& out_;
  bool first_ = true;
  bool after_key_ = false;
};

/// Appends `s` to `out` as a quoted, escaped JSON string.
void append_json_string(std::string& out, std::string_view s);

} // namespace actorshop::http
