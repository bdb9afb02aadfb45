// The --report page of a real short run against the real daemon, as Debian's headless Chromium
// draws it (tests/support/chart_check.js over the DevTools protocol): every dygraphs chart has
// rows and painted its canvas, zooming one zooms every time series, the verdicts are list items.
// A missing chromium or node fails the test: config/setup.sh installs them.
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "support/chart_check.hpp"
#include "support/daemon_process.hpp"
#include "support/http_client.hpp"
#include "tests/bench/tool_fixture.hpp"

using namespace actorshop::bench;
using namespace actorshop::bench::tools;

namespace {

bool has_chart(const actorshop::test::chart_check_result& r, const std::string& title) {
  return std::any_of(r.charts.begin(), r.charts.end(),
                     [&](const auto& c) { return c.title == title; });
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

} // namespace

#ifdef ACTORSHOP_DAEMON
TEST_CASE("the HTML report of a run against the daemon draws every chart in Chromium and zooms",
          "[bench][chromium]") {
  temp_dir dir;
  actorshop::test::daemon_process d({"--db", dir.file("shop.db"), "--seed", "--log-level", "warn"});
  const std::string url = "http://127.0.0.1:" + std::to_string(d.port());
  const std::string report = dir.file("report.html");
  const int rc =
      run_bench({"--profile", "order-payment", "--target", url, "--stage", "2s:5", "--stage",
                 "2s:10", "--quiet", "--db", dir.file("shop.db"), "--report", report, "--threshold",
                 "http_req_duration:p(95)<60000", "--threshold", "http_req_failed:rate<0"});
  CHECK(rc == exit_threshold_failed); // rate<0 can never hold: one verdict of each kind

  // Self-contained: dygraphs is inlined and nothing is loaded from anywhere.
  const std::string html = slurp(report);
  CHECK_THAT(html, Catch::Contains("Dygraph"));
  CHECK_THAT(html, !Catch::Contains("<script src") && !Catch::Contains("<link"));

  actorshop::test::chart_check_options options;
  options.zoom = true;
  const auto r = actorshop::test::check_charts("file://" + report, dir.path.string(), options);
  INFO(r.json);
  REQUIRE(r.ok);
  CHECK(r.errors.empty());
  for (const auto& c : r.charts) {
    INFO(c.title);
    CHECK(c.rows > 0);
    CHECK(c.drawn);
  }
  for (const char* title :
       {"Virtual users", "Requests per second", "http_req_duration, all requests",
        "http_req_duration, POST /orders", "http_req_duration, POST /payments", "Status mix",
        "k6 timing breakdown, mean per second", "k6 timing breakdown, p99 per second",
        "Server resident memory (RSS)", "Server CPU", "http_req_duration distribution (whole run)"})
    CHECK(has_chart(r, title));
  // The daemon's own figures are charted when its /metrics has them (issue 11's families).
  actorshop::test::client http(d.port());
  const std::string metrics = http.get("/metrics").body;
  if (metrics.find("actorshop_writer_batch_size") != std::string::npos) {
    CHECK(has_chart(r, "Daemon: writer batch size"));
    CHECK(has_chart(r, "Daemon: requests in flight"));
    CHECK(has_chart(r, "Daemon: live actors"));
  }
  CHECK(r.zoom_synced);
  CHECK(r.zoomed_charts == static_cast<std::int64_t>(r.charts.size()) - 1); // all but the histogram

  CHECK(std::any_of(r.items.begin(), r.items.end(), [](const std::string& i) {
    return i.starts_with("ok ✓ http_req_duration p(95)<60000");
  }));
  CHECK(std::any_of(r.items.begin(), r.items.end(), [](const std::string& i) {
    return i.starts_with("fail ✗ http_req_failed rate<0");
  }));
}
#endif
