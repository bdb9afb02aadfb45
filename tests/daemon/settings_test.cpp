// Configuration layering: flag > environment > file > default.
#include <catch2/catch.hpp>

#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "daemon/settings.hpp"
#include "support/temp_dir.hpp"

using namespace actorshop;
using namespace actorshop::daemon;

namespace {

using actorshop::test::temp_dir;

} // namespace

TEST_CASE("the shipped config file parses and sets every section", "[daemon][settings]") {
  settings s;
  std::ifstream in(ACTORSHOP_SOURCE_DIR "/config/actorshop.toml");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  REQUIRE(!text.empty());
  apply_toml(s, text);
  CHECK(s.server.address == "127.0.0.1");
  CHECK(s.server.port == 8080);
  CHECK(s.server.body_limit == 65536);
  CHECK(s.shop.sync == storage::sync_mode::full);
  CHECK(s.shop.order_ttl == std::chrono::seconds(900));
  CHECK(s.auth.mode == auth_mode::open); // the original open API unless asked otherwise
  CHECK(s.auth.secret_file.empty());
}

TEST_CASE("auth.mode and auth.secret_file come from the config file", "[daemon][settings]") {
  settings s;
  apply_toml(s, "[auth]\nmode = \"token\"\nsecret_file = \"/etc/actorshop/secret\"\n");
  CHECK(s.auth.mode == auth_mode::token);
  CHECK(s.auth.secret_file == "/etc/actorshop/secret");
  CHECK_THROWS_WITH(apply_toml(s, "[auth]\nmode = \"closed\"\n"), Catch::Contains("auth.mode"));
}

TEST_CASE("a token lifetime has a unit s, m, h or d and is at most 366 days",
          "[daemon][settings]") {
  using std::chrono::seconds;
  CHECK(parse_ttl("90s") == seconds(90));
  CHECK(parse_ttl("90") == seconds(90));
  CHECK(parse_ttl("30m") == seconds(1800));
  CHECK(parse_ttl("1h") == seconds(3600));
  CHECK(parse_ttl("7d") == seconds(7 * 86'400));
  CHECK(parse_ttl("366d") == seconds(366 * 86'400));
  for (auto bad :
       {"", "0", "0h", "-1h", "1.5h", "5ms", "h", "367d", "1w", " 1h", "99999999999999999999"})
    CHECK_FALSE(parse_ttl(bad));
}

TEST_CASE("a bad value in the config file is an error naming the key", "[daemon][settings]") {
  settings s;
  CHECK_THROWS_WITH(apply_toml(s, "[storage]\nsynchronous = \"SOMETIMES\"\n"),
                    Catch::Contains("storage.synchronous"));
  CHECK_THROWS_WITH(apply_toml(s, "[server]\nport = \"x\"\n"), Catch::Contains("server.port"));
}

TEST_CASE("every durability mode has a config spelling", "[daemon][settings]") {
  settings s;
  apply_toml(s, "[storage]\nsynchronous = \"full_pipelined\"\n");
  CHECK(s.shop.sync == storage::sync_mode::full_pipelined);
  apply_toml(s, "[storage]\nsynchronous = \"NORMAL\"\n");
  CHECK(s.shop.sync == storage::sync_mode::normal);
  apply_toml(s, "[storage]\nsynchronous = \"FULL\"\n");
  CHECK(s.shop.sync == storage::sync_mode::full);
}

TEST_CASE("a flag beats the environment, which beats the file", "[daemon][settings]") {
  temp_dir dir;
  auto file = dir.file("c.toml");
  std::ofstream(file) << "[server]\nport = 1111\nio_threads = 3\n[storage]\npath = \"file.db\"\n"
                         "[admin]\ntoken = \"from-file\"\n";
  setenv("ACTORSHOP_PORT", "2222", 1);
  setenv("ACTORSHOP_DB", "env.db", 1);
  std::vector<std::string> args{"actorshop", "--config", file, "--port", "3333"};
  std::vector<char*> argv;
  for (auto& a : args)
    argv.push_back(a.data());
  int code = -1;
  auto s = load_settings(static_cast<int>(argv.size()), argv.data(), code);
  unsetenv("ACTORSHOP_PORT");
  unsetenv("ACTORSHOP_DB");
  REQUIRE(s);
  CHECK(s->server.port == 3333);      // flag
  CHECK(s->shop.db_path == "env.db"); // env over file
  CHECK(s->server.io_threads == 3);   // file over default
  CHECK(s->admin_token == "from-file");
  CHECK(s->server.max_connections == 10'000); // default
}

TEST_CASE("metrics.enabled: on by default, off from the file, the flag wins",
          "[daemon][settings]") {
  settings s;
  CHECK(s.metrics_enabled);
  apply_toml(s, "[metrics]\nenabled = false\n");
  CHECK_FALSE(s.metrics_enabled);
  temp_dir dir;
  auto config = dir.file("off.toml");
  std::ofstream(config) << "[metrics]\nenabled = false\n";
  std::string a0 = "actorshop", a1 = "--config", a2 = config, a3 = "--metrics-enabled", a4 = "true";
  char* argv[] = {a0.data(), a1.data(), a2.data(), a3.data(), a4.data()};
  int exit_code = -1;
  auto loaded = load_settings(5, argv, exit_code);
  REQUIRE(loaded);
  CHECK(loaded->metrics_enabled);
}

TEST_CASE("the connection policy's keys are read from the config file", "[daemon][settings]") {
  settings s;
  CHECK(s.server.first_request_timeout == std::chrono::milliseconds(10'000)); // default
  CHECK(s.server.connection_reserve == 100);
  apply_toml(s, "[server]\nfirst_request_timeout_ms = 250\nconnection_reserve = 3\n");
  CHECK(s.server.first_request_timeout == std::chrono::milliseconds(250));
  CHECK(s.server.connection_reserve == 3);
}
