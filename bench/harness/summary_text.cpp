// The k6-layout text summary (see summary.hpp).
#include <cstdio>
#include <sstream>

#include "bench/harness/summary.hpp"

namespace actorshop::bench {

namespace {

constexpr std::size_t name_width = 40;

std::string padded(const std::string& name) {
  std::string s = name;
  // k6 prints a tagged sub-metric as "{ expected_response:true }" indented under its parent.
  if (auto b = name.find('{'); b != std::string::npos)
    s = "  { " + name.substr(b + 1, name.size() - b - 2) + " }";
  // The dots count bytes; "✓"/"µ" do not appear in names, so width is exact.
  if (s.size() < name_width)
    s += std::string(name_width - s.size(), '.');
  return s + ": ";
}

std::string pct(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f%%", v * 100);
  return buf;
}

/// A trend's stats in the --summary-trend-stats order, "avg=1.2ms min=...".
std::string trend_line(const metric_view& m, const summary_options& opts) {
  std::string out;
  for (const auto& stat : opts.trend_stats) {
    const double v = trend_stat(m, stat).get<double>();
    out += (out.empty() ? "" : " ") + stat + "=" +
           (stat == "count" || !m.is_time ? std::to_string(static_cast<long long>(v))
                                          : format_ms(v, opts.time_unit));
  }
  return out;
}

std::string metric_line(const metric_view& m, const summary_options& opts) {
  char buf[256];
  switch (m.type) {
  case metric_type::trend:
    return trend_line(m, opts);
  case metric_type::counter:
    if (m.is_data)
      return format_bytes(m.count) + "  " + format_bytes(m.rate) + "/s";
    std::snprintf(buf, sizeof buf, "%-8.0f %.2f/s", m.count, m.rate);
    return buf;
  case metric_type::rate: {
    const auto total = m.passes + m.fails;
    const double r = total ? static_cast<double>(m.passes) / static_cast<double>(total) : 0;
    std::snprintf(buf, sizeof buf, "%-8s ✓ %-10llu ✗ %llu", pct(r).c_str(),
                  static_cast<unsigned long long>(m.passes),
                  static_cast<unsigned long long>(m.fails));
    return buf;
  }
  case metric_type::gauge:
    std::snprintf(buf, sizeof buf, "%-8.0f min=%-8.0f max=%.0f", m.value, m.min, m.max);
    return buf;
  }
  return "";
}

void write_checks(std::ostringstream& out, const run_totals& run) {
  const auto& c = run.all.custom;
  for (std::size_t i = 0; i < run.names.checks.size() && i < c.check_pass.size(); ++i) {
    const auto pass = c.check_pass[i], fail = c.check_fail[i];
    out << "     " << (fail == 0 ? "✓ " : "✗ ") << run.names.checks[i] << "\n";
    if (fail > 0)
      out << "      ↳  " << (pass + fail ? 100 * pass / (pass + fail) : 0) << "% — ✓ " << pass
          << " / ✗ " << fail << "\n";
  }
  out << "\n";
}

void write_stages(std::ostringstream& out, const run_totals& run, const profile& prof) {
  out << "\n     per stage:\n";
  char buf[256];
  std::snprintf(buf, sizeof buf, "     %-5s %-14s %-7s %10s %10s %10s %10s %10s %8s\n", "stage",
                "duration", "target", "requests", "req/s", "p50", "p95", "p99", "errors");
  out << buf;
  for (std::size_t i = 0; i < prof.stages.size() && i < run.all.stages.size(); ++i) {
    const auto& s = run.all.stages[i];
    const double d = prof.stages[i].duration.count();
    std::snprintf(buf, sizeof buf, "     %-5zu %-14s %-7lld %10llu %10.1f %10s %10s %10s %8llu\n",
                  i + 1, format_duration(prof.stages[i].duration).c_str(),
                  static_cast<long long>(prof.stages[i].target),
                  static_cast<unsigned long long>(s.requests),
                  d > 0 ? static_cast<double>(s.requests) / d : 0.0,
                  format_ms(s.duration.percentile(0.5) / 1000).c_str(),
                  format_ms(s.duration.percentile(0.95) / 1000).c_str(),
                  format_ms(s.duration.percentile(0.99) / 1000).c_str(),
                  static_cast<unsigned long long>(s.errors));
    out << buf;
  }
  out << "\n     status codes:\n";
  for (auto [code, n] : run.all.statuses) {
    const double share = run.all.requests ? static_cast<double>(n) / run.all.requests : 0;
    std::snprintf(buf, sizeof buf, "     %-5d %10llu  %6.2f%%  ", code,
                  static_cast<unsigned long long>(n), share * 100);
    out << buf << std::string(static_cast<std::size_t>(share * 40 + 0.5), '#') << "\n";
  }
}

} // namespace

std::string text_summary(const run_totals& run, const profile& prof,
                         const std::vector<metric_view>& metrics,
                         const std::vector<threshold_result>& verdicts,
                         const summary_options& opts) {
  std::ostringstream out;
  out << "\n  scenario: " << prof.name << " (" << to_string(prof.executor) << ", "
      << format_duration(prof.total_duration()) << ", max " << prof.max_target()
      << (prof.vu_based() ? " VUs" : " iterations/s") << ")\n\n";
  if (!verdicts.empty()) {
    out << "  █ THRESHOLDS\n\n";
    for (const auto& v : verdicts)
      out << "    " << (v.ok ? "✓ " : "✗ ") << v.t.metric << " '" << v.t.expression << "' "
          << v.t.aggregate << "=" << v.observed << "\n";
    out << "\n";
  }
  write_checks(out, run);
  for (const auto& m : metrics) {
    bool has = false, ok = true;
    for (const auto& v : verdicts)
      if (v.t.metric == m.name) {
        has = true;
        ok = ok && v.ok;
      }
    out << "   " << (has ? (ok ? "✓ " : "✗ ") : "  ") << padded(m.name) << metric_line(m, opts)
        << "\n";
  }
  write_stages(out, run, prof);
  return out.str();
}

} // namespace actorshop::bench
