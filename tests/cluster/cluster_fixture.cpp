#include "cluster/cluster_fixture.hpp"

#include <signal.h>

#include <fstream>
#include <stdexcept>

#include "support/http_client.hpp"
#include "support/process.hpp"
#include "support/wait.hpp"

namespace actorshop::test {

three_node_cluster::three_node_cluster(std::vector<std::string> extra_args, int step_deadline_ms,
                                       int connection_timeout_ms)
    : extra_args_(std::move(extra_args)) {
  for (std::size_t i = 0; i < size; ++i) {
    http_ports_[i] = free_port();
    actor_ports_[i] = free_port();
  }
  cluster_file_ = dir_.file("cluster.toml");
  std::ofstream out(cluster_file_);
  // Heartbeats every 100 ms and (by default) a 1 s timeout: a silent peer is dropped quickly; a
  // killed one is seen at once anyway (its sockets close).
  out << "version = 1\nshards = " << shards
      << "\nheartbeat_interval_ms = 100\nconnection_timeout_ms = " << connection_timeout_ms
      << "\nstep_deadline_ms = " << step_deadline_ms << "\n";
  for (std::size_t i = 0; i < size; ++i)
    out << "[[nodes]]\nname = \"" << names_[i]
        << "\"\nhost = \"127.0.0.1\"\nhttp_port = " << http_ports_[i]
        << "\nactor_port = " << actor_ports_[i] << "\n";
  out << "[assignments]\n";
  for (std::size_t i = 0; i < size; ++i) {
    out << names_[i] << " = [";
    for (std::uint32_t s = 0; s < shards; ++s)
      if (s % size == i)
        out << s << ", ";
    out << "]\n";
  }
  out.close();
  for (std::size_t i = 0; i < size; ++i)
    start(i);
  wait_until_linked();
}

void three_node_cluster::start(std::size_t i, const std::string& stderr_file) {
  auto args = seeded_args(dir_.path.string(), db(i));
  args.insert(args.end(), {"--port", std::to_string(http_ports_[i]), "--cluster-file",
                           cluster_file_, "--node", names_[i]});
  args.insert(args.end(), extra_args_.begin(), extra_args_.end());
  nodes_[i].reset();
  nodes_[i] = std::make_unique<daemon_process>(args, std::vector<std::string>{}, stderr_file);
}

void three_node_cluster::kill(std::size_t i) { nodes_[i].reset(); }

void three_node_cluster::signal(std::size_t i, int signal) { ::kill(nodes_[i]->pid(), signal); }

std::size_t three_node_cluster::owner_of(domain::entity_kind kind, domain::id_t id) const {
  return domain::shard_of(kind, id, shards) % size; // shard s is on node s % 3 (see above)
}

domain::id_t three_node_cluster::customer_on(std::size_t i) const {
  for (domain::id_t id = 1001; id <= 3000; ++id)
    if (owner_of(domain::entity_kind::customer, id) == i)
      return id;
  throw std::logic_error("no seed customer on node " + std::to_string(i));
}

void three_node_cluster::wait_until_linked() {
  for (std::size_t from = 0; from < size; ++from) {
    if (!nodes_[from])
      continue;
    client c(http_ports_[from]);
    for (std::size_t to = 0; to < size; ++to) {
      if (!nodes_[to])
        continue;
      const auto target = "/balances/" + std::to_string(customer_on(to));
      if (!wait_for_state([&] { return c.get(target).status == 200; }))
        throw std::runtime_error("node " + names_[from] + " never reached node " + names_[to]);
    }
  }
}

domain::id_t product_of(domain::id_t option) { return 5001 + (option - 6001) / 3; }

std::string order_body(domain::id_t customer,
                       const std::vector<std::pair<domain::id_t, std::int64_t>>& lines) {
  std::string body = R"({"customerId":)" + std::to_string(customer) + R"(,"items":[)";
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (i)
      body += ',';
    body += R"({"productId":)" + std::to_string(product_of(lines[i].first)) +
            R"(,"productOptionId":)" + std::to_string(lines[i].first) + R"(,"quantity":)" +
            std::to_string(lines[i].second) + "}";
  }
  return body + "]}";
}

std::string pay_body(domain::id_t order, std::optional<domain::id_t> coupon) {
  std::string body = R"({"orderId":)" + std::to_string(order);
  if (coupon)
    body += R"(,"couponId":)" + std::to_string(*coupon);
  return body + "}";
}

} // namespace actorshop::test
