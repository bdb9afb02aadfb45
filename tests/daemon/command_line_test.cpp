// The command line's subcommands and exit codes, and what a SIGHUP reload reports, without
// starting the daemon.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "daemon/reload.hpp"
#include "daemon/settings.hpp"

using namespace actorshop::daemon;

namespace {

struct parsed {
  std::optional<invocation> inv;
  int exit_code = -1;
};

parsed parse(std::vector<std::string> args) {
  args.insert(args.begin(), "actorshop");
  std::vector<char*> argv;
  for (auto& a : args)
    argv.push_back(a.data());
  parsed p;
  p.inv = parse_command_line(static_cast<int>(argv.size()), argv.data(), p.exit_code);
  return p;
}

} // namespace

TEST_CASE("flags alone still serve, so every existing invocation keeps working", "[daemon][cli]") {
  auto p = parse({"--db", "shop.db", "--port", "0"});
  REQUIRE(p.inv);
  CHECK(p.inv->cmd == command::serve);
  CHECK(p.inv->s.shop.db_path == "shop.db");
  CHECK(p.inv->args == std::vector<std::string>{"--db", "shop.db", "--port", "0"});
  auto explicit_serve = parse({"serve", "--db", "shop.db"});
  REQUIRE(explicit_serve.inv);
  CHECK(explicit_serve.inv->cmd == command::serve);
  CHECK(explicit_serve.inv->s.shop.db_path == "shop.db");
}

TEST_CASE("backup and check take the database from the same flags as serve", "[daemon][cli]") {
  auto b = parse({"backup", "--db", "shop.db", "--to", "copy.db", "--pages-per-step", "64"});
  REQUIRE(b.inv);
  CHECK(b.inv->cmd == command::backup);
  CHECK(b.inv->s.shop.db_path == "shop.db");
  CHECK(b.inv->backup_to == "copy.db");
  CHECK(b.inv->backup_pages_per_step == 64);
  auto c = parse({"--db", "shop.db", "check"});
  REQUIRE(c.inv);
  CHECK(c.inv->cmd == command::check);
  CHECK(c.inv->s.shop.db_path == "shop.db");
}

TEST_CASE("a usage error asks for exit 2 and --help for exit 0", "[daemon][cli]") {
  CHECK(parse({"--bogus"}).exit_code == 2);
  CHECK(parse({"--io-threads", "0"}).exit_code == 2);
  CHECK(parse({"--sync", "sometimes"}).exit_code == 2);
  CHECK(parse({"backup"}).exit_code == 2); // --to is required
  CHECK(parse({"check", "backup"}).exit_code == 2);
  auto help = parse({"--help"});
  CHECK_FALSE(help.inv);
  CHECK(help.exit_code == 0);
}

TEST_CASE("a reload reports each changed key once and never shows a secret", "[daemon][reload]") {
  settings running, reread;
  running.admin_token = "old-secret";
  reread.admin_token = "new-secret";
  reread.log_level = "debug";
  reread.shop.event_sink = "file:/var/log/events.jsonl";
  reread.server.port = 9999; // needs a restart: not a reload's business
  const auto lines = reload_changes(running, reread);
  REQUIRE(lines.size() == 3);
  CHECK(lines[0] == "reload: server.log_level info -> debug");
  CHECK(lines[1] == "reload: admin.token (changed)");
  CHECK(lines[2].find("takes effect after a restart") != std::string::npos);
  for (const auto& l : lines)
    CHECK(l.find("secret") == std::string::npos);
  apply_reloadable(running, reread);
  CHECK(running.admin_token == "new-secret");
  CHECK(running.log_level == "debug");
  CHECK(running.shop.event_sink.empty());
  CHECK(running.server.port != 9999);
  CHECK(reload_changes(running, running).empty());
}
