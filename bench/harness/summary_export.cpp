// The `k6 run --summary-export` JSON (see summary.hpp), in k6's key order.
#include <functional>
#include <sstream>

#include "bench/harness/k6_json.hpp"
#include "bench/harness/summary.hpp"

namespace actorshop::bench {

namespace {

std::string hex_id(const std::string& name) {
  std::ostringstream o;
  o << std::hex << std::hash<std::string>{}(name);
  return o.str();
}

json checks_of(const run_totals& run) {
  json checks = json::object();
  const auto& c = run.all.custom;
  for (std::size_t i = 0; i < run.names.checks.size() && i < c.check_pass.size(); ++i) {
    const auto& n = run.names.checks[i];
    checks[n] = {{"name", n},
                 {"path", "::" + n},
                 {"id", hex_id(n)},
                 {"passes", c.check_pass[i]},
                 {"fails", c.check_fail[i]}};
  }
  return checks;
}

/// Returns the aggregate `key` ("avg", "p(95)", "rate"...) of `m` as k6 exports it.
json aggregate(const metric_view& m, const char* key) {
  threshold t;
  t.aggregate = key;
  if (t.aggregate.rfind("p(", 0) == 0)
    t.percentile = std::stod(t.aggregate.substr(2)) / 100;
  return k6_number(aggregate_of(m, t).value_or(0));
}

json metric_of(const metric_view& m, const std::vector<threshold_result>& verdicts) {
  json out = json::object();
  switch (m.type) {
  case metric_type::trend:
    for (const char* key : {"avg", "min", "med", "max", "p(90)", "p(95)"})
      out[key] = aggregate(m, key);
    break;
  case metric_type::counter:
    out = {{"count", k6_number(m.count)}, {"rate", k6_number(m.rate)}};
    break;
  case metric_type::rate:
    out = {{"passes", m.passes}, {"fails", m.fails}, {"value", aggregate(m, "rate")}};
    break;
  case metric_type::gauge:
    out = {{"value", k6_number(m.value)}, {"min", k6_number(m.min)}, {"max", k6_number(m.max)}};
    break;
  }
  for (const auto& v : verdicts)
    if (v.t.metric == m.name)
      out["thresholds"][v.t.expression] = !v.ok; // k6 quirk kept: true means FAILED
  return out;
}

} // namespace

std::string summary_export_json(const run_totals& run, const std::vector<metric_view>& metrics,
                                const std::vector<threshold_result>& verdicts) {
  json doc;
  doc["root_group"] = {{"name", ""},
                       {"path", ""},
                       {"id", "d41d8cd98f00b204e9800998ecf8427e"},
                       {"groups", json::object()},
                       {"checks", checks_of(run)}};
  json& out = doc["metrics"] = json::object();
  for (const auto& m : metrics)
    out[m.name] = metric_of(m, verdicts);
  return dump(doc) + "\n";
}

} // namespace actorshop::bench
