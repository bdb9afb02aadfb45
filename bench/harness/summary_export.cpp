// The `k6 run --summary-export` JSON (see summary.hpp), in k6's key order, and the pieces it
// shares with the handleSummary JSON: check entries with k6's md5 ids and the trend stats.
#include <openssl/evp.h>

#include <sstream>
#include <stdexcept>

#include "bench/harness/summary.hpp"

namespace actorshop::bench {

std::string md5_hex(const std::string& text) {
  // EVP rather than MD5(): OpenSSL 3 deprecates the low-level digest calls.
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!EVP_Digest(text.data(), text.size(), digest, &len, EVP_md5(), nullptr))
    throw std::runtime_error("md5 is not available in this OpenSSL");
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 15];
  }
  return out;
}

std::vector<std::string> parse_trend_stats(const std::string& list) {
  std::vector<std::string> out;
  std::stringstream in(list);
  for (std::string stat; std::getline(in, stat, ',');) {
    stat.erase(0, stat.find_first_not_of(' '));
    stat.erase(stat.find_last_not_of(' ') + 1);
    if (stat.rfind("p(", 0) == 0)
      parse_threshold("x", stat + "<0"); // throws on a malformed percentile, as k6 does
    else if (stat != "avg" && stat != "min" && stat != "med" && stat != "max" && stat != "count")
      throw std::invalid_argument("stat '" + stat +
                                  "' is not a valid trend stat (use avg, min, "
                                  "med, max, count or p(N))");
    out.push_back(stat);
  }
  if (out.empty())
    throw std::invalid_argument("--summary-trend-stats is empty");
  return out;
}

json check_entries(const run_totals& run) {
  json checks = json::array();
  const auto& c = run.all.custom;
  for (std::size_t i = 0; i < run.names.checks.size() && i < c.check_pass.size(); ++i) {
    const auto& n = run.names.checks[i];
    const std::string path = "::" + n; // the root group's path is "" (k6: group path + "::")
    checks.push_back({{"name", n},
                      {"path", path},
                      {"id", md5_hex(path)},
                      {"passes", c.check_pass[i]},
                      {"fails", c.check_fail[i]}});
  }
  return checks;
}

json trend_stat(const metric_view& m, const std::string& stat) {
  threshold t;
  t.aggregate = stat;
  if (stat.rfind("p(", 0) == 0)
    t.percentile = std::stod(stat.substr(2)) / 100;
  return k6_number(aggregate_of(m, t).value_or(0));
}

namespace {

json metric_of(const metric_view& m, const std::vector<threshold_result>& verdicts,
               const summary_options& opts) {
  json out = json::object();
  switch (m.type) {
  case metric_type::trend:
    for (const auto& stat : opts.trend_stats)
      out[stat] = trend_stat(m, stat);
    break;
  case metric_type::counter:
    out = {{"count", k6_number(m.count)}, {"rate", k6_number(m.rate)}};
    break;
  case metric_type::rate:
    out = {{"passes", m.passes}, {"fails", m.fails}, {"value", trend_stat(m, "rate")}};
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
                                const std::vector<threshold_result>& verdicts,
                                const summary_options& opts) {
  json checks = json::object(); // --summary-export keys the checks by name
  for (auto& c : check_entries(run))
    checks[c["name"].get<std::string>()] = c;
  json doc;
  doc["root_group"] = {{"name", ""},
                       {"path", ""},
                       {"id", md5_hex("")},
                       {"groups", json::object()},
                       {"checks", std::move(checks)}};
  json& out = doc["metrics"] = json::object();
  for (const auto& m : metrics)
    out[m.name] = metric_of(m, verdicts, opts);
  return dump(doc) + "\n";
}

} // namespace actorshop::bench
