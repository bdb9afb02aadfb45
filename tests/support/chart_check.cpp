#include "support/chart_check.hpp"

#include <fstream>
#include <sstream>

#include <simdjson.h>

#include "support/process.hpp"

namespace actorshop::test {
namespace {

std::vector<std::string> strings_of(simdjson::dom::element array) {
  std::vector<std::string> out;
  simdjson::dom::array a;
  if (array.get(a) == simdjson::SUCCESS)
    for (auto v : a) {
      std::string_view s;
      out.emplace_back(v.get(s) == simdjson::SUCCESS ? std::string(s) : simdjson::to_string(v));
    }
  return out;
}

void read_result(const std::string& text, chart_check_result& r) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(text).get(root) != simdjson::SUCCESS)
    return;
  r.ok = root["ok"].get_bool().value_unsafe();
  r.errors = strings_of(root["errors"]);
  simdjson::dom::object state;
  if (root["state"].get(state) == simdjson::SUCCESS) {
    r.polls = state["polls"].get_int64().value_unsafe();
    r.items = strings_of(state["items"]);
    simdjson::dom::array charts;
    if (state["charts"].get(charts) == simdjson::SUCCESS)
      for (auto c : charts)
        r.charts.push_back({std::string(c["kind"].get_string().value_unsafe()),
                            std::string(c["title"].get_string().value_unsafe()),
                            c["rows"].get_int64().value_unsafe(),
                            c["drawn"].get_bool().value_unsafe(), strings_of(c["missing"])});
  }
  simdjson::dom::object zoom;
  if (root["zoom"].get(zoom) == simdjson::SUCCESS) {
    r.zoom_synced = zoom["synced"].get_bool().value_unsafe();
    r.zoomed_charts = zoom["charts"].get_int64().value_unsafe();
  }
  simdjson::dom::object detail;
  if (root["detail"].get(detail) == simdjson::SUCCESS) {
    r.detail.opened = detail["opened"].get_bool().value_unsafe();
    r.detail.title = std::string(detail["title"].get_string().value_unsafe());
    r.detail.rows = detail["rows"].get_int64().value_unsafe();
    r.detail.drawn = detail["drawn"].get_bool().value_unsafe();
    r.detail.grew = detail["grew"].get_bool().value_unsafe();
    r.detail.closed = detail["closed"].get_bool().value_unsafe();
  }
}

} // namespace

chart_check_result check_charts(const std::string& url, const std::string& work_dir,
                                const chart_check_options& o) {
  const std::string out = work_dir + "/chart_check.json";
  std::string cmd = "timeout " + std::to_string(o.deadline_s + 30) + " node " +
                    sh_quote(ACTORSHOP_CHART_CHECK_JS) + " --url " + sh_quote(url) + " --out " +
                    sh_quote(out) + " --deadline " + std::to_string(o.deadline_s) + " --chromium " +
                    sh_quote(find_tool("chromium")) + " --profile " +
                    sh_quote(work_dir + "/chromium-profile") + " --min-polls " +
                    std::to_string(o.min_polls);
  if (o.zoom)
    cmd += " --zoom";
  if (o.detail)
    cmd += " --detail";
  if (!o.screenshot.empty())
    cmd += " --screenshot " + sh_quote(o.screenshot);
  int status = 0;
  shell_output(cmd + " 2>" + sh_quote(work_dir + "/chart_check.log"), status);
  chart_check_result r;
  std::ifstream in(out);
  std::stringstream text;
  text << in.rdbuf();
  r.json = text.str();
  read_result(r.json, r);
  r.ok = r.ok && status == 0;
  return r;
}

} // namespace actorshop::test
