// The `data` object k6 passes to handleSummary() (see summary.hpp): the format third-party
// k6 reporters (k6-html-reporter, k6-reporter) read, unlike the flatter --summary-export.
#include <unistd.h>

#include "bench/harness/summary.hpp"

namespace actorshop::bench {

namespace {

const char* type_name(metric_type t) {
  switch (t) {
  case metric_type::trend:
    return "trend";
  case metric_type::counter:
    return "counter";
  case metric_type::rate:
    return "rate";
  case metric_type::gauge:
    return "gauge";
  }
  return "counter";
}

json values_of(const metric_view& m, const summary_options& opts) {
  switch (m.type) {
  case metric_type::trend: {
    json v = json::object();
    for (const auto& stat : opts.trend_stats)
      v[stat] = trend_stat(m, stat);
    return v;
  }
  case metric_type::counter:
    return {{"count", k6_number(m.count)}, {"rate", k6_number(m.rate)}};
  case metric_type::rate:
    return {{"rate", trend_stat(m, "rate")}, {"passes", m.passes}, {"fails", m.fails}};
  case metric_type::gauge:
    return {{"value", k6_number(m.value)}, {"min", k6_number(m.min)}, {"max", k6_number(m.max)}};
  }
  return json::object();
}

json metric_of(const metric_view& m, const std::vector<threshold_result>& verdicts,
               const summary_options& opts) {
  json out = {{"type", type_name(m.type)},
              {"contains", m.is_time   ? "time"
                           : m.is_data ? "data"
                                       : "default"},
              {"values", values_of(m, opts)}};
  for (const auto& v : verdicts)
    if (v.t.metric == m.name)
      out["thresholds"][v.t.expression] = {{"ok", v.ok}}; // here true means passed
  return out;
}

} // namespace

std::string summary_data_json(const run_totals& run, const std::vector<metric_view>& metrics,
                              const std::vector<threshold_result>& verdicts,
                              const summary_options& opts) {
  json doc;
  doc["root_group"] = {{"name", ""},
                       {"path", ""},
                       {"id", md5_hex("")},
                       {"groups", json::array()},
                       {"checks", check_entries(run)}};
  // k6's three keys, then what actorshop-bench adds: the -e variables and --tag tags.
  doc["options"] = {{"summaryTrendStats", opts.trend_stats},
                    {"summaryTimeUnit", opts.time_unit},
                    {"noColor", opts.no_color},
                    {"env", opts.env},
                    {"tags", opts.tags}};
  doc["state"] = {{"isStdOutTTY", isatty(STDOUT_FILENO) == 1},
                  {"isStdErrTTY", isatty(STDERR_FILENO) == 1},
                  {"testRunDurationMs", k6_number(run.elapsed_s * 1000)}};
  json& out = doc["metrics"] = json::object();
  for (const auto& m : metrics)
    out[m.name] = metric_of(m, verdicts, opts);
  return dump(doc) + "\n";
}

} // namespace actorshop::bench
