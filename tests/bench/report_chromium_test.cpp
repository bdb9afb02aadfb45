// The --report page as Debian's Chromium renders it (headless --dump-dom): the charts are SVG
// elements with drawn lines and the threshold verdicts are list items in the parsed DOM.
// A missing chromium fails the test: config/setup.sh installs it.
#include <catch2/catch.hpp>

#include <regex>

#include "tests/bench/tool_fixture.hpp"

using namespace actorshop::bench;
using namespace actorshop::bench::tools;

namespace {

/// The DOM of `html_file` after Chromium parsed and laid it out (bounded with timeout 60).
std::string rendered_dom(const temp_dir& dir, const std::string& html_file) {
  const std::string chromium = find_tool("chromium");
  REQUIRE_FALSE(chromium.empty()); // apt-get install chromium (config/setup.sh deps)
  const std::string profile = dir.file("chromium-profile");
  std::filesystem::create_directory(profile);
  int status = 0;
  const std::string dom =
      shell_output("timeout 60 " + chromium +
                       " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run"
                       " --disable-background-networking --disable-component-update --disable-sync"
                       " --user-data-dir=" +
                       sh_quote(profile) + " --virtual-time-budget=3000 --dump-dom " +
                       sh_quote("file://" + html_file) + " 2>" + sh_quote(dir.file("chromium.log")),
                   status);
  REQUIRE(status == 0);
  return dom;
}

/// Counts the non-overlapping matches of `re` in `text`.
std::size_t count_matches(const std::string& text, const std::regex& re) {
  return static_cast<std::size_t>(
      std::distance(std::sregex_iterator(text.begin(), text.end(), re), std::sregex_iterator()));
}

} // namespace

#ifdef ACTORSHOP_BENCH_WITH_ACTORS
TEST_CASE("the HTML report renders in Chromium with six drawn charts and the verdicts",
          "[bench][chromium]") {
  temp_dir dir;
  const int rc = run_bench({"--target", "actors", "--stage", "2s:3", "--quiet", "--report",
                            dir.file("report.html"), "--threshold", "http_req_duration:p(95)<60000",
                            "--threshold", "http_req_failed:rate<0"});
  CHECK(rc == exit_threshold_failed); // rate<0 can never hold: one verdict of each kind
  const std::string dom = rendered_dom(dir, dir.file("report.html"));
  INFO(dom.substr(0, 2000));

  // The serializer writes attributes with double quotes: this is the parsed DOM, not our text.
  CHECK(count_matches(dom, std::regex("<svg[^>]*class=\"chart\"")) == 6);
  // Every chart draws at least one line with points in it.
  const std::regex drawn("<polyline[^>]*points=\"[0-9.]+,[0-9.]+ [^\"]");
  std::size_t charts_with_lines = 0;
  for (std::size_t at = dom.find("<svg"); at != std::string::npos; at = dom.find("<svg", at + 1)) {
    const auto end = dom.find("</svg>", at);
    REQUIRE(end != std::string::npos);
    const std::string chart = dom.substr(at, end - at);
    charts_with_lines += count_matches(chart, drawn) > 0 ? 1 : 0;
  }
  CHECK(charts_with_lines == 6);
  for (const char* title : {"VUs (count)", "Requests (req/s)", "Latency (ms)",
                            "Status codes (per s)", "Server RSS (MB)", "Server CPU (%)"})
    CHECK_THAT(dom, Catch::Contains(title));

  CHECK(count_matches(dom, std::regex("<li class=\"ok\">✓ http_req_duration p\\(95\\)&lt;60000")) ==
        1);
  CHECK(count_matches(dom, std::regex("<li class=\"fail\">✗ http_req_failed rate&lt;0")) == 1);
  CHECK_THAT(dom, Catch::Contains("<h2>Summary</h2>"));
}
#endif
