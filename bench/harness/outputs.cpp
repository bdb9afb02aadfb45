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

second_sink csv_sink(const std::string& path, const output_context& ctx) {
  auto f = open_file(path);
  std::fprintf(f.get(), "%s\n", k6_csv_header);
  return [f, ctx](const second_point& p, const interval_data& d) {
    expand(p, d, ctx.every_sample, ctx.names, [&](const point& x) {
      std::string method, url, status, expected;
      if (x.req) {
        method = "POST";
        url = ctx.base_url + endpoint_paths[static_cast<int>(x.req->ep)];
        status = std::to_string(x.req->status);
        expected = x.req->status >= 200 && x.req->status < 400 ? "true" : "false";
      }
      std::fprintf(f.get(), "%s,%lld,%.6f,%s,,,%s,,%s,%s,%s,%s,,%s,,,%s,%s\n", x.metric,
                   static_cast<long long>(x.time), x.value, x.check ? x.check->c_str() : "",
                   expected.c_str(), method.c_str(), url.c_str(), x.req ? "HTTP/1.1" : "",
                   ctx.scenario.c_str(), status.c_str(), url.c_str(), x.extra.c_str());
    });
    std::fflush(f.get());
  };
}

/// k6's tags of a point as JSON; request tags only for request metrics.
json json_tags(const point& x, const output_context& ctx) {
  json tags = {{"scenario", ctx.scenario}};
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
  if (x.check)
    tags["check"] = *x.check;
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

second_sink json_sink(const std::string& path, const output_context& ctx) {
  auto f = open_file(path);
  for (const char* m :
       {"checks", "data_received", "data_sent", "http_req_blocked", "http_req_connecting",
        "http_req_duration", "http_req_failed", "http_req_receiving", "http_req_sending",
        "http_req_tls_handshaking", "http_req_waiting", "http_reqs", "iteration_duration",
        "iterations", "vus", "vus_max"}) {
    const json metric = {{"type", "Metric"}, {"data", {{"name", m}}}, {"metric", m}};
    std::fprintf(f.get(), "%s\n", dump(metric).c_str());
  }
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
