// Three real actorshop daemons on loopback ports forming one cluster (scale-out preview): a
// generated cluster file, one SQLite file per node, each seeded with its own shards only.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "domain/placement.hpp"
#include "support/daemon_process.hpp"
#include "support/temp_dir.hpp"

namespace actorshop::test {

class three_node_cluster {
public:
  static constexpr std::uint32_t shards = 12;
  static constexpr std::size_t size = 3;

  /// `extra_args`: more daemon flags for every node (e.g. --order-ttl); `step_deadline_ms` and
  /// `connection_timeout_ms`: the cluster file's saga step deadline and silent-peer timeout.
  explicit three_node_cluster(std::vector<std::string> extra_args = {}, int step_deadline_ms = 2000,
                              int connection_timeout_ms = 1000);

  /// Starts node `i` (again, after a kill): same ports, same database; its stderr goes to
  /// `stderr_file` if given (a test that reads its log).
  void start(std::size_t i, const std::string& stderr_file = {});
  /// SIGKILLs node `i`.
  void kill(std::size_t i);
  /// Sends `signal` to node `i` (SIGSTOP: a silent peer whose sockets stay open).
  void signal(std::size_t i, int signal);
  /// Waits until every running node answers for every other running node's shards.
  void wait_until_linked();

  unsigned short http_port(std::size_t i) const { return http_ports_[i]; }
  std::string db(std::size_t i) const { return dir_.file(names_[i] + ".db"); }
  const std::string& cluster_file() const { return cluster_file_; }
  /// Index of the node owning (kind, id), by the same rule the daemons use.
  std::size_t owner_of(domain::entity_kind kind, domain::id_t id) const;
  /// The first seed customer (1001..3000) owned by node `i`.
  domain::id_t customer_on(std::size_t i) const;

private:
  temp_dir dir_;
  std::string cluster_file_;
  std::array<std::string, size> names_{"a", "b", "c"};
  std::array<unsigned short, size> http_ports_{};
  std::array<unsigned short, size> actor_ports_{};
  std::array<std::unique_ptr<daemon_process>, size> nodes_;
  std::vector<std::string> extra_args_;
};

/// The product of a seed option (three options per product, from 6001 and 5001).
domain::id_t product_of(domain::id_t option);

/// The body of POST /orders for `customer` with `lines` as (option id, quantity).
std::string order_body(domain::id_t customer,
                       const std::vector<std::pair<domain::id_t, std::int64_t>>& lines);

/// The body of POST /payments.
std::string pay_body(domain::id_t order, std::optional<domain::id_t> coupon = std::nullopt);

} // namespace actorshop::test
