// The dashboard's page and its data, converted generically from prometheus-cpp's families.
#include "http/dashboard.hpp"

#include <cmath>

#include "http/assets/pages.hpp"
#include "http/json_writer.hpp"

namespace actorshop::http {
namespace {

using prometheus::MetricType;

const char* type_name(MetricType t) {
  switch (t) {
  case MetricType::Counter:
    return "counter";
  case MetricType::Gauge:
    return "gauge";
  case MetricType::Histogram:
    return "histogram";
  default:
    return nullptr; // summaries and untyped: nothing on the dashboard reads them
  }
}

void write_labels(json_writer& w, const prometheus::ClientMetric& m) {
  w.key("labels").begin_object();
  for (const auto& l : m.label)
    w.key(l.name).value(std::string_view(l.value));
  w.end_object();
}

void write_histogram(json_writer& w, const prometheus::ClientMetric::Histogram& h) {
  w.key("count").number(static_cast<double>(h.sample_count));
  w.key("sum").number(h.sample_sum);
  w.key("buckets").begin_array();
  for (const auto& b : h.bucket) {
    w.begin_array();
    if (std::isinf(b.upper_bound))
      w.value("+Inf");
    else
      w.number(b.upper_bound);
    w.number(static_cast<double>(b.cumulative_count)).end_array();
  }
  w.end_array();
}

// A histogram without observations is at its start value: the page reads an absent series as
// all zero (as rate() over the pair of snapshots would), so the poll leaves them out. They are
// most of /metrics (every route x method x status exists from start, 17 lines each) and few get
// traffic, so this keeps the once-a-second poll a few kilobytes (25 KB -> ~8 KB on a fresh
// daemon). Counters and gauges are always sent: a 0 on the dashboard (503s by reason, a route
// without traffic) is worth seeing.
bool empty_histogram(MetricType type, const prometheus::ClientMetric& m) {
  return type == MetricType::Histogram && m.histogram.sample_count == 0;
}

void write_series(json_writer& w, MetricType type, const prometheus::ClientMetric& m) {
  w.begin_object();
  write_labels(w, m);
  if (type == MetricType::Histogram)
    write_histogram(w, m.histogram);
  else
    w.key("value").number(type == MetricType::Counter ? m.counter.value : m.gauge.value);
  w.end_object();
}

std::string build_page() {
  std::string page = "<!DOCTYPE html><html><head><meta charset=\"utf-8\">"
                     "<title>actorshop live</title>\n";
  page += assets::live_head();
  page += "</head><body><h1>actorshop live</h1><p class=\"meta\">Prometheus families of this "
          "daemon (also at <a href=\"/metrics\">/metrics</a>), the last five minutes. "
          "<span id=\"state\">waiting for data</span></p><div id=\"charts\" class=\"grid\">"
          "</div>\n";
  page += assets::inline_script("dashboard.js");
  page += "</body></html>\n";
  return page;
}

} // namespace

std::string dashboard_json(const std::vector<prometheus::MetricFamily>& families,
                           double unix_time) {
  std::string out;
  out.reserve(16 * 1024);
  json_writer w(out);
  w.begin_object().key("t").number(unix_time).key("families").begin_object();
  for (const auto& f : families) {
    const char* type = type_name(f.type);
    if (!type)
      continue;
    w.key(f.name).begin_object().member("type", type).key("series").begin_array();
    for (const auto& m : f.metric)
      if (!empty_histogram(f.type, m))
        write_series(w, f.type, m);
    w.end_array().end_object();
  }
  w.end_object().end_object();
  return out;
}

const std::string& dashboard_page() {
  static const std::string page = build_page();
  return page;
}

} // namespace actorshop::http
