// Calls batched per peer under concurrency (actors/cluster/outbox.hpp), through three real
// daemons: many remote calls in flight at once through one node are each answered once and
// exactly, and never cost more BASP messages than one per call and one per reply. How many
// share a message depends on timing (the multiplexer's pace against the callers'), so this test
// checks only the bound; that queued calls leave together is checked in-process (batch_test.cpp)
// and measured by bench/cluster_cost.py --concurrency.
#include <catch2/catch.hpp>

#include <atomic>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "cluster/cluster_fixture.hpp"
#include "support/http_client.hpp"

using namespace actorshop;
using namespace actorshop::test;
using domain::entity_kind;

namespace {

/// The value of the /metrics sample `name` (with its labels), 0 if absent.
double sample(const std::string& metrics, const std::string& name) {
  std::istringstream in(metrics);
  for (std::string line; std::getline(in, line);)
    if (line.rfind(name + " ", 0) == 0)
      return std::stod(line.substr(name.size() + 1));
  return 0;
}

/// A sample summed over the three nodes.
double cluster_sample(const three_node_cluster& cluster, const std::string& name) {
  double total = 0;
  for (std::size_t i = 0; i < cluster.size; ++i)
    total += sample(client(cluster.http_port(i)).get("/metrics").body, name);
  return total;
}

} // namespace

TEST_CASE("remote calls in flight at once through one node are answered exactly, in at most one "
          "BASP message per call and per reply",
          "[cluster]") {
  three_node_cluster cluster;
  constexpr std::size_t front = 0, owner = 1;
  constexpr int connections = 16, charges_each = 8, amount = 10;
  std::vector<domain::id_t> customers; // one per connection, all owned by `owner`
  for (domain::id_t id = 1001; customers.size() < connections; ++id)
    if (cluster.owner_of(entity_kind::customer, id) == owner)
      customers.push_back(id);
  client c(cluster.http_port(front));
  std::vector<std::int64_t> before;
  for (auto id : customers)
    before.push_back(json_int_field(c.get("/balances/" + std::to_string(id)).body, "amount"));

  const std::string sent = R"(actorshop_cluster_messages_total{direction="sent"})";
  const std::string remote = R"(actorshop_cluster_calls_total{owner="remote"})";
  const double sent0 = cluster_sample(cluster, sent), remote0 = cluster_sample(cluster, remote);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < connections; ++t)
    threads.emplace_back([&, t] {
      client mine(cluster.http_port(front));
      const auto id = std::to_string(customers[static_cast<std::size_t>(t)]);
      for (int i = 0; i < charges_each; ++i) {
        auto r =
            mine.request("PATCH", "/balances/charge",
                         R"({"customerId":)" + id + R"(,"amount":)" + std::to_string(amount) + "}");
        auto g = mine.get("/balances/" + id);
        if (r.status != 200 || g.status != 200)
          ++failures;
      }
    });
  for (auto& t : threads)
    t.join();
  CHECK(failures == 0);

  const double calls = cluster_sample(cluster, remote) - remote0;
  const double messages = cluster_sample(cluster, sent) - sent0;
  CHECK(calls == connections * charges_each * 2);
  INFO("BASP messages " << messages << " for " << calls << " calls and as many replies");
  CHECK(messages <= 2 * calls);
  CHECK(messages > 0);
  // Every charge applied once: nothing lost in a batch, nothing applied twice.
  for (std::size_t i = 0; i < customers.size(); ++i)
    CHECK(json_int_field(c.get("/balances/" + std::to_string(customers[i])).body, "amount") ==
          before[i] + charges_each * amount);
}
