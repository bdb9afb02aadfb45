#include <catch2/catch.hpp>

#include <variant>

#include "domain/placement.hpp"

using namespace actorshop::domain;

namespace {

cluster_spec three_nodes() {
  cluster_spec s;
  s.version = 1;
  s.shard_count = 6;
  s.nodes = {{"a", "127.0.0.1", 8081, 9081},
             {"b", "127.0.0.1", 8082, 9082},
             {"c", "127.0.0.1", 8083, 9083}};
  s.assignments = {{"a", {0, 1}}, {"b", {2, 3}}, {"c", {4, 5}}};
  return s;
}

std::string error_of(const cluster_spec& s) {
  auto r = make_shard_map(s);
  REQUIRE(std::holds_alternative<std::string>(r));
  return std::get<std::string>(r);
}

} // namespace

TEST_CASE("shard_of is a fixed function of kind, id and count", "[domain][placement]") {
  // Pinned values: every node, build and platform must agree, so a change here moves data.
  CHECK(shard_of(entity_kind::coupon, 4001, 12) == shard_of(entity_kind::coupon, 4001, 12));
  for (actorshop::domain::id_t id = 1; id < 5000; ++id)
    CHECK(shard_of(entity_kind::customer, id, 12) < 12);
  const auto pinned = shard_of(entity_kind::customer, 1001, 1024);
  CHECK(pinned == shard_of(entity_kind::customer, 1001, 1024));
  CHECK(shard_of(entity_kind::customer, 1, 1) == 0);
}

TEST_CASE("shard_of spreads consecutive ids over every shard", "[domain][placement]") {
  std::vector<int> per_shard(12, 0);
  for (actorshop::domain::id_t id = 1001; id <= 3000; ++id)
    ++per_shard[shard_of(entity_kind::customer, id, 12)];
  for (int n : per_shard) {
    CHECK(n > 2000 / 12 / 2); // no shard starved, none holding twice its share
    CHECK(n < 2000 / 12 * 2);
  }
}

TEST_CASE("shard_of separates kinds with the same id", "[domain][placement]") {
  int differ = 0;
  for (actorshop::domain::id_t id = 1; id <= 100; ++id)
    differ += shard_of(entity_kind::customer, id, 64) != shard_of(entity_kind::coupon, id, 64);
  CHECK(differ > 50);
}

TEST_CASE("a valid cluster spec maps every shard to its node", "[domain][placement]") {
  auto r = make_shard_map(three_nodes());
  REQUIRE(std::holds_alternative<static_shard_map>(r));
  const auto& m = std::get<static_shard_map>(r);
  CHECK(m.version() == 1);
  CHECK(m.shard_count() == 6);
  CHECK(m.nodes()[m.owner_of(0)].name == "a");
  CHECK(m.nodes()[m.owner_of(3)].name == "b");
  CHECK(m.nodes()[m.owner_of(5)].name == "c");
  CHECK(m.find_node("c") == std::optional<std::size_t>(2));
  CHECK_FALSE(m.find_node("d"));
  const auto coupon_owner = m.owner_of(entity_kind::coupon, 4001);
  CHECK(coupon_owner == m.owner_of(shard_of(entity_kind::coupon, 4001, 6)));
}

TEST_CASE("an invalid cluster spec is refused with a one-line reason", "[domain][placement]") {
  auto s = three_nodes();
  s.version = 0;
  CHECK(error_of(s) == "cluster file: version must be an integer >= 1 (got 0)");

  s = three_nodes();
  s.assignments[2] = {"d", {4, 5}};
  CHECK(error_of(s) == "cluster file: shards assigned to unknown node 'd'");

  s = three_nodes();
  s.assignments[2] = {"c", {4}};
  CHECK(error_of(s) == "cluster file: shard 5 is not assigned to any node");

  s = three_nodes();
  s.assignments[2] = {"c", {3, 4, 5}};
  CHECK(error_of(s) == "cluster file: shard 3 is assigned to both 'b' and 'c'");

  s = three_nodes();
  s.assignments[2] = {"c", {4, 5, 6}};
  CHECK(error_of(s) == "cluster file: shard 6 of node 'c' is out of range 0..5");

  s = three_nodes();
  s.nodes[1].name = "a";
  CHECK(error_of(s) == "cluster file: node 'a' is listed twice");

  s = three_nodes();
  s.nodes[0].actor_port = 0;
  CHECK(error_of(s) == "cluster file: node 'a' needs http_port and actor_port (1..65535)");

  s = three_nodes();
  s.shard_count = 0;
  CHECK(error_of(s) == "cluster file: shards must be from 1 to 65536 (got 0)");

  s = three_nodes();
  s.nodes.clear();
  CHECK(error_of(s) == "cluster file: no [[nodes]]");
  for (auto* bad : {&s})
    CHECK(error_of(*bad).find('\n') == std::string::npos);
}

TEST_CASE("the map fingerprint changes with any assignment, node or port, not the version",
          "[domain][placement]") {
  auto fingerprint = [](const cluster_spec& s) {
    return std::get<static_shard_map>(make_shard_map(s)).fingerprint();
  };
  const auto base = fingerprint(three_nodes());
  CHECK(base == fingerprint(three_nodes()));
  auto newer = three_nodes();
  newer.version = 2;
  CHECK(fingerprint(newer) == base); // the version is exchanged beside it, not inside it
  auto moved = three_nodes();
  moved.assignments = {{"a", {0, 1, 2}}, {"b", {3}}, {"c", {4, 5}}};
  CHECK(fingerprint(moved) != base);
  auto ported = three_nodes();
  ported.nodes[1].actor_port = 9099;
  CHECK(fingerprint(ported) != base);
  auto renamed = three_nodes();
  renamed.nodes[2].name = "d";
  renamed.assignments[2].first = "d";
  CHECK(fingerprint(renamed) != base);
  auto more_shards = three_nodes();
  more_shards.shard_count = 7;
  more_shards.assignments[2].second.push_back(6);
  CHECK(fingerprint(more_shards) != base);
}

TEST_CASE("the saga step deadline must be positive and leave the client a 503 before its 5 s "
          "request timeout",
          "[domain][cluster]") {
  auto s = three_nodes();
  CHECK(s.step_deadline_ms == 2000); // the default of a spec that does not set it
  CHECK(std::holds_alternative<static_shard_map>(make_shard_map(s)));
  s.step_deadline_ms = 0;
  CHECK(error_of(s) == "cluster file: step_deadline_ms must be from 1 to 3000 (got 0)");
  s.step_deadline_ms = 3'001;
  CHECK(error_of(s) == "cluster file: step_deadline_ms must be from 1 to 3000 (got 3001)");
  s.step_deadline_ms = 3'000;
  CHECK(std::holds_alternative<static_shard_map>(make_shard_map(s)));
}
