// The daemon's logs as an operator reads them: every diagnostic on stderr, a JSON format whose
// every line parses, the configuration and recovery at start (no secrets), an access log on
// request, and no flood: a full database under a burst of writes, or a drain under load, write a
// few lines a second however many requests fail. Bounds are in lines per elapsed second, never in
// time.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "storage/sqlite.hpp"
#include "support/daemon_process.hpp"
#include "support/http_client.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "support/wait.hpp"

using namespace actorshop::test;

namespace {

std::vector<std::string> lines_of(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);)
    lines.push_back(line);
  return lines;
}

std::size_t count_containing(const std::vector<std::string>& lines, const std::string& needle) {
  std::size_t n = 0;
  for (const auto& l : lines)
    n += l.find(needle) != std::string::npos ? 1 : 0;
  return n;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string all;
  for (const auto& l : lines)
    all += l + "\n";
  return all;
}

/// seeded_args() plus `toml` appended to its config file.
std::vector<std::string> args_with(const temp_dir& dir, const std::string& db,
                                   const std::string& toml) {
  auto args = seeded_args(dir.path.string(), db);
  std::ofstream(dir.file("test.toml"), std::ios::app) << toml;
  return args;
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

/// `threads` clients send charges until each has sent `per_thread` or its connection closes;
/// returns how many got each status.
std::map<unsigned, std::size_t> charge_burst(unsigned short port, int threads, int per_thread,
                                             std::atomic<std::size_t>* sent = nullptr) {
  std::mutex mu;
  std::map<unsigned, std::size_t> statuses;
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      std::map<unsigned, std::size_t> mine;
      try {
        client c(port);
        const auto body = "{\"customerId\":" + std::to_string(2001 + t) + ",\"amount\":1}";
        for (int i = 0; i < per_thread; ++i) {
          ++mine[c.request("PATCH", "/balances/charge", body).status];
          if (sent)
            ++*sent;
        }
      } catch (const std::exception&) { // the daemon closed the connection (drain)
      }
      std::lock_guard lock(mu);
      for (auto [status, n] : mine)
        statuses[status] += n;
    });
  for (auto& t : pool)
    t.join();
  return statuses;
}

} // namespace

TEST_CASE("a --config file that cannot be read is a usage error reported on stderr",
          "[http][e2e][logs]") {
  auto r = run_actorshop({"--config", "/nonexistent/actorshop.toml"});
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK(r.err.find("cannot read config file /nonexistent/actorshop.toml") != std::string::npos);
}

TEST_CASE("with log.format json every stderr line is one JSON object with ts, level and msg",
          "[http][e2e][logs]") {
  temp_dir dir;
  const auto err = dir.file("stderr");
  {
    daemon_process d(
        args_with(dir, dir.file("shop.db"), "[log]\nformat = \"json\"\naccess = true\n"), {}, err);
    client c(d.port());
    CHECK(c.get("/products").status == 200);
    CHECK(c.get("/no-such-route").status == 404);
    CHECK(c.request("PATCH", "/balances/charge", R"({"customerId":1500,"amount":5})").status ==
          200);
    CHECK(d.terminate() == 0);
  }
  const auto lines = lines_of(err);
  REQUIRE(lines.size() >= 5);
  int access = 0, config = 0, recovery = 0;
  for (const auto& line : lines) {
    INFO(line);
    nlohmann::json j;
    REQUIRE_NOTHROW(j = nlohmann::json::parse(line));
    REQUIRE(j.is_object());
    CHECK(j["ts"].is_string());
    CHECK(j["level"].is_string());
    CHECK(j["msg"].is_string());
    if (j["msg"] == "access") {
      ++access;
      CHECK(j["method"].is_string());
      CHECK(j["status"].is_number_integer());
      CHECK(j["duration_us"].is_number_integer());
      if (j["target"] == "/products")
        CHECK(j["status"] == 200);
      if (j["target"] == "/no-such-route")
        CHECK(j["status"] == 404);
    }
    if (j["msg"] == "configuration in effect") {
      ++config;
      CHECK(j["admin.token"] == "(set)");
      CHECK(j["log.format"] == "json");
      CHECK(j["events.sink"] == "(none)");
      CHECK(j["events.retention_s"] == 3600);
    }
    if (j.contains("unpaid_orders")) {
      ++recovery;
      CHECK(j["stock_rows"].get<int>() > 0);
      CHECK(j["customers"].get<int>() > 0);
      CHECK(j["took_ms"].is_number_integer());
    }
  }
  CHECK(access == 3);
  CHECK(config == 1);
  CHECK(recovery == 1);
  CHECK(joined(lines).find("test-admin") == std::string::npos); // the token is a secret
}

TEST_CASE("the access log is off by default and text lines carry the start summary",
          "[http][e2e][logs]") {
  temp_dir dir;
  const auto err = dir.file("stderr");
  {
    daemon_process d(seeded_args(dir.path.string(), dir.file("shop.db")), {}, err);
    client c(d.port());
    for (int i = 0; i < 50; ++i)
      CHECK(c.get("/products").status == 200);
    CHECK(d.terminate() == 0);
  }
  const auto lines = lines_of(err);
  INFO(joined(lines));
  CHECK(count_containing(lines, "/products") == 0);
  CHECK(count_containing(lines, "configuration in effect") == 1);
  CHECK(count_containing(lines, "admin.token=(set)") == 1);
  CHECK(count_containing(lines, "recovery: entities loaded, unpaid orders re-armed") == 1);
  CHECK(joined(lines).find("test-admin") == std::string::npos);
  CHECK(lines.size() <= 8);
}

TEST_CASE("a full database under a burst of writes logs a few lines a second, not one per write",
          "[http][e2e][logs]") {
  temp_dir dir;
  const auto err = dir.file("stderr");
  std::map<unsigned, std::size_t> statuses;
  double elapsed = 0;
  {
    // A cap below the seeded size is raised to it: the database is full from the first write
    // that needs a new page (SQLITE_FULL for real, as on a full disk).
    daemon_process d(args_with(dir, dir.file("shop.db"), "max_bytes = 1\n"), {}, err);
    const auto start = std::chrono::steady_clock::now();
    statuses = charge_burst(d.port(), 4, 1'500);
    elapsed = seconds_since(start);
    CHECK(d.terminate() == 0);
  }
  const auto lines = lines_of(err);
  INFO(joined(lines));
  INFO("elapsed " << elapsed << " s, 503s " << statuses[503] << ", 200s " << statuses[200]);
  REQUIRE(statuses[503] >= 1'000); // the burst really met a full database
  CHECK(count_containing(lines, "database or disk is full") >= 1);
  // Per error code (the writer's "storage full", the 503 STORAGE_FULL answers, at most a few
  // others): its first line, one a second, and one at shutdown; plus the start and stop lines.
  const auto seconds = static_cast<std::size_t>(std::ceil(elapsed)) + 2;
  CHECK(lines.size() <= 10 + 4 * seconds);
  CHECK(lines.size() * 50 < statuses[503]);
}

TEST_CASE("a drain under load writes no line per refused request", "[http][e2e][logs]") {
  temp_dir dir;
  const auto err = dir.file("stderr");
  std::map<unsigned, std::size_t> statuses;
  double drain_seconds = 0;
  {
    daemon_process d(seeded_args(dir.path.string(), dir.file("shop.db")), {}, err);
    std::atomic<std::size_t> sent{0};
    std::thread load([&] { statuses = charge_burst(d.port(), 4, 1'000'000, &sent); });
    REQUIRE(wait_for_state([&] { return sent.load() >= 400; }));
    const auto start = std::chrono::steady_clock::now();
    CHECK(d.terminate() == 0);
    drain_seconds = seconds_since(start);
    load.join(); // the clients stop when the daemon closes their connections
  }
  const auto lines = lines_of(err);
  INFO(joined(lines));
  INFO("drain " << drain_seconds << " s, 503s " << statuses[503]);
  const auto seconds = static_cast<std::size_t>(std::ceil(drain_seconds)) + 1;
  CHECK(count_containing(lines, "answered 503") <= 2 * seconds); // first, per second, shutdown
  CHECK(lines.size() <= 10 + 2 * seconds);
}

namespace {

/// Creates and pays one order for each of `customers` customers from 1001 on.
void pay_orders(client& c, int customers) {
  for (int i = 0; i < customers; ++i) {
    auto order = c.post("/orders", R"({"customerId":)" + std::to_string(1001 + i) +
                                       R"(,"items":[{"productId":5001,"productOptionId":6001,)"
                                       R"("quantity":1}]})");
    REQUIRE(order.status == 201);
    const auto id = json_int_field(order.body, "orderId");
    REQUIRE(c.post("/payments", R"({"orderId":)" + std::to_string(id) + "}").status == 201);
  }
}

std::int64_t outbox_rows(const std::string& db) {
  actorshop::storage::connection c(db, SQLITE_OPEN_READONLY);
  return c.query_int64("SELECT COUNT(*) FROM outbox");
}

std::int64_t backlog_metric(client& c) {
  const auto body = c.get("/metrics").body;
  const std::string name = "\nactorshop_outbox_backlog ";
  const auto at = body.find(name);
  return at == std::string::npos ? -1 : std::stoll(body.substr(at + name.size()));
}

} // namespace

TEST_CASE("payments without an event sink write no outbox row", "[http][e2e][logs][outbox]") {
  temp_dir dir;
  const auto db = dir.file("shop.db");
  {
    daemon_process d(seeded_args(dir.path.string(), db));
    client c(d.port());
    pay_orders(c, 5);
    CHECK(backlog_metric(c) == 0);
    CHECK(d.terminate() == 0);
  }
  CHECK(outbox_rows(db) == 0);
}

TEST_CASE("an undelivered backlog above events.max_backlog shows in /metrics and one log line",
          "[http][e2e][logs][outbox]") {
  temp_dir dir;
  const auto db = dir.file("shop.db");
  const auto err = dir.file("stderr");
  const auto start = std::chrono::steady_clock::now();
  {
    const auto dead_sink = "http://127.0.0.1:" + std::to_string(free_port()) + "/events";
    daemon_process d(
        args_with(dir, db, "[events]\nsink = \"" + dead_sink + "\"\nmax_backlog = 3\n"), {}, err);
    client c(d.port());
    pay_orders(c, 5); // payments go on while the sink is down
    REQUIRE(wait_for_state([&] { return backlog_metric(c) == 5; }));
    REQUIRE(wait_for_state([&] { return count_containing(lines_of(err), "outbox backlog") > 0; }));
    CHECK(d.terminate() == 0);
  }
  CHECK(outbox_rows(db) == 5); // undelivered rows are kept
  const auto lines = lines_of(err);
  INFO(joined(lines));
  const auto minutes = static_cast<std::size_t>(seconds_since(start) / 60) + 1;
  CHECK(count_containing(lines, "above events.max_backlog 3") >= 1);
  CHECK(count_containing(lines, "above events.max_backlog 3") <= minutes);
}
