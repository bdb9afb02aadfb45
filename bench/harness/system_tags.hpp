// k6's system tags (--system-tags, the `systemTags` option): which built-in tags the samples
// carry. Mirrors k6's documented set and defaults; vu and iter are off by default and, when on,
// are per-sample metadata rather than series tags (InfluxDB fields, CSV's metadata column).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace actorshop::bench {

enum class system_tag : std::uint32_t {
  proto = 1u << 0,
  subproto = 1u << 1,
  status = 1u << 2,
  method = 1u << 3,
  url = 1u << 4,
  name = 1u << 5,
  group = 1u << 6,
  check = 1u << 7,
  error = 1u << 8,
  error_code = 1u << 9,
  tls_version = 1u << 10,
  scenario = 1u << 11,
  service = 1u << 12,
  expected_response = 1u << 13,
  iter = 1u << 14,
  vu = 1u << 15,
  ocsp_status = 1u << 16,
  ip = 1u << 17,
};

/// A set of system tags; the default is k6's.
class system_tag_set {
public:
  /// k6's default: everything but iter, vu, ocsp_status and ip.
  system_tag_set();
  static system_tag_set none() { return system_tag_set(0); }
  bool has(system_tag t) const { return (bits_ & static_cast<std::uint32_t>(t)) != 0; }
  void add(system_tag t) { bits_ |= static_cast<std::uint32_t>(t); }
  void remove(system_tag t) { bits_ &= ~static_cast<std::uint32_t>(t); }
  /// The enabled tags that are series tags (not vu/iter), sorted by name: k6's CSV columns.
  std::vector<std::string> indexed_names() const;
  bool operator==(const system_tag_set&) const = default;

private:
  explicit system_tag_set(std::uint32_t bits) : bits_(bits) {}
  std::uint32_t bits_;
};

/// Returns the system tag named `name` ("vu", "expected_response"...), if there is one.
bool system_tag_of(const std::string& name, system_tag& out);
/// Returns the name of `t` as k6 spells it.
const char* name_of(system_tag t);
/// Parses k6's comma-separated list ("proto,status,vu,iter"); an empty list is the empty set.
/// k6 ignores names it does not know; so does this, naming them in `unknown`.
system_tag_set parse_system_tags(const std::string& list,
                                 std::vector<std::string>* unknown = nullptr);
/// Returns the set from a list of names (the -c file's "systemTags" array).
system_tag_set system_tags_from(const std::vector<std::string>& names,
                                std::vector<std::string>* unknown = nullptr);

/// Returns the host of "http://HOST:PORT" when it is an IPv4 address (k6's `ip` tag: the
/// address the request went to), else "" (a name, or the in-process actors target).
std::string ip_tag_of(const std::string& base_url);

} // namespace actorshop::bench
