// The daemon's command-line conventions, end to end: --version, exit codes (0 done, 1 runtime
// failure, 2 usage error) and SIGHUP, which reloads settings and never stops the daemon.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sqlite3.h>

#include <chrono>
#include <fstream>
#include <iterator>

#include "domain/time.hpp"
#include "support/daemon_process.hpp"
#include "support/http_client.hpp"
#include "support/temp_dir.hpp"
#include "support/wait.hpp"

using namespace actorshop::test;

namespace {

std::string coupon_spec() {
  const auto now = actorshop::domain::now_ms();
  return R"({"name":"reload","discountType":"FIXED","discountAmount":100,"totalQuantity":5,)"
         R"("startedAt":")" +
         actorshop::domain::format_iso8601(now - 1000) + R"(","expiredAt":")" +
         actorshop::domain::format_iso8601(now + 86'400'000) + R"("})";
}

unsigned create_coupon(client& c, const std::string& token) {
  return c.request("POST", "/coupons", coupon_spec(), {{"Authorization", "Bearer " + token}})
      .status;
}

void write_config(const std::string& path, const std::string& token) {
  std::ofstream(path) << "[server]\nio_threads = 1\n[actors]\nthreads = 2\n[storage]\n"
                         "synchronous = \"NORMAL\"\n[admin]\ntoken = \""
                      << token << "\"\n";
}

} // namespace

TEST_CASE("actorshop --version exits 0 and names actorshop and the libraries it runs with",
          "[cli][e2e]") {
  auto r = run_actorshop({"--version"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.starts_with("actorshop 0."));
  CHECK(r.out.find("commit ") != std::string::npos);
  CHECK(r.out.find("CAF 0.17.6") != std::string::npos);
  CHECK(r.out.find("Boost 1.81") != std::string::npos);
  CHECK(r.out.find(std::string("SQLite ") + sqlite3_libversion()) != std::string::npos);
  CHECK(r.out.find("simdjson ") != std::string::npos);
}

TEST_CASE("a usage error exits 2, as Unix tools do", "[cli][e2e]") {
  CHECK(run_actorshop({"--no-such-flag"}).exit_code == 2);
  CHECK(run_actorshop({"--port", "not-a-number"}).exit_code == 2);
  CHECK(run_actorshop({"--port", "70000"}).exit_code == 2);
  CHECK(run_actorshop({"--sync", "SOMETIMES"}).exit_code == 2);
  CHECK(run_actorshop({"no-such-subcommand"}).exit_code == 2);
  CHECK(run_actorshop({"backup", "--db", "x.db"}).exit_code == 2); // --to is required
  auto help = run_actorshop({"--help"});
  CHECK(help.exit_code == 0);
  CHECK(help.out.find("backup") != std::string::npos);
  CHECK(help.out.find("check") != std::string::npos);
}

TEST_CASE("a start on a taken port exits 1 and leaves the running daemon alone", "[cli][e2e]") {
  temp_dir dir;
  daemon_process first(seeded_args(dir.path, dir.file("a.db")));
  auto args = seeded_args(dir.path, dir.file("b.db"));
  args.insert(args.end(), {"--port", std::to_string(first.port())});
  auto second = run_actorshop(args);
  CHECK(second.exit_code == 1);
  CHECK(client(first.port()).get("/health").status == 200);
  CHECK(first.terminate() == 0);
}

TEST_CASE("a database that cannot open exits 1", "[cli][e2e]") {
  temp_dir dir;
  auto r = run_actorshop({"--db", dir.file("missing/dir/x.db"), "--port", "0"});
  CHECK(r.exit_code == 1);
}

TEST_CASE("SIGHUP swaps the admin token without stopping the daemon", "[cli][reload][e2e]") {
  temp_dir dir;
  const auto config = dir.file("reload.toml");
  write_config(config, "old-token");
  daemon_process d({"--config", config, "--db", dir.file("shop.db"), "--seed"});
  client c(d.port());
  REQUIRE(create_coupon(c, "old-token") == 201);
  write_config(config, "new-token");
  REQUIRE(kill(d.pid(), SIGHUP) == 0);
  // The reload runs on the daemon's signal thread: wait for its effect, bounded.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  unsigned status = 0;
  while ((status = create_coupon(c, "new-token")) != 201 &&
         std::chrono::steady_clock::now() < deadline) {
  }
  CHECK(status == 201);
  CHECK(create_coupon(c, "old-token") == 403);
  REQUIRE(kill(d.pid(), SIGHUP) == 0); // a second SIGHUP with nothing changed is harmless too
  CHECK(c.get("/health").status == 200);
  CHECK(create_coupon(c, "new-token") == 201);
  CHECK(d.terminate() == 0);
}

namespace {

/// Creates `path` as another application's SQLite database (rollback journal, one table).
void make_foreign_database(const std::string& path) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db,
                       "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT);"
                       "INSERT INTO notes (text) VALUES ('mine');",
                       nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
}

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string query_text(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, sql, -1, &st, nullptr) == SQLITE_OK);
  std::string out;
  if (sqlite3_step(st) == SQLITE_ROW)
    out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

} // namespace

TEST_CASE("another application's database is refused with exit 1 and left unchanged",
          "[cli][adopt][e2e]") {
  temp_dir dir;
  const auto path = dir.file("theirs.db");
  make_foreign_database(path);
  const auto before = file_bytes(path);
  auto r = run_actorshop({"--db", path, "--port", "0"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("--adopt-database") != std::string::npos);
  CHECK(file_bytes(path) == before);
  CHECK(query_text(path, "PRAGMA journal_mode") == "delete");
  CHECK(query_text(path, "PRAGMA user_version") == "0");
  CHECK(run_actorshop({"--help"}).out.find("--adopt-database") != std::string::npos);
}

TEST_CASE("the --adopt-database flag migrates another application's database",
          "[cli][adopt][e2e]") {
  temp_dir dir;
  const auto path = dir.file("theirs.db");
  make_foreign_database(path);
  daemon_process d({"--db", path, "--adopt-database"});
  CHECK(client(d.port()).get("/health").status == 200);
  CHECK(d.terminate() == 0);
  CHECK(query_text(path, "PRAGMA journal_mode") == "wal");
  CHECK(query_text(path, "PRAGMA user_version") != "0");
  CHECK(query_text(path, "SELECT text FROM notes") == "mine");
}

TEST_CASE("a new or empty database file is created as before", "[cli][adopt][e2e]") {
  temp_dir dir;
  const auto empty = dir.file("empty.db");
  std::ofstream(empty).close();
  for (const auto& path : {empty, dir.file("new.db")}) {
    INFO(path);
    daemon_process d({"--db", path});
    CHECK(client(d.port()).get("/health").status == 200);
    CHECK(d.terminate() == 0);
    CHECK(query_text(path, "PRAGMA user_version") != "0");
  }
}
