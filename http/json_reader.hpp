// json_reader: strict decoding of request bodies with simdjson (DOM): one parser per thread, a
// small nesting bound, duplicate keys refused, UTF-8 validated, and typed field getters whose
// errors name the field.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <simdjson.h>

#include "domain/errors.hpp"

namespace actorshop::http {

/// Why a body was refused: the domain code to report and a message naming the field.
struct decode_error {
  domain::errc code = domain::errc::invalid_request;
  std::string message;
};

/// Nesting deeper than this is refused (our deepest body, POST /orders, needs 3).
constexpr std::size_t max_json_depth = 8;

/// Parses `body` into this thread's parser and checks it is one JSON object without duplicate
/// keys. The returned object lives until the next call on the same thread.
std::optional<decode_error> parse_object(const std::string& body, simdjson::dom::object& out);

/// Reads `obj[name]` as an integer in [min, max]; `range_code` is reported for integers outside
/// it (and for integers too large for 64 bits), INVALID_REQUEST for a missing field or wrong type.
std::optional<decode_error> get_int(simdjson::dom::object obj, std::string_view name,
                                    std::int64_t min, std::int64_t max, domain::errc range_code,
                                    std::int64_t& out);

/// Reads `obj[name]` as a positive integer id.
std::optional<decode_error> get_id(simdjson::dom::object obj, std::string_view name,
                                   std::int64_t& out);

/// Reads `obj[name]` as a string.
std::optional<decode_error> get_string(simdjson::dom::object obj, std::string_view name,
                                       std::string_view& out);

/// True if `obj` has a member `name` whose value is not null.
bool has_value(simdjson::dom::object obj, std::string_view name);

} // namespace actorshop::http
