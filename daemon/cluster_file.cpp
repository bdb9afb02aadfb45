// Reading config/cluster.toml. Only the shape is checked here (keys and types); what the values
// must satisfy is domain::make_shard_map's, so the rules are unit-tested without files.
#include "daemon/cluster_file.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include <toml++/toml.h>

namespace actorshop::daemon {
namespace {

[[noreturn]] void fail(std::string_view source, const std::string& why) {
  throw std::runtime_error(std::string(source) + ": " + why);
}

std::int64_t required_int(const toml::table& t, std::string_view key, std::string_view where,
                          std::string_view source) {
  auto v = t[key].value<std::int64_t>();
  if (!v)
    fail(source, std::string(where) + std::string(key) + " must be an integer");
  return *v;
}

std::string required_string(const toml::table& t, std::string_view key, std::string_view where,
                            std::string_view source) {
  auto v = t[key].value<std::string>();
  if (!v)
    fail(source, std::string(where) + std::string(key) + " must be a string");
  return *v;
}

std::uint16_t port(const toml::table& t, std::string_view key, std::string_view where,
                   std::string_view source) {
  const auto p = required_int(t, key, where, source);
  if (p < 1 || p > 65535)
    fail(source, std::string(where) + std::string(key) + " must be from 1 to 65535");
  return static_cast<std::uint16_t>(p);
}

domain::node_info read_node(const toml::table& n, std::string_view source) {
  domain::node_info info;
  info.name = required_string(n, "name", "nodes.", source);
  const auto where = "node '" + info.name + "': ";
  info.host = required_string(n, "host", where, source);
  info.http_port = port(n, "http_port", where, source);
  info.actor_port = port(n, "actor_port", where, source);
  return info;
}

} // namespace

domain::cluster_spec parse_cluster_file(std::string_view text, std::string_view source) {
  toml::table t;
  try {
    t = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    fail(source, std::string(e.description()));
  }
  domain::cluster_spec spec;
  spec.version = required_int(t, "version", "", source);
  spec.shard_count = required_int(t, "shards", "", source);
  spec.heartbeat_interval_ms = t["heartbeat_interval_ms"].value_or<std::int64_t>(250);
  spec.connection_timeout_ms = t["connection_timeout_ms"].value_or<std::int64_t>(2'000);
  spec.step_deadline_ms = t["step_deadline_ms"].value_or<std::int64_t>(2'000);
  auto* nodes = t["nodes"].as_array();
  if (!nodes)
    fail(source, "[[nodes]] is missing");
  for (auto& n : *nodes) {
    auto* node = n.as_table();
    if (!node)
      fail(source, "every [[nodes]] entry must be a table");
    spec.nodes.push_back(read_node(*node, source));
  }
  auto* assignments = t["assignments"].as_table();
  if (!assignments)
    fail(source, "[assignments] (node = [shards...]) is missing");
  for (auto& [name, shards] : *assignments) {
    auto* list = shards.as_array();
    if (!list)
      fail(source, "assignments." + std::string(name.str()) + " must be an array of shards");
    std::vector<std::int64_t> ids;
    for (auto& s : *list) {
      auto id = s.value<std::int64_t>();
      if (!id)
        fail(source, "assignments." + std::string(name.str()) + " must hold integers");
      ids.push_back(*id);
    }
    spec.assignments.emplace_back(std::string(name.str()), std::move(ids));
  }
  return spec;
}

cluster_file load_cluster_file(const std::string& path) {
  std::ifstream in(path);
  if (!in)
    throw std::runtime_error("cannot read cluster file " + path);
  std::stringstream text;
  text << in.rdbuf();
  auto spec = parse_cluster_file(text.str(), path);
  auto map = domain::make_shard_map(spec);
  if (auto* why = std::get_if<std::string>(&map))
    throw std::runtime_error(path + ": " + *why);
  return {std::move(spec), std::get<domain::static_shard_map>(std::move(map))};
}

} // namespace actorshop::daemon
