#include "bench/harness/summary.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace actorshop::bench {

namespace {

metric_view trend(std::string name, const histogram& h) {
  metric_view m;
  m.name = std::move(name);
  m.type = metric_type::trend;
  m.is_time = true;
  m.hist = &h;
  return m;
}

metric_view counter(std::string name, double count, double elapsed, bool data = false) {
  metric_view m;
  m.name = std::move(name);
  m.type = metric_type::counter;
  m.count = count;
  m.rate = elapsed > 0 ? count / elapsed : 0;
  m.is_data = data;
  return m;
}

metric_view rate(std::string name, std::uint64_t passes, std::uint64_t total) {
  metric_view m;
  m.name = std::move(name);
  m.type = metric_type::rate;
  m.passes = passes;
  m.fails = total - passes;
  return m;
}

metric_view gauge(std::string name, double value, double lo, double hi) {
  metric_view m;
  m.name = std::move(name);
  m.type = metric_type::gauge;
  m.value = value;
  m.min = lo;
  m.max = hi;
  return m;
}

double rate_value(const metric_view& m) {
  const auto total = m.passes + m.fails;
  return total ? static_cast<double>(m.passes) / static_cast<double>(total) : 0.0;
}

} // namespace

std::vector<metric_view> collect_metrics(const run_totals& run, bool expected_response) {
  const auto& a = run.all;
  const double el = run.elapsed_s;
  std::vector<metric_view> out;
  std::uint64_t pass = 0, fail = 0;
  for (std::size_t i = 0; i < a.custom.check_pass.size(); ++i) {
    pass += a.custom.check_pass[i];
    fail += a.custom.check_fail[i];
  }
  out.push_back(rate("checks", pass, pass + fail));
  out.push_back(counter("data_received", static_cast<double>(a.bytes_received), el, true));
  out.push_back(counter("data_sent", static_cast<double>(a.bytes_sent), el, true));
  out.push_back(trend("http_req_blocked", a.blocked));
  out.push_back(trend("http_req_connecting", a.connecting));
  out.push_back(trend("http_req_duration", a.duration));
  if (expected_response)
    out.push_back(trend("http_req_duration{expected_response:true}", a.duration_expected));
  out.push_back(rate("http_req_failed", a.failed, a.requests));
  out.push_back(trend("http_req_receiving", a.receiving));
  out.push_back(trend("http_req_sending", a.sending));
  out.push_back(trend("http_req_tls_handshaking", a.tls_handshaking));
  out.push_back(trend("http_req_waiting", a.waiting));
  out.push_back(counter("http_reqs", static_cast<double>(a.requests), el));
  out.push_back(trend("iteration_duration", a.iteration));
  out.push_back(counter("iterations", static_cast<double>(a.iterations), el));
  out.push_back(gauge("vus", static_cast<double>(run.vus_last), static_cast<double>(run.vus_min),
                      static_cast<double>(run.vus_max_seen)));
  out.push_back(gauge("vus_max", static_cast<double>(run.vus_max), static_cast<double>(run.vus_max),
                      static_cast<double>(run.vus_max)));
  if (run.dropped_iterations > 0)
    out.push_back(counter("dropped_iterations", static_cast<double>(run.dropped_iterations), el));
  for (std::size_t i = 0; i < run.names.counters.size() && i < a.custom.counters.size(); ++i)
    out.push_back(counter(run.names.counters[i], static_cast<double>(a.custom.counters[i]), el));
  for (std::size_t i = 0; i < run.names.rates.size() && i < a.custom.rate_true.size(); ++i)
    out.push_back(rate(run.names.rates[i], a.custom.rate_true[i], a.custom.rate_total[i]));
  std::stable_sort(out.begin(), out.end(),
                   [](const metric_view& x, const metric_view& y) { return x.name < y.name; });
  return out;
}

std::optional<double> aggregate_of(const metric_view& m, const threshold& t) {
  const std::string& g = t.aggregate;
  switch (m.type) {
  case metric_type::trend: {
    const double scale = m.is_time ? 1000.0 : 1.0;
    if (g == "avg")
      return m.hist->mean() / scale;
    if (g == "min")
      return static_cast<double>(m.hist->min()) / scale;
    if (g == "max")
      return static_cast<double>(m.hist->max()) / scale;
    if (g == "med")
      return m.hist->percentile(0.5) / scale;
    if (g.rfind("p(", 0) == 0)
      return m.hist->percentile(t.percentile) / scale;
    if (g == "count")
      return static_cast<double>(m.hist->count());
    return std::nullopt;
  }
  case metric_type::counter:
    if (g == "count")
      return m.count;
    if (g == "rate")
      return m.rate;
    return std::nullopt;
  case metric_type::rate:
    if (g == "rate")
      return rate_value(m);
    return std::nullopt;
  case metric_type::gauge:
    if (g == "value")
      return m.value;
    if (g == "min")
      return m.min;
    if (g == "max")
      return m.max;
    return std::nullopt;
  }
  return std::nullopt;
}

std::vector<threshold_result> evaluate(const std::vector<metric_view>& metrics,
                                       const std::vector<threshold>& thresholds) {
  std::vector<threshold_result> out;
  for (const auto& t : thresholds) {
    threshold_result r{t, 0, false};
    for (const auto& m : metrics)
      if (m.name == t.metric)
        if (auto v = aggregate_of(m, t)) {
          r.observed = *v;
          r.ok = passes(t, *v);
        }
    out.push_back(r);
  }
  return out;
}

std::string format_ms(double v, const std::string& unit) {
  char buf[64];
  if (!unit.empty()) {
    const double div = unit == "s" ? 1000 : unit == "us" ? 0.001 : 1;
    std::snprintf(buf, sizeof buf, "%.2f%s", v / div, unit == "us" ? "µs" : unit.c_str());
    return buf;
  }
  if (v <= 0)
    return "0s";
  if (v < 1)
    std::snprintf(buf, sizeof buf, "%.2fµs", v * 1000);
  else if (v < 1000)
    std::snprintf(buf, sizeof buf, "%.2fms", v);
  else if (v < 60000)
    std::snprintf(buf, sizeof buf, "%.2fs", v / 1000);
  else
    std::snprintf(buf, sizeof buf, "%dm%.1fs", static_cast<int>(v / 60000),
                  std::fmod(v, 60000) / 1000);
  return buf;
}

std::string format_bytes(double b) {
  char buf[64];
  const char* units[] = {"B", "kB", "MB", "GB", "TB"};
  int u = 0;
  while (b >= 1000 && u < 4) {
    b /= 1000;
    ++u;
  }
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", b, units[u]);
  return buf;
}

} // namespace actorshop::bench
