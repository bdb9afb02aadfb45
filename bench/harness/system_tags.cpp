// See system_tags.hpp.
#include "bench/harness/system_tags.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace actorshop::bench {

namespace {

constexpr std::array<std::pair<system_tag, const char*>, 18> all_tags{{
    {system_tag::proto, "proto"},
    {system_tag::subproto, "subproto"},
    {system_tag::status, "status"},
    {system_tag::method, "method"},
    {system_tag::url, "url"},
    {system_tag::name, "name"},
    {system_tag::group, "group"},
    {system_tag::check, "check"},
    {system_tag::error, "error"},
    {system_tag::error_code, "error_code"},
    {system_tag::tls_version, "tls_version"},
    {system_tag::scenario, "scenario"},
    {system_tag::service, "service"},
    {system_tag::expected_response, "expected_response"},
    {system_tag::iter, "iter"},
    {system_tag::vu, "vu"},
    {system_tag::ocsp_status, "ocsp_status"},
    {system_tag::ip, "ip"},
}};

std::string trimmed(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos)
    return {};
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

} // namespace

system_tag_set::system_tag_set() : bits_((1u << 14) - 1) {} // proto .. expected_response

std::vector<std::string> system_tag_set::indexed_names() const {
  std::vector<std::string> out;
  for (const auto& [t, n] : all_tags)
    if (has(t) && t != system_tag::vu && t != system_tag::iter)
      out.emplace_back(n);
  std::sort(out.begin(), out.end());
  return out;
}

bool system_tag_of(const std::string& name, system_tag& out) {
  for (const auto& [t, n] : all_tags)
    if (name == n) {
      out = t;
      return true;
    }
  return false;
}

const char* name_of(system_tag t) {
  for (const auto& [tag, n] : all_tags)
    if (tag == t)
      return n;
  return "";
}

system_tag_set system_tags_from(const std::vector<std::string>& names,
                                std::vector<std::string>* unknown) {
  system_tag_set set = system_tag_set::none();
  for (const auto& raw : names) {
    const std::string name = trimmed(raw);
    system_tag t;
    if (system_tag_of(name, t))
      set.add(t);
    else if (!name.empty() && unknown)
      unknown->push_back(name);
  }
  return set;
}

system_tag_set parse_system_tags(const std::string& list, std::vector<std::string>* unknown) {
  std::vector<std::string> names;
  std::size_t from = 0;
  for (;;) {
    const auto comma = list.find(',', from);
    names.push_back(list.substr(from, comma == std::string::npos ? comma : comma - from));
    if (comma == std::string::npos)
      break;
    from = comma + 1;
  }
  return system_tags_from(names, unknown);
}

std::string ip_tag_of(const std::string& base_url) {
  const auto b = base_url.find("://");
  if (b == std::string::npos)
    return {};
  std::string host = base_url.substr(b + 3);
  host = host.substr(0, host.find_first_of(":/"));
  return !host.empty() && host.find_first_not_of("0123456789.") == std::string::npos ? host : "";
}

} // namespace actorshop::bench
