// Placement rules: the shard hash and the validation of a cluster file's contents.
#include "domain/placement.hpp"

#include <set>

namespace actorshop::domain {
namespace {

/// splitmix64's finalizer: a well-mixed, fixed function of its input.
std::uint64_t mix(std::uint64_t x) noexcept {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

std::string check_nodes(const std::vector<node_info>& nodes) {
  if (nodes.empty())
    return "cluster file: no [[nodes]]";
  std::set<std::string> names;
  for (const auto& n : nodes) {
    if (n.name.empty())
      return "cluster file: a node has no name";
    if (!names.insert(n.name).second)
      return "cluster file: node '" + n.name + "' is listed twice";
    if (n.host.empty())
      return "cluster file: node '" + n.name + "' has no host";
    if (n.http_port == 0 || n.actor_port == 0)
      return "cluster file: node '" + n.name + "' needs http_port and actor_port (1..65535)";
  }
  return {};
}

} // namespace

shard_id shard_of(entity_kind kind, id_t id, std::uint32_t shard_count) noexcept {
  const auto key = (static_cast<std::uint64_t>(kind) << 56) ^ static_cast<std::uint64_t>(id);
  return static_cast<shard_id>(mix(key) % shard_count);
}

std::optional<std::size_t> shard_map::find_node(const std::string& name) const {
  const auto& all = nodes();
  for (std::size_t i = 0; i < all.size(); ++i)
    if (all[i].name == name)
      return i;
  return std::nullopt;
}

std::uint64_t shard_map::fingerprint() const {
  std::uint64_t h = mix(shard_count());
  auto add = [&h](std::uint64_t v) { h = mix(h ^ v); };
  auto add_text = [&add](const std::string& text) {
    add(text.size());
    for (unsigned char c : text)
      add(c);
  };
  const auto& all = nodes();
  add(all.size());
  for (const auto& n : all) {
    add_text(n.name);
    add_text(n.host);
    add((std::uint64_t{n.http_port} << 16) | n.actor_port);
  }
  for (shard_id s = 0; s < shard_count(); ++s)
    add(owner_of(s));
  return h;
}

std::variant<static_shard_map, std::string> make_shard_map(const cluster_spec& spec) {
  if (spec.version < 1)
    return "cluster file: version must be an integer >= 1 (got " + std::to_string(spec.version) +
           ")";
  if (spec.shard_count < 1 || spec.shard_count > 65'536)
    return "cluster file: shards must be from 1 to 65536 (got " + std::to_string(spec.shard_count) +
           ")";
  if (spec.heartbeat_interval_ms < 0 || spec.connection_timeout_ms < 0)
    return "cluster file: heartbeat_interval_ms and connection_timeout_ms must not be negative";
  if (spec.step_deadline_ms < 1 || spec.step_deadline_ms > max_step_deadline_ms)
    return "cluster file: step_deadline_ms must be from 1 to " +
           std::to_string(max_step_deadline_ms) + " (got " + std::to_string(spec.step_deadline_ms) +
           ")";
  if (auto bad = check_nodes(spec.nodes); !bad.empty())
    return bad;
  static_shard_map m;
  m.version_ = spec.version;
  m.nodes_ = spec.nodes;
  constexpr auto unassigned = static_cast<std::size_t>(-1);
  m.owner_.assign(static_cast<std::size_t>(spec.shard_count), unassigned);
  for (const auto& [name, shards] : spec.assignments) {
    auto node = m.find_node(name);
    if (!node)
      return "cluster file: shards assigned to unknown node '" + name + "'";
    for (auto s : shards) {
      if (s < 0 || s >= spec.shard_count)
        return "cluster file: shard " + std::to_string(s) + " of node '" + name +
               "' is out of range 0.." + std::to_string(spec.shard_count - 1);
      auto& owner = m.owner_[static_cast<std::size_t>(s)];
      if (owner != unassigned)
        return "cluster file: shard " + std::to_string(s) + " is assigned to both '" +
               m.nodes_[owner].name + "' and '" + name + "'";
      owner = *node;
    }
  }
  for (std::size_t s = 0; s < m.owner_.size(); ++s)
    if (m.owner_[s] == unassigned)
      return "cluster file: shard " + std::to_string(s) + " is not assigned to any node";
  return m;
}

} // namespace actorshop::domain
