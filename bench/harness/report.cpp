#include "bench/harness/report.hpp"

#include <algorithm>
#include <cstdio>
#include <set>
#include <sstream>

namespace actorshop::bench {

namespace {

std::string html_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else if (c == '&')
      out += "&amp;";
    else
      out += c;
  }
  return out;
}

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

/// An axis label: up to 4 significant digits, never in exponent form below 1e7.
std::string axis_num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, v >= 1000 && v < 1e7 ? "%.0f" : "%.4g", v);
  return buf;
}

} // namespace

std::string svg_chart(const std::string& title, const std::string& unit,
                      const std::vector<double>& times, const std::vector<chart_series>& series) {
  constexpr double w = 560, h = 200, left = 50, bottom = 20, top = 24;
  double tmax = times.empty() ? 1 : std::max(1e-9, times.back());
  double vmax = 0;
  for (const auto& s : series)
    for (double v : s.values)
      vmax = std::max(vmax, v);
  vmax = vmax > 0 ? vmax * 1.1 : 1;
  std::ostringstream o;
  o << "<svg xmlns='http://www.w3.org/2000/svg' width='" << w << "' height='" << h
    << "' class='chart'><text x='" << left << "' y='16' class='title'>" << html_escape(title)
    << " (" << unit << ")</text>";
  o << "<line x1='" << left << "' y1='" << h - bottom << "' x2='" << w << "' y2='" << h - bottom
    << "' stroke='#999'/><line x1='" << left << "' y1='" << top << "' x2='" << left << "' y2='"
    << h - bottom << "' stroke='#999'/>";
  // Axis labels end at the axis; plain digits (not "6.044e+04") up to a few million.
  o << "<text x='" << left - 4 << "' y='" << top + 8 << "' text-anchor='end'>" << axis_num(vmax)
    << "</text><text x='" << left - 4 << "' y='" << h - bottom
    << "' text-anchor='end'>0</text><text x='" << w - 4 << "' y='" << h - 4
    << "' text-anchor='end'>" << axis_num(tmax) << "s</text>";
  int legend = 0;
  for (const auto& s : series) {
    o << "<polyline fill='none' stroke='" << s.color << "' stroke-width='1.5' points='";
    for (std::size_t i = 0; i < s.values.size() && i < times.size(); ++i) {
      if (s.values[i] < 0)
        continue;
      const double x = left + (w - left - 10) * times[i] / tmax;
      const double y = (h - bottom) - (h - bottom - top) * s.values[i] / vmax;
      o << num(x) << "," << num(y) << " ";
    }
    o << "'/><text x='" << left + 160 + 90 * legend++ << "' y='16' fill='" << s.color << "'>"
      << html_escape(s.name) << "</text>";
  }
  o << "</svg>\n";
  return o.str();
}

std::string html_report(const run_totals& run, const profile& prof,
                        const std::vector<threshold_result>& verdicts, const std::string& target,
                        const std::string& text_summary, const std::string& audit_text) {
  std::vector<double> t, vus, rps, p50, p95, p99, rss, cpu;
  std::set<int> codes;
  std::vector<bool> sliver; // the last point often closes a few ms after the previous beat
  double prev = 0;
  for (const auto& p : run.series) {
    t.push_back(p.t);
    vus.push_back(static_cast<double>(p.vus));
    // Rates over a sliver of a second, and percentiles of no requests, are gaps, not drops to 0.
    sliver.push_back(p.t - prev < 0.5);
    rps.push_back(sliver.back() ? -1 : static_cast<double>(p.requests) / (p.t - prev));
    prev = p.t;
    p50.push_back(p.requests ? p.p50_ms : -1);
    p95.push_back(p.requests ? p.p95_ms : -1);
    p99.push_back(p.requests ? p.p99_ms : -1);
    rss.push_back(p.server_rss_mb);
    cpu.push_back(sliver.back() ? -1 : p.server_cpu_pct);
    for (auto [c, n] : p.statuses)
      codes.insert(c);
  }
  const char* palette[] = {"#2a7", "#d62", "#26c", "#a3a", "#c90", "#555"};
  std::vector<chart_series> status_series;
  for (int c : codes) {
    chart_series s{std::to_string(c), palette[status_series.size() % 6], {}};
    for (std::size_t i = 0; i < run.series.size(); ++i) {
      auto it = run.series[i].statuses.find(c);
      s.values.push_back(sliver[i]                            ? -1.0
                         : it == run.series[i].statuses.end() ? 0.0
                                                              : static_cast<double>(it->second));
    }
    status_series.push_back(std::move(s));
  }
  std::ostringstream o;
  o << "<!DOCTYPE html><html><head><meta charset='utf-8'><title>actorshop-bench " << prof.name
    << "</title><style>body{font-family:sans-serif;margin:20px}svg.chart{border:1px solid #ddd;"
       "margin:6px}text{font-size:11px}.title{font-weight:bold}.ok{color:#2a7}.fail{color:#d22}"
       "pre{background:#f6f6f6;padding:8px;font-size:12px}</style></head><body>";
  o << "<h1>actorshop-bench: " << html_escape(prof.name) << "</h1><p>target " << html_escape(target)
    << ", " << to_string(prof.executor) << ", " << format_duration(prof.total_duration())
    << "</p><h2>Thresholds</h2><ul>";
  for (const auto& v : verdicts)
    o << "<li class='" << (v.ok ? "ok" : "fail") << "'>" << (v.ok ? "✓ " : "✗ ")
      << html_escape(v.t.metric + " " + v.t.expression) << " (observed " << num(v.observed)
      << ")</li>";
  o << "</ul><h2>Over time</h2>";
  o << svg_chart("VUs", "count", t, {{"vus", "#26c", vus}});
  o << svg_chart("Requests", "req/s", t, {{"req/s", "#2a7", rps}});
  o << svg_chart("Latency", "ms", t,
                 {{"p50", "#2a7", p50}, {"p95", "#c90", p95}, {"p99", "#d22", p99}});
  o << svg_chart("Status codes", "per s", t, status_series);
  o << svg_chart("Server RSS", "MB", t, {{"rss", "#a3a", rss}});
  o << svg_chart("Server CPU", "%", t, {{"cpu", "#d62", cpu}});
  o << "<h2>Summary</h2><pre>" << html_escape(text_summary) << "</pre>";
  if (!audit_text.empty())
    o << "<h2>Audit</h2><pre>" << html_escape(audit_text) << "</pre>";
  o << "</body></html>\n";
  return o.str();
}

} // namespace actorshop::bench
