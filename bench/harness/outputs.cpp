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

/// k6's system tags of a point, those of `ctx.system_tags` only: request metrics carry the
/// request's tags, samples of a VU the root group's empty `group`, all but the gauges the
/// scenario. error_code is 1000 + status for 4xx and 5xx, 1000 when the transport failed.
std::map<std::string, std::string> system_tags_of(const point& x, const output_context& ctx) {
  std::map<std::string, std::string> t;
  if (x.req) {
    const std::string url = ctx.base_url + endpoint_paths[static_cast<int>(x.req->ep)];
    const int st = x.req->status;
    t["method"] = "POST";
    t["name"] = url;
    t["url"] = url;
    t["status"] = std::to_string(st);
    t["expected_response"] = st >= 200 && st < 400 ? "true" : "false";
    t["proto"] = "HTTP/1.1";
    if (st == 0 || st >= 400)
      t["error_code"] = std::to_string(st == 0 ? 1000 : 1000 + st);
    if (const auto ip = ip_tag_of(ctx.base_url); !ip.empty())
      t["ip"] = ip;
  }
  if (x.check)
    t["check"] = *x.check;
  if (x.src)
    t["group"] = ""; // the root group: the seed scripts have no group()
  const bool gauge = std::string_view(x.metric) == "vus" || std::string_view(x.metric) == "vus_max";
  if (!gauge)
    t["scenario"] = ctx.scenario;
  std::erase_if(t, [&](const auto& kv) {
    system_tag tag;
    return system_tag_of(kv.first, tag) && !ctx.system_tags.has(tag);
  });
  return t;
}

/// k6's per-sample metadata: vu and iter when --system-tags enables them ("" otherwise).
std::vector<std::pair<const char*, std::string>> metadata_of(const point& x,
                                                             const output_context& ctx) {
  std::vector<std::pair<const char*, std::string>> m;
  if (!x.src)
    return m;
  if (ctx.system_tags.has(system_tag::iter))
    m.emplace_back("iter", std::to_string(x.src->iter));
  if (ctx.system_tags.has(system_tag::vu))
    m.emplace_back("vu", std::to_string(x.src->vu));
  return m;
}

/// The series of a point (what repeats for every sample): metric, endpoint, status, stat, check.
using series_key = std::tuple<const char*, int, int, std::string, const std::string*, bool>;
series_key series_of(const point& x) {
  return {x.metric,
          x.req ? static_cast<int>(x.req->ep) : -1,
          x.req ? x.req->status : 0,
          x.extra,
          x.check,
          x.src != nullptr};
}

/// k6's CSV rows. The columns are the enabled series tags, sorted; a series' tag cells and
/// extra_tags are formatted once; each row adds its time, value and metadata (vu, iter).
class csv_rows {
public:
  explicit csv_rows(output_context ctx)
      : ctx_(std::move(ctx)), columns_(ctx_.system_tags.indexed_names()) {}
  void write(std::FILE* f, const point& x) {
    const std::string& cells = series(x);
    std::fprintf(f, "%s,%lld,%.6f%s", x.metric, static_cast<long long>(x.time), x.value,
                 cells.c_str());
    std::string meta;
    for (const auto& [k, v] : metadata_of(x, ctx_))
      meta.append(meta.empty() ? "" : "&").append(k).append("=").append(v);
    std::fprintf(f, "%s\n", meta.c_str());
  }

private:
  const std::string& series(const point& x) {
    auto [it, fresh] = series_.try_emplace(series_of(x));
    if (fresh) {
      const auto tags = system_tags_of(x, ctx_);
      for (const auto& c : columns_) {
        const auto t = tags.find(c);
        it->second.append(",").append(csv_cell(t == tags.end() ? "" : t->second));
      }
      it->second.append(",").append(csv_cell(extra_tags(ctx_, x.extra))).append(",");
    }
    return it->second;
  }

  output_context ctx_;
  std::vector<std::string> columns_;
  std::map<series_key, std::string> series_;
};

second_sink csv_sink(const std::string& path, const output_context& ctx) {
  auto f = open_file(path);
  std::fprintf(f.get(), "%s\n", csv_header(ctx.system_tags).c_str());
  auto rows = std::make_shared<csv_rows>(ctx);
  return [f, rows, ctx](const second_point& p, const interval_data& d) {
    expand(p, d, ctx.every_sample, ctx.names, [&](const point& x) { rows->write(f.get(), x); });
    std::fflush(f.get());
  };
}

/// k6's tags of a point as JSON: the enabled system tags, --tag's, and an aggregate's stat.
json json_tags(const point& x, const output_context& ctx) {
  json tags = json::object();
  for (const auto& [k, v] : system_tags_of(x, ctx))
    tags[k] = v;
  for (const auto& [k, v] : ctx.tags)
    tags[k] = v;
  if (!x.extra.empty())
    tags["stat"] = x.extra.substr(5); // "stat=p95" -> "p95"
  return tags;
}

/// k6's JSON lines, one per point. A series (metric and tags) repeats for every sample, so its
/// line is built once and each point only sets time, value and metadata before the dump: the
/// sink writes millions of lines and must keep the collector's one-second beat.
class json_lines {
public:
  explicit json_lines(output_context ctx) : ctx_(std::move(ctx)) {}
  std::string line(const point& x) {
    json& j = series(x);
    j["data"]["time"] = rfc3339(x.time);
    j["data"]["value"] = k6_number(x.value);
    const auto meta = metadata_of(x, ctx_);
    if (!meta.empty()) // k6 omits an empty metadata
      for (const auto& [k, v] : meta)
        j["data"]["metadata"][k] = v;
    return dump(j);
  }

private:
  json& series(const point& x) {
    auto it = series_.find(series_of(x));
    if (it == series_.end()) {
      json j = {{"type", "Point"},
                {"metric", x.metric},
                {"data", {{"time", ""}, {"value", 0}, {"tags", json_tags(x, ctx_)}}}};
      it = series_.emplace(series_of(x), std::move(j)).first;
    }
    return it->second;
  }

  output_context ctx_;
  std::map<series_key, json> series_;
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
  auto dropped_declared = std::make_shared<bool>(false);
  return [f, lines, ctx, dropped_declared](const second_point& p, const interval_data& d) {
    expand(p, d, ctx.every_sample, ctx.names, [&](const point& x) {
      // dropped_iterations exists only in runs that drop: declared before its first sample.
      if (!*dropped_declared && std::string_view(x.metric) == "dropped_iterations") {
        *dropped_declared = true;
        std::fprintf(f.get(), "%s\n",
                     dump(metric_line("dropped_iterations", "counter", "default", ctx)).c_str());
      }
      std::fprintf(f.get(), "%s\n", lines->line(x).c_str());
    });
    std::fflush(f.get());
  };
}

} // namespace

std::string csv_header(const system_tag_set& tags) {
  std::string h = "metric_name,timestamp,metric_value";
  for (const auto& c : tags.indexed_names())
    h += "," + c;
  return h + ",extra_tags,metadata";
}

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
