// End-to-end: both seed profiles at a small time scale, in-process against the actors and over
// HTTP against a real daemon started on a free loopback port. Assertions are on correctness
// (audit, exports, counts), never on speed: a threshold may fail on a loaded machine (exit 99).
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <netinet/in.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include <simdjson.h>
#include <sqlite3.h>

#include "bench/harness/app.hpp"
#include "bench/harness/http_client.hpp"
#include "bench/harness/outputs.hpp"
#include "storage/sqlite.hpp"
#include "support/daemon_process.hpp"
#include "tool_fixture.hpp"

extern char** environ;

using namespace actorshop::bench;
using tools::free_port;
using tools::run_bench;
using tools::temp_dir;

namespace {

/// Checks the summary export of a finished run: the scenario's success `counter` is exported as
/// a whole count of some, but never more than all, requests. Returns http_reqs.count.
std::int64_t exported_requests(const std::string& path, const char* counter) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  REQUIRE(parser.load(path).get(doc) == simdjson::SUCCESS);
  auto m = doc["metrics"];
  CHECK(std::int64_t(m["vus_max"]["value"]) > 1);
  const std::int64_t requests = m["http_reqs"]["count"];
  std::int64_t successes = 0;
  REQUIRE(m[counter]["count"].get(successes) == simdjson::SUCCESS);
  CHECK(successes > 0);
  CHECK(successes <= requests);
  return requests;
}

} // namespace

#ifdef ACTORSHOP_BENCH_WITH_ACTORS
TEST_CASE("coupon-peak against the actors issues exactly what the audit finds", "[bench][e2e]") {
  temp_dir dir;
  const int rc = run_bench({"--profile", "coupon-peak", "--target", "actors", "--time-scale", "0.3",
                            "--quiet", "--summary-export", dir.file("s.json"), "--report",
                            dir.file("r.html"), "--out", "csv=" + dir.file("o.csv"), "--out",
                            "json=" + dir.file("o.json"), "--out-samples"});
  CHECK((rc == 0 || rc == exit_threshold_failed)); // 98 would be a failed audit
  CHECK(exported_requests(dir.file("s.json"), "coupon_201_count") > 0);
  std::ifstream html(dir.file("r.html"));
  const std::string page((std::istreambuf_iterator<char>(html)), {});
  // The charts' data is embedded for dygraphs, which is inlined (the charts themselves are drawn
  // by the browser: tests/bench's Chromium test checks them).
  CHECK_THAT(page, Catch::Contains("<script type=\"application/json\" id=\"report-data\">"));
  CHECK_THAT(page, Catch::Contains("Dygraph"));
  CHECK_THAT(page, Catch::Contains("http_req_duration p(95)&lt;500"));
  CHECK(page.find("<script src") == std::string::npos);
  std::ifstream csv(dir.file("o.csv"));
  std::string header;
  std::getline(csv, header);
  CHECK(header == k6_csv_header);
  std::ifstream json(dir.file("o.json"));
  std::string line;
  simdjson::dom::parser parser;
  std::size_t points = 0, posts = 0;
  while (std::getline(json, line)) {
    simdjson::dom::element e;
    REQUIRE(parser.parse(line).get(e) == simdjson::SUCCESS);
    if (std::string_view(e["type"]) == "Point" && std::string_view(e["metric"]) == "http_reqs") {
      posts += std::string_view(e["data"]["tags"]["method"]) == "POST" ? 1 : 0;
      ++points;
    }
  }
  CHECK(points > 0); // every request sample is a point
  CHECK(posts == points);
}

TEST_CASE("order-payment against the actors pays every created order", "[bench][e2e]") {
  temp_dir dir;
  const int rc = run_bench({"--profile", "order-payment", "--target", "actors", "--time-scale",
                            "0.05", "--quiet", "--summary-export", dir.file("s.json")});
  CHECK((rc == 0 || rc == exit_threshold_failed));
  CHECK(exported_requests(dir.file("s.json"), "payment_201_count") > 0);
}

TEST_CASE("actorshop-bench --stock and --balance raise the seed before an actors run, only there",
          "[bench][e2e]") {
  temp_dir dir;
  const int rc = run_bench({"--profile", "order-payment", "--target", "actors", "--time-scale",
                            "0.01", "--quiet", "--stock", "250000", "--balance", "90000000000",
                            "--db", dir.file("shop.db")});
  CHECK((rc == 0 || rc == exit_threshold_failed)); // 98 would be a failed audit
  actorshop::storage::connection db(dir.file("shop.db"), SQLITE_OPEN_READONLY);
  CHECK(db.query_int64("SELECT MIN(quantity + reserved + sold) FROM stock") == 250000);
  CHECK(db.query_int64("SELECT COUNT(*) FROM stock") == 60);
  // Payments took some: every balance was raised to 90,000,000,000 and is above 89,000,000,000.
  CHECK(db.query_int64("SELECT MIN(amount) FROM balance") > 89'000'000'000);
  CHECK(db.query_int64("SELECT COUNT(*) FROM balance WHERE amount < 50000000") == 0);
  CHECK(run_bench({"--target", "http://127.0.0.1:1", "--stock", "5", "--quiet"}) ==
        exit_invalid_config);
  CHECK(run_bench({"--target", "http://127.0.0.1:1", "--balance", "5", "--quiet"}) ==
        exit_invalid_config);
}
#endif

#ifdef ACTORSHOP_DAEMON
TEST_CASE("both seed profiles pass the audit against the real daemon over HTTP", "[bench][e2e]") {
  temp_dir dir;
  // The real daemon on a seeded database, its port read from its start line (tests/support).
  actorshop::test::daemon_process d({"--db", dir.file("shop.db"), "--seed", "--log-level", "warn"});
  const std::string url = "http://127.0.0.1:" + std::to_string(d.port());
  int rc = run_bench({"--profile", "coupon-peak", "--target", url, "--time-scale", "0.3", "--quiet",
                      "--summary-export", dir.file("c.json")});
  CHECK((rc == 0 || rc == exit_threshold_failed));
  CHECK(exported_requests(dir.file("c.json"), "coupon_201_count") > 0);
  rc = run_bench({"--profile", "order-payment", "--target", url, "--time-scale", "0.05", "--quiet",
                  "--db", dir.file("shop.db"), "--summary-export", dir.file("o.json")});
  CHECK((rc == 0 || rc == exit_threshold_failed));
  CHECK(exported_requests(dir.file("o.json"), "payment_201_count") > 0);
}

/// Returns the count of custom counter `name` in a summary export.
std::int64_t exported_count(const std::string& path, const char* name) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  REQUIRE(parser.load(path).get(doc) == simdjson::SUCCESS);
  std::int64_t n = -1;
  REQUIRE(doc["metrics"][name]["count"].get(n) == simdjson::SUCCESS);
  return n;
}

TEST_CASE("both seed profiles pass against a daemon in token mode, the bench minting each VU's "
          "tokens from the secret",
          "[bench][e2e][auth]") {
  temp_dir dir;
  const auto secret = dir.file("secret");
  std::ofstream(secret) << "bench-secret-bench-secret-bench-secret\n";
  actorshop::test::daemon_process d({"--db", dir.file("shop.db"), "--seed", "--log-level", "warn",
                                     "--auth-mode", "token", "--auth-secret-file", secret});
  const std::string url = "http://127.0.0.1:" + std::to_string(d.port());
  // The audits run over HTTP here (no --db): they read wallets and orders with tokens too.
  int rc = run_bench({"--profile", "coupon-peak", "--target", url, "--time-scale", "0.3", "--quiet",
                      "--auth-secret-file", secret, "--summary-export", dir.file("c.json")});
  CHECK((rc == 0 || rc == exit_threshold_failed));
  CHECK(exported_requests(dir.file("c.json"), "coupon_201_count") > 0);
  CHECK(exported_count(dir.file("c.json"), "coupon_other_count") == 0); // no 401 or 403
  rc = run_bench({"--profile", "order-payment", "--target", url, "--time-scale", "0.05", "--quiet",
                  "--auth-secret-file", secret, "--summary-export", dir.file("o.json")});
  CHECK((rc == 0 || rc == exit_threshold_failed));
  CHECK(exported_requests(dir.file("o.json"), "payment_201_count") > 0);
  CHECK(exported_count(dir.file("o.json"), "payment_other_count") == 0);
}
#endif

TEST_CASE("actorshop-bench --auth-secret-file is refused for the in-process target (104)",
          "[bench][e2e][auth]") {
  temp_dir dir;
  const auto secret = dir.file("secret");
  std::ofstream(secret) << std::string(32, 'x');
  CHECK(run_bench({"--target", "actors", "--auth-secret-file", secret, "--quiet"}) ==
        exit_invalid_config);
  std::ofstream(dir.file("short")) << "too short";
  CHECK(run_bench({"--target", "http://127.0.0.1:1", "--auth-secret-file", dir.file("short"),
                   "--quiet"}) == exit_invalid_config);
}

TEST_CASE("an invalid threshold is k6's InvalidConfig (104) before any load", "[bench][e2e]") {
  CHECK(run_bench({"--target", "http://127.0.0.1:1", "--threshold", "http_req_duration:p95<5",
                   "--quiet"}) == exit_invalid_config);
  CHECK(run_bench({"--target", "ftp://x", "--quiet"}) == exit_invalid_config);
  CHECK(run_bench({"--target", "http://127.0.0.1:1", "--threshold", "no_such:rate<1", "--quiet"}) ==
        exit_invalid_config);
}
