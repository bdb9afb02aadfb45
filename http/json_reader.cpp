// Strict body decoding on top of simdjson's DOM parser.
#include "http/json_reader.hpp"

#include "domain/ids.hpp"

#include <limits>
#include <new>

namespace actorshop::http {
namespace {

namespace dom = simdjson::dom;

dom::parser& thread_parser() {
  thread_local dom::parser parser = [] {
    dom::parser p;
    if (p.allocate(64 * 1024, max_json_depth) != simdjson::SUCCESS)
      throw std::bad_alloc();
    return p;
  }();
  return parser;
}

decode_error invalid(std::string message) {
  return {domain::errc::invalid_request, std::move(message)};
}

/// Objects in request bodies are tiny, so a quadratic scan beats building a set.
bool has_duplicate_keys(dom::element e) {
  if (e.is_array()) {
    for (dom::element child : dom::array(e))
      if (has_duplicate_keys(child))
        return true;
    return false;
  }
  if (!e.is_object())
    return false;
  dom::object obj(e);
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    auto jt = it;
    for (++jt; jt != obj.end(); ++jt)
      if (it.key() == jt.key())
        return true;
    if (has_duplicate_keys(it.value()))
      return true;
  }
  return false;
}

std::string field_message(std::string_view name, std::string_view what) {
  std::string m(name);
  m += what;
  return m;
}

} // namespace

std::optional<decode_error> parse_object(const std::string& body, dom::object& out) {
  if (body.empty())
    return invalid("request body is empty");
  dom::element root;
  auto err = thread_parser().parse(body).get(root);
  if (err == simdjson::DEPTH_ERROR)
    return invalid("JSON nesting is too deep");
  if (err == simdjson::UTF8_ERROR)
    return invalid("request body is not valid UTF-8");
  if (err)
    return invalid(std::string("malformed JSON: ") + simdjson::error_message(err));
  if (!root.is_object())
    return invalid("request body must be a JSON object");
  if (has_duplicate_keys(root))
    return invalid("JSON object has a duplicate key");
  out = dom::object(root);
  return std::nullopt;
}

std::optional<decode_error> get_int(dom::object obj, std::string_view name, std::int64_t min,
                                    std::int64_t max, domain::errc range_code, std::int64_t& out) {
  dom::element e;
  if (obj.at_key(name).get(e))
    return invalid(field_message(name, " is required"));
  auto range_error = [&] {
    return decode_error{range_code, field_message(name, " is out of range")};
  };
  switch (e.type()) {
  case dom::element_type::INT64: {
    std::int64_t v = int64_t(e);
    if (v < min || v > max)
      return range_error();
    out = v;
    return std::nullopt;
  }
  case dom::element_type::UINT64: // above INT64_MAX by construction
    return range_error();
  default:
    return invalid(field_message(name, " must be an integer"));
  }
}

std::optional<decode_error> get_id(dom::object obj, std::string_view name, std::int64_t& out) {
  auto err = get_int(obj, name, std::numeric_limits<std::int64_t>::min(),
                     std::numeric_limits<std::int64_t>::max(), domain::errc::invalid_request, out);
  if (!err && !domain::is_id(out))
    err = invalid({});
  if (err && !err->message.ends_with(" is required"))
    err->message = field_message(name, " must be a positive integer");
  return err;
}

std::optional<decode_error> get_string(dom::object obj, std::string_view name,
                                       std::string_view& out) {
  dom::element e;
  if (obj.at_key(name).get(e))
    return invalid(field_message(name, " is required"));
  if (e.get(out))
    return invalid(field_message(name, " must be a string"));
  return std::nullopt;
}

bool has_value(dom::object obj, std::string_view name) {
  dom::element e;
  return !obj.at_key(name).get(e) && !e.is_null();
}

} // namespace actorshop::http
