#include "bench/harness/report.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <set>
#include <sstream>

#include "http/assets/pages.hpp"

namespace actorshop::bench {

namespace {

using http::assets::html_escape;

/// A value of a row, or a gap (null) when it does not mean anything.
json value_or_gap(double v, bool meaningful) {
  return meaningful && std::isfinite(v) ? json(std::round(v * 1000) / 1000) : json(nullptr);
}

/// The values of one second for a chart's series; `dt` is the second's length (the last one is
/// often a sliver, whose rates would be noise).
using row_fn = std::function<std::vector<json>(const second_point&, double dt)>;

json series_chart(const run_totals& run, const std::string& title, const std::string& ylabel,
                  const std::vector<std::string>& names, const row_fn& row) {
  json data = json::array();
  double prev = 0;
  for (const auto& p : run.series) {
    json r = json::array({std::round(p.t * 1000) / 1000});
    for (auto& v : row(p, p.t - prev))
      r.push_back(std::move(v));
    data.push_back(std::move(r));
    prev = p.t;
  }
  json labels = json::array({"t"});
  for (const auto& n : names)
    labels.push_back(n);
  return {
      {"kind", "series"}, {"title", title}, {"ylabel", ylabel}, {"labels", labels}, {"data", data}};
}

bool full_second(double dt) { return dt >= 0.5; }

/// The time trends whose thresholds are in milliseconds and can be drawn as lines.
bool is_time_trend(const std::string& metric) {
  return metric.starts_with("http_req_") && metric != "http_req_failed";
}

std::string base_metric(const std::string& metric) { return metric.substr(0, metric.find('{')); }

/// Adds the thresholds on `metrics` to `chart` (lines) and lists them in its note.
void add_thresholds(json& chart, const std::set<std::string>& metrics,
                    const std::vector<threshold_result>& verdicts) {
  json lines = json::array();
  std::string note;
  for (const auto& v : verdicts) {
    const auto base = base_metric(v.t.metric);
    if (!metrics.count(base) || !is_time_trend(base))
      continue;
    const std::string label = v.t.metric + " " + v.t.expression;
    lines.push_back({{"y", v.t.value}, {"label", label}, {"ok", v.ok}});
    note += (note.empty() ? "thresholds: " : ", ") + label + (v.ok ? " (passed)" : " (failed)");
  }
  chart["thresholds"] = lines;
  if (!note.empty())
    chart["note"] = note;
}

json percentile_row(const latency_point& l) {
  const bool any = l.requests > 0;
  return json::array(
      {value_or_gap(l.p50_ms, any), value_or_gap(l.p95_ms, any), value_or_gap(l.p99_ms, any)});
}

std::vector<json> as_vector(const json& array) { return {array.begin(), array.end()}; }

/// VUs, request rate and latency of all requests.
void add_load_charts(json& charts, const report_input& in) {
  const auto& run = in.run;
  charts.push_back(series_chart(run, "Virtual users", "VUs", {"vus", "vus_max"},
                                [](const second_point& p, double) {
                                  return std::vector<json>{p.vus, p.vus_max};
                                }));
  charts.push_back(series_chart(
      run, "Requests per second", "req/s", {"http_reqs", "http_req_failed"},
      [](const second_point& p, double dt) {
        return std::vector<json>{value_or_gap(double(p.requests) / dt, full_second(dt)),
                                 value_or_gap(double(p.failed) / dt, full_second(dt))};
      }));
  json all =
      series_chart(run, "http_req_duration, all requests", "ms", {"p50", "p95", "p99"},
                   [](const second_point& p, double) {
                     return as_vector(percentile_row({p.requests, p.p50_ms, p.p95_ms, p.p99_ms}));
                   });
  add_thresholds(all, {"http_req_duration"}, in.verdicts);
  charts.push_back(std::move(all));
}

/// p50/p95/p99 of each endpoint the run used.
void add_endpoint_charts(json& charts, const report_input& in) {
  for (std::size_t i = 0; i < endpoint_paths.size(); ++i) {
    if (in.run.all.by_endpoint[i].count() == 0)
      continue;
    json c = series_chart(in.run, std::string("http_req_duration, POST ") + endpoint_paths[i], "ms",
                          {"p50", "p95", "p99"}, [i](const second_point& p, double) {
                            return as_vector(percentile_row(p.by_endpoint[i]));
                          });
    add_thresholds(c, {"http_req_duration"}, in.verdicts);
    charts.push_back(std::move(c));
  }
}

void add_status_chart(json& charts, const report_input& in) {
  std::set<int> codes;
  for (const auto& p : in.run.series)
    for (const auto& [code, n] : p.statuses)
      codes.insert(code);
  std::vector<std::string> names;
  for (int c : codes)
    names.push_back(std::to_string(c));
  json c = series_chart(in.run, "Status mix", "responses/s", names,
                        [codes](const second_point& p, double dt) {
                          std::vector<json> row;
                          for (int code : codes) {
                            const auto it = p.statuses.find(code);
                            const double n = it == p.statuses.end() ? 0.0 : double(it->second);
                            row.push_back(value_or_gap(n / dt, full_second(dt)));
                          }
                          return row;
                        });
  c["stacked"] = true;
  charts.push_back(std::move(c));
}

/// k6's phases of a request per second: mean and p99.
void add_timing_charts(json& charts, const report_input& in) {
  std::vector<std::string> names;
  std::set<std::string> metrics;
  for (const char* phase : phase_names) {
    names.push_back(phase);
    metrics.insert(std::string("http_req_") + phase);
  }
  for (bool p99 : {false, true}) {
    json c = series_chart(
        in.run,
        p99 ? "k6 timing breakdown, p99 per second" : "k6 timing breakdown, mean per second", "ms",
        names, [p99](const second_point& p, double) {
          std::vector<json> row;
          for (std::size_t i = 0; i < phase_names.size(); ++i)
            row.push_back(
                value_or_gap(p99 ? p.phase_p99_ms[i] : p.phase_mean_ms[i], p.requests > 0));
          return row;
        });
    add_thresholds(c, metrics, in.verdicts);
    charts.push_back(std::move(c));
  }
}

/// The server process's RSS and CPU (from /proc), when the harness could see it.
void add_process_charts(json& charts, const report_input& in) {
  const auto& s = in.run.series;
  if (std::none_of(s.begin(), s.end(), [](const auto& p) { return p.server_rss_mb >= 0; }))
    return;
  charts.push_back(series_chart(
      in.run, "Server resident memory (RSS)", "MB", {"rss"}, [](const second_point& p, double) {
        return std::vector<json>{value_or_gap(p.server_rss_mb, p.server_rss_mb >= 0)};
      }));
  charts.push_back(series_chart(
      in.run, "Server CPU", "% of one core", {"cpu"}, [](const second_point& p, double dt) {
        return std::vector<json>{
            value_or_gap(p.server_cpu_pct, p.server_cpu_pct >= 0 && full_second(dt))};
      }));
}

/// The daemon's own figures scraped from /metrics, one chart per kind of figure.
void add_daemon_charts(json& charts, const report_input& in) {
  struct group {
    const char* title;
    const char* ylabel;
    std::function<bool(const std::string&)> holds;
  };
  const group groups[] = {
      {"Daemon: writer batch size", "units per commit",
       [](const std::string& k) { return k.starts_with("batch size"); }},
      {"Daemon: requests in flight", "requests",
       [](const std::string& k) { return k == "in flight"; }},
      {"Daemon: live actors", "actors",
       [](const std::string& k) { return k.starts_with("live "); }},
  };
  for (const auto& g : groups) {
    std::set<std::string> keys;
    for (const auto& p : in.run.series)
      for (const auto& [k, v] : p.server)
        if (g.holds(k))
          keys.insert(k);
    if (keys.empty())
      continue;
    const std::vector<std::string> names(keys.begin(), keys.end());
    charts.push_back(
        series_chart(in.run, g.title, g.ylabel, names, [names](const second_point& p, double) {
          std::vector<json> row;
          for (const auto& n : names) {
            const auto it = p.server.find(n);
            row.push_back(it == p.server.end() ? json(nullptr) : json(it->second));
          }
          return row;
        }));
  }
}

/// The distribution of http_req_duration over the whole run, 10 log-spaced bins per decade.
json latency_histogram(const report_input& in) {
  std::vector<const histogram*> hists{&in.run.all.duration};
  json labels = json::array({"ms", "all requests"});
  for (std::size_t i = 0; i < endpoint_paths.size(); ++i)
    if (in.run.all.by_endpoint[i].count() > 0) {
      hists.push_back(&in.run.all.by_endpoint[i]);
      labels.push_back(std::string("POST ") + endpoint_paths[i]);
    }
  const auto bin_of = [](double micros) {
    return static_cast<int>(std::floor(10 * std::log10(std::max(micros, 1.0) / 1000)));
  };
  const auto& all = in.run.all.duration;
  const int lo = bin_of(double(all.min())), hi = bin_of(double(all.max()));
  std::vector<std::vector<double>> counts(hists.size(), std::vector<double>(hi - lo + 1, 0));
  for (std::size_t h = 0; h < hists.size(); ++h) {
    const auto& c = hists[h]->counts();
    for (std::size_t i = 0; i < c.size(); ++i)
      if (c[i] > 0) {
        const double mid = double(histogram::lowest_of(i)) + double(histogram::width_of(i)) / 2;
        counts[h][std::clamp(bin_of(mid), lo, hi) - lo] += double(c[i]);
      }
  }
  json data = json::array();
  for (int b = lo; b <= hi + 1; ++b) { // the last row closes the last step
    json row = json::array({std::pow(10.0, b / 10.0)});
    for (const auto& per : counts)
      row.push_back(b <= hi ? per[b - lo] : 0.0);
    data.push_back(std::move(row));
  }
  return {{"kind", "histogram"},
          {"title", "http_req_duration distribution (whole run)"},
          {"xlabel", "ms (log scale)"},
          {"ylabel", "requests"},
          {"labels", labels},
          {"data", data},
          {"wide", true}};
}

std::string fmt(double v, const char* spec = "%.1f") {
  char buf[48];
  std::snprintf(buf, sizeof buf, spec, v);
  return buf;
}

std::string stage_table(const report_input& in) {
  std::ostringstream o;
  o << "<table><tr><th>stage</th><th>duration</th><th>target</th><th>requests</th><th>req/s</th>"
       "<th>p50</th><th>p95</th><th>p99</th><th>max</th><th>errors</th></tr>";
  const auto& stages = in.run.all.stages;
  for (std::size_t i = 0; i < stages.size(); ++i) {
    const auto& s = stages[i];
    const double secs = i < in.prof.stages.size() ? in.prof.stages[i].duration.count() : 0;
    o << "<tr><td>" << i + 1 << "</td><td>"
      << (i < in.prof.stages.size() ? format_duration(in.prof.stages[i].duration) : "-")
      << "</td><td>" << (i < in.prof.stages.size() ? std::to_string(in.prof.stages[i].target) : "-")
      << "</td><td>" << s.requests << "</td><td>"
      << (secs > 0 ? fmt(double(s.requests) / secs, "%.0f") : "-") << "</td>";
    for (double q : {0.5, 0.95, 0.99})
      o << "<td>" << format_ms(s.duration.percentile(q) / 1000) << "</td>";
    o << "<td>" << format_ms(double(s.duration.max()) / 1000) << "</td><td>" << s.errors << " ("
      << fmt(s.requests ? 100.0 * double(s.errors) / double(s.requests) : 0.0, "%.2f")
      << "%)</td></tr>";
  }
  o << "</table>\n";
  return o.str();
}

/// The boundaries between stages, at the (already time-scaled) stage ends.
json stage_markers(const profile& prof) {
  json markers = json::array();
  double at = 0;
  for (std::size_t i = 0; i + 1 < prof.stages.size(); ++i) {
    at += prof.stages[i].duration.count();
    markers.push_back({{"x", at},
                       {"label", "stage " + std::to_string(i + 2) + " → " +
                                     std::to_string(prof.stages[i + 1].target)}});
  }
  return markers;
}

std::string verdict_list(const std::vector<threshold_result>& verdicts) {
  if (verdicts.empty())
    return "<p class=\"meta\">no thresholds</p>\n";
  std::ostringstream o;
  o << "<ul>";
  for (const auto& v : verdicts)
    o << "<li class=\"" << (v.ok ? "ok" : "fail") << "\">" << (v.ok ? "✓ " : "✗ ")
      << html_escape(v.t.metric + " " + v.t.expression) << " (observed " << fmt(v.observed, "%.4g")
      << ")</li>";
  o << "</ul>\n";
  return o.str();
}

std::string headline(const report_input& in) {
  const auto& all = in.run.all;
  std::ostringstream o;
  o << "<p class=\"meta\">target " << html_escape(in.target) << ", " << to_string(in.prof.executor)
    << ", " << format_duration(in.prof.total_duration()) << " planned, " << fmt(in.run.elapsed_s)
    << " s run: " << all.requests << " requests ("
    << fmt(in.run.elapsed_s > 0 ? double(all.requests) / in.run.elapsed_s : 0, "%.0f")
    << " req/s), p95 " << format_ms(all.duration.percentile(0.95) / 1000) << ", p99 "
    << format_ms(all.duration.percentile(0.99) / 1000) << ", max "
    << format_ms(double(all.duration.max()) / 1000) << ", " << all.failed << " failed</p>\n";
  return o.str();
}

} // namespace

json report_charts(const report_input& in) {
  json charts = json::array();
  add_load_charts(charts, in);
  add_endpoint_charts(charts, in);
  add_status_chart(charts, in);
  add_timing_charts(charts, in);
  add_process_charts(charts, in);
  add_daemon_charts(charts, in);
  if (in.run.all.duration.count() > 0)
    charts.push_back(latency_histogram(in));
  return {{"markers", stage_markers(in.prof)}, {"charts", charts}};
}

std::string html_report(const report_input& in) {
  std::ostringstream o;
  o << "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>actorshop-bench "
    << html_escape(in.prof.name) << "</title>\n"
    << http::assets::chart_head()
    << "</head><body>\n<h1>actorshop-bench: " << html_escape(in.prof.name) << "</h1>\n"
    << headline(in) << "<h2>Thresholds</h2>\n"
    << verdict_list(in.verdicts);
  if (in.audited)
    o << "<h2>Audit</h2><pre class=\"" << (in.audit.ok ? "ok" : "fail") << "\">"
      << html_escape(in.audit.text) << "</pre>\n";
  o << "<h2>Over time</h2><p class=\"meta\">Drag across a chart to zoom (every time series "
       "follows), double-click to zoom out. Dashed lines: stage boundaries and thresholds.</p>"
       "<div id=\"charts\" class=\"grid\"></div>\n<h2>Stages</h2>\n"
    << stage_table(in) << "<h2>Summary</h2><pre>" << html_escape(in.text_summary) << "</pre>\n"
    << http::assets::json_script("report-data", report_charts(in).dump())
    << http::assets::inline_script("report.js") << "</body></html>\n";
  return o.str();
}

} // namespace actorshop::bench
