#include <catch2/catch.hpp>

#include <stdexcept>

#include "daemon/cluster_file.hpp"

using namespace actorshop;

namespace {

const char* valid = R"(
version = 3
shards = 4
heartbeat_interval_ms = 100
[[nodes]]
name = "a"
host = "127.0.0.1"
http_port = 8081
actor_port = 9081
[[nodes]]
name = "b"
host = "127.0.0.1"
http_port = 8082
actor_port = 9082
[assignments]
a = [0, 1]
b = [2, 3]
)";

std::string error_of(std::string_view text) {
  try {
    daemon::parse_cluster_file(text, "cluster.toml");
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

} // namespace

TEST_CASE("a cluster file is read into a spec with defaults for the link timings",
          "[daemon][cluster]") {
  const auto spec = daemon::parse_cluster_file(valid, "cluster.toml");
  CHECK(spec.version == 3);
  CHECK(spec.shard_count == 4);
  CHECK(spec.heartbeat_interval_ms == 100);
  CHECK(spec.connection_timeout_ms == 2000);
  CHECK(spec.step_deadline_ms == 2000);
  REQUIRE(spec.nodes.size() == 2);
  CHECK(spec.nodes[1].name == "b");
  CHECK(spec.nodes[1].actor_port == 9082);
  REQUIRE(spec.assignments.size() == 2);
  CHECK(spec.assignments[0].second == std::vector<std::int64_t>{0, 1});
  CHECK(std::holds_alternative<domain::static_shard_map>(domain::make_shard_map(spec)));
}

TEST_CASE("a malformed cluster file is refused with one line naming the key", "[daemon][cluster]") {
  CHECK(error_of("shards = 4\n") == "cluster.toml: version must be an integer");
  CHECK(error_of("version = 1\nshards = 4\n") == "cluster.toml: [[nodes]] is missing");
  CHECK(error_of("version = 1\nshards = 4\n[[nodes]]\nname = \"a\"\nhost = \"h\"\nhttp_port = "
                 "80\nactor_port = 70000\n") ==
        "cluster.toml: node 'a': actor_port must be from 1 to 65535");
  CHECK(error_of("version = 1\nshards = 4\n[[nodes]]\nname = \"a\"\nhost = \"h\"\nhttp_port = "
                 "80\nactor_port = 81\n") ==
        "cluster.toml: [assignments] (node = [shards...]) is missing");
  CHECK(error_of("version = [").rfind("cluster.toml: ", 0) == 0);
}

TEST_CASE("the shipped config/cluster.toml is valid", "[daemon][cluster]") {
  const auto file = daemon::load_cluster_file(ACTORSHOP_SOURCE_DIR "/config/cluster.toml");
  CHECK(file.map.nodes().size() == 3);
  CHECK(file.map.shard_count() == 12);
}

TEST_CASE("the saga step deadline is read from the cluster file", "[daemon][cluster]") {
  const auto spec =
      daemon::parse_cluster_file(std::string("step_deadline_ms = 750\n") + valid, "cluster.toml");
  CHECK(spec.step_deadline_ms == 750);
  CHECK(std::holds_alternative<domain::static_shard_map>(domain::make_shard_map(spec)));
}
