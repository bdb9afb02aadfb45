// The CSV and JSON-lines outputs and --out dispatch (see outputs.hpp).
#include "bench/harness/outputs.hpp"

#include <cmath>
#include <cstdio>
#include <ctime>
#include <map>
#include <memory>
#include <stdexcept>
#include <tuple>

#include "bench/harness/influx_output.hpp"
#include "bench/harness/k6_json.hpp"
#include "bench/harness/sample_points.hpp"

namespace actorshop::bench {

namespace {

std::shared_ptr<std::FILE> open_file(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (!f)
    throw std::invalid_argument("cannot write output file '" + path + "'");
  return {f, [](std::FILE* x) { std::fclose(x); }};
}

/// k6's extra_tags cell: the tags without a column of their own, "k=v&k2=v2".
std::string extra_tags(const output_context& ctx, const std::string& extra) {
  std::string out;
  for (const auto& [k, v] : ctx.tags)
    out += (out.empty() ? "" : "&") + k + "=" + v;
  if (!extra.empty())
    out += (out.empty() ? "" : "&") + extra;
  return out;
}

/// Quotes a CSV cell when it holds a comma, a quote or a newline (RFC 4180, as Go's csv does).
std::string csv_cell(const std::string& v) {
  if (v.find_first_of(",\"\n") == std::string::npos)
    return v;
  std::string out = "\"";
  for (char ch : v)
    out += ch == '"' ? std::string("\"\"") : std::string(1, ch);
  return out + "\"";
}

void csv_row(std::FILE* f, const point& x, const output_context& ctx) {
  const std::string check = x.check ? *x.check : std::string();
  std::string method, url, status, expected;
  if (x.req) {
    method = "POST";
    url = ctx.base_url + endpoint_paths[static_cast<int>(x.req->ep)];
    status = std::to_string(x.req->status);
    expected = x.req->status >= 200 && x.req->status < 400 ? "true" : "false";
  }
  // Columns: metric_name,timestamp,metric_value,check,error,error_code,expected_response,group,
  // method,name,proto,scenario,service,status,subproto,tls_version,url,extra_tags,metadata.
  // group is "" for the root group (the seed scripts have no group()); metadata is empty as in
  // k6 without --system-tags vu,iter.
  std::fprintf(f, "%s,%lld,%.6f,%s,,,%s,,%s,%s,%s,%s,,%s,,,%s,%s,\n", x.metric,
               static_cast<long long>(x.time), x.value, csv_cell(check).c_str(), expected.c_str(),
               method.c_str(), url.c_str(), x.req ? "HTTP/1.1" : "", ctx.scenario.c_str(),
               status.c_str(), url.c_str(), csv_cell(extra_tags(ctx, x.extra)).c_str());
}

second_sink csv_sink(const std::string& path, const output_context& ctx) {
  auto f = open_file(path);
  std::fprintf(f.get(), "%s\n", k6_csv_header);
  return [f, ctx](const second_point& p, const interval_data& d) {
    expand(p, d, ctx.every_sample, ctx.names, [&](const point& x) { csv_row(f.get(), x, ctx); });
    std::fflush(f.get());
  };
}

/// k6's tags of a point as JSON; request tags only for request metrics.
json json_tags(const point& x, const output_context& ctx) {
  json tags = {{"scenario", ctx.scenario}};
  for (const auto& [k, v] : ctx.tags)
    tags[k] = v;
  if (x.req) {
    const std::string url = ctx.base_url + endpoint_paths[static_cast<int>(x.req->ep)];
    const bool expected = x.req->status >= 200 && x.req->status < 400;
    tags["method"] = "POST";
    tags["name"] = url;
    tags["url"] = url;
    tags["status"] = std::to_string(x.req->status);
    tags["expected_response"] = expected ? "true" : "false";
    tags["proto"] = "HTTP/1.1";
  }
  if (!x.extra.empty())
    tags["stat"] = x.extra.substr(5); // "stat=p95" -> "p95"
  if (x.check) {
    tags["check"] = *x.check;
    tags["group"] = ""; // the root group
  }
  return tags;
}

/// k6's JSON lines, one per point. A series (metric and tags) repeats for every sample, so its
/// line is built once and each point only sets time and value before the dump: with
/// --out-samples the sink writes millions of lines and must keep the collector's one-second beat.
class json_lines {
public:
  explicit json_lines(output_context ctx) : ctx_(std::move(ctx)) {}
  std::string line(const point& x) {
    json& j = series(x);
    j["data"]["time"] = rfc3339(x.time);
    j["data"]["value"] = k6_number(x.value);
    return dump(j);
  }

private:
  // metric, endpoint, status, stat, check
  using key = std::tuple<const char*, int, int, std::string, const std::string*>;
  json& series(const point& x) {
    key k{x.metric, x.req ? static_cast<int>(x.req->ep) : -1, x.req ? x.req->status : 0, x.extra,
          x.check};
    auto it = series_.find(k);
    if (it == series_.end()) {
      json j = {{"type", "Point"},
                {"metric", x.metric},
                {"data", {{"time", ""}, {"value", 0}, {"tags", json_tags(x, ctx_)}}}};
      it = series_.emplace(std::move(k), std::move(j)).first;
    }
    return it->second;
  }

  output_context ctx_;
  std::map<key, json> series_;
};

/// k6's Metric line: written once per metric before its first sample.
json metric_line(const char* name, const char* type, const char* contains,
                 const output_context& ctx) {
  json thresholds = json::array();
  json submetrics = nullptr;
  for (const auto& [metric, exprs] : ctx.thresholds) {
    const std::string base = metric.substr(0, metric.find('{'));
    if (metric == name)
      for (const auto& e : exprs)
        thresholds.push_back(e);
    else if (base == name && metric.size() > base.size() + 2) {
      // "http_req_duration{expected_response:true}": suffix and tags of the submetric.
      const std::string suffix = metric.substr(base.size() + 1, metric.size() - base.size() - 2);
      const auto colon = suffix.find(':');
      if (submetrics.is_null())
        submetrics = json::array();
      submetrics.push_back({{"name", metric},
                            {"suffix", suffix},
                            {"tags", {{suffix.substr(0, colon), suffix.substr(colon + 1)}}}});
    }
  }
  return {{"type", "Metric"},
          {"data",
           {{"name", name},
            {"type", type},
            {"contains", contains},
            {"thresholds", thresholds},
            {"submetrics", submetrics}}},
          {"metric", name}};
}

second_sink json_sink(const std::string& path, const output_context& ctx) {
  auto f = open_file(path);
  // k6's built-in metrics, each with its type and what it contains (time values are ms).
  const char* metrics[][3] = {{"checks", "rate", "default"},
                              {"data_received", "counter", "data"},
                              {"data_sent", "counter", "data"},
                              {"http_req_blocked", "trend", "time"},
                              {"http_req_connecting", "trend", "time"},
                              {"http_req_duration", "trend", "time"},
                              {"http_req_failed", "rate", "default"},
                              {"http_req_receiving", "trend", "time"},
                              {"http_req_sending", "trend", "time"},
                              {"http_req_tls_handshaking", "trend", "time"},
                              {"http_req_waiting", "trend", "time"},
                              {"http_reqs", "counter", "default"},
                              {"iteration_duration", "trend", "time"},
                              {"iterations", "counter", "default"},
                              {"vus", "gauge", "default"},
                              {"vus_max", "gauge", "default"}};
  for (const auto& m : metrics)
    std::fprintf(f.get(), "%s\n", dump(metric_line(m[0], m[1], m[2], ctx)).c_str());
  auto lines = std::make_shared<json_lines>(ctx);
  return [f, lines, ctx](const second_point& p, const interval_data& d) {
    expand(p, d, ctx.every_sample, ctx.names,
           [&](const point& x) { std::fprintf(f.get(), "%s\n", lines->line(x).c_str()); });
    std::fflush(f.get());
  };
}

} // namespace

std::string rfc3339(double unix_time) {
  const auto secs = static_cast<std::time_t>(std::floor(unix_time));
  const auto micros = static_cast<long>(std::llround((unix_time - std::floor(unix_time)) * 1e6));
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                std::min(micros, 999999L));
  return buf;
}

second_sink make_output(const std::string& spec, const output_context& ctx) {
  const auto eq = spec.find('=');
  const std::string kind = spec.substr(0, eq),
                    arg = eq == std::string::npos ? "" : spec.substr(eq + 1);
  if (arg.empty())
    throw std::invalid_argument("--out '" + spec + "' needs KIND=DESTINATION");
  if (kind == "csv")
    return csv_sink(arg, ctx);
  if (kind == "json")
    return json_sink(arg, ctx);
  if (kind == "influxdb")
    return influx_sink(arg, ctx);
  throw std::invalid_argument("unknown --out kind '" + kind + "' (csv, json, influxdb)");
}

} // namespace actorshop::bench
