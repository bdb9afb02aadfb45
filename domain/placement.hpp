// Placement of entities on a cluster: which logical shard an entity belongs to, and which node
// owns a shard. Pure rules, no I/O: the daemon reads config/cluster.toml into a cluster_spec and
// validates it here; a lease-based source (etcd, later) would implement shard_map the same way.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "domain/ids.hpp"

namespace actorshop::domain {

/// The kinds of entity a shard holds; part of the hash, so a coupon and a customer with the same
/// id may live on different shards.
enum class entity_kind : std::uint8_t { customer = 1, coupon = 2, stock = 3, order = 4 };

using shard_id = std::uint32_t;

/// Returns the logical shard of (kind, id) among `shard_count` shards: splitmix64 of the id mixed
/// with the kind, modulo the count. Stable across builds, platforms and processes (no std::hash),
/// so every node computes the same answer; changing the shard count moves entities, which is why
/// the count is fixed in the versioned cluster file.
shard_id shard_of(entity_kind kind, id_t id, std::uint32_t shard_count) noexcept;

/// One member of the cluster as the cluster file names it.
struct node_info {
  std::string name;
  std::string host;
  std::uint16_t http_port = 0;
  std::uint16_t actor_port = 0; ///< where the node's gateway is published (CAF middleman)
};

/// What a cluster file says, before validation.
struct cluster_spec {
  std::int64_t version = 0; ///< >= 1; every node must run the same version
  std::int64_t shard_count = 0;
  std::int64_t heartbeat_interval_ms = 0; ///< BASP heartbeats (middleman.heartbeat-interval)
  std::int64_t connection_timeout_ms = 0; ///< a silent peer is dropped after this
  /// How long a saga retries a step whose owner does not answer before it compensates. A cluster
  /// setting, not a node's: nodes link only if they agree on it (the handshake compares it).
  std::int64_t step_deadline_ms = 2'000;
  std::vector<node_info> nodes;
  std::vector<std::pair<std::string, std::vector<std::int64_t>>> assignments; ///< node -> shards
};

/// Who owns the shards: the interface the router reads. A static map comes from the cluster
/// file; a lease-based source would answer the same questions with a changing version.
class shard_map {
public:
  virtual ~shard_map() = default;
  virtual std::int64_t version() const = 0;
  virtual std::uint32_t shard_count() const = 0;
  virtual const std::vector<node_info>& nodes() const = 0;
  /// Index into nodes() of the shard's owner.
  virtual std::size_t owner_of(shard_id shard) const = 0;

  /// Index into nodes() of the owner of (kind, id).
  std::size_t owner_of(entity_kind kind, id_t id) const {
    return owner_of(shard_of(kind, id, shard_count()));
  }
  /// Index into nodes() of the node called `name`, or nothing.
  std::optional<std::size_t> find_node(const std::string& name) const;
  /// A hash of what placement depends on: the shard count, every node (name, host, ports, in
  /// order) and every shard's owner, not the version. Fixed across builds and processes, so two
  /// nodes can tell by exchanging it whether they route by the same map (the link handshake).
  std::uint64_t fingerprint() const;
};

/// A shard map fixed for the life of the process (the cluster file's).
class static_shard_map final : public shard_map {
public:
  std::int64_t version() const override { return version_; }
  std::uint32_t shard_count() const override { return static_cast<std::uint32_t>(owner_.size()); }
  const std::vector<node_info>& nodes() const override { return nodes_; }
  std::size_t owner_of(shard_id shard) const override { return owner_[shard]; }
  using shard_map::owner_of;

private:
  friend std::variant<static_shard_map, std::string> make_shard_map(const cluster_spec&);
  std::int64_t version_ = 0;
  std::vector<node_info> nodes_;
  std::vector<std::size_t> owner_; ///< by shard
};

/// The largest step deadline: a client waits at most 1.5 times it (the deadline, then half of
/// it for the compensation), which must stay below the HTTP front-end's 5 s request timeout so
/// that the client gets the saga's 503, not a 504.
inline constexpr std::int64_t max_step_deadline_ms = 3'000;

/// Validates `spec` and returns its map, or a one-line reason it is not usable (a version below
/// 1, a step deadline outside 1..max_step_deadline_ms, no nodes, a duplicate or unknown node, a
/// port of 0, a shard out of range, assigned twice or not at all).
std::variant<static_shard_map, std::string> make_shard_map(const cluster_spec& spec);

} // namespace actorshop::domain
