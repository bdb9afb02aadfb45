// The cluster file (config/cluster.toml): read with toml++ into a domain::cluster_spec, then
// validated by domain::make_shard_map. Every node reads the same file; a node finds itself by
// the name given with --node.
#pragma once

#include <string>
#include <string_view>

#include "domain/placement.hpp"

namespace actorshop::daemon {

/// Parses the text of a cluster file; throws std::runtime_error with one line naming the source
/// and the bad key (a TOML syntax error, a missing key, a wrong type, a port out of range).
domain::cluster_spec parse_cluster_file(std::string_view text, std::string_view source);

/// A validated cluster file: its shard map, and the link timings (from its spec).
struct cluster_file {
  domain::cluster_spec spec;
  domain::static_shard_map map;
};

/// Reads and validates the cluster file at `path`; throws std::runtime_error with one line.
cluster_file load_cluster_file(const std::string& path);

} // namespace actorshop::daemon
