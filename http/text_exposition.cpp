// The Prometheus text format, appended to a string with std::to_chars (no stream, no locale).
#include "http/text_exposition.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string_view>

namespace actorshop::http {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

/// As TextSerializer writes a double: Nan, +Inf, -Inf, else 16 significant digits (%.16g).
void append_double(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "Nan";
  } else if (std::isinf(v)) {
    out += v < 0 ? "-Inf" : "+Inf";
  } else {
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general,
                           std::numeric_limits<double>::max_digits10 - 1);
    out.append(buf, r.ptr);
  }
}

template <class Int> void append_int(std::string& out, Int v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

/// A label value: backslash, double quote and newline escaped.
void append_label_value(std::string& out, std::string_view v) {
  if (v.find_first_of("\\\"\n") == std::string_view::npos) { // the usual case: nothing to escape
    out += v;
    return;
  }
  for (char c : v) {
    if (c == '\\' || c == '"')
      out.push_back('\\');
    if (c == '\n')
      out += "\\n";
    else
      out.push_back(c);
  }
}

/// HELP text: backslash and newline escaped.
void append_help(std::string& out, std::string_view v) {
  for (char c : v) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else
      out.push_back(c);
  }
}

/// The extra label of a histogram bucket (le) or a summary quantile, if any.
struct extra_label {
  std::string_view name;
  double value = 0;
};

/// A metric's labels as they appear between the braces, `a="x",b="y"`: written once per metric,
/// copied into each of its lines (a histogram has ~20).
std::string labels_text(const ClientMetric& m) {
  std::string out;
  for (const auto& l : m.label) {
    if (!out.empty())
      out.push_back(',');
    out += l.name;
    out += "=\"";
    append_label_value(out, l.value);
    out.push_back('"');
  }
  return out;
}

/// `name_suffix{labels[,extra]} ` — the start of a sample line.
void append_head(std::string& out, const MetricFamily& f, std::string_view labels,
                 std::string_view suffix, const extra_label* extra = nullptr) {
  out += f.name;
  out += suffix;
  if (!labels.empty() || extra) {
    out.push_back('{');
    out += labels;
    if (extra) {
      if (!labels.empty())
        out.push_back(',');
      out += extra->name;
      out += "=\"";
      append_double(out, extra->value);
      out.push_back('"');
    }
    out.push_back('}');
  }
  out.push_back(' ');
}

void append_tail(std::string& out, const ClientMetric& m) {
  if (m.timestamp_ms != 0) {
    out.push_back(' ');
    append_int(out, m.timestamp_ms);
  }
  out.push_back('\n');
}

void append_histogram(std::string& out, const MetricFamily& f, const ClientMetric& m) {
  const auto& h = m.histogram;
  const auto labels = labels_text(m);
  append_head(out, f, labels, "_count");
  append_int(out, h.sample_count);
  append_tail(out, m);
  append_head(out, f, labels, "_sum");
  append_double(out, h.sample_sum);
  append_tail(out, m);
  double last = -std::numeric_limits<double>::infinity();
  for (const auto& b : h.bucket) {
    const extra_label le{"le", b.upper_bound};
    append_head(out, f, labels, "_bucket", &le);
    append_int(out, b.cumulative_count);
    append_tail(out, m);
    last = b.upper_bound;
  }
  if (last != std::numeric_limits<double>::infinity()) { // the +Inf bucket is implicit
    const extra_label le{"le", std::numeric_limits<double>::infinity()};
    append_head(out, f, labels, "_bucket", &le);
    append_int(out, h.sample_count);
    append_tail(out, m);
  }
}

void append_summary(std::string& out, const MetricFamily& f, const ClientMetric& m) {
  const auto& s = m.summary;
  const auto labels = labels_text(m);
  append_head(out, f, labels, "_count");
  append_int(out, s.sample_count);
  append_tail(out, m);
  append_head(out, f, labels, "_sum");
  append_double(out, s.sample_sum);
  append_tail(out, m);
  for (const auto& q : s.quantile) {
    const extra_label quantile{"quantile", q.quantile};
    append_head(out, f, labels, "", &quantile);
    append_double(out, q.value);
    append_tail(out, m);
  }
}

void append_value(std::string& out, const MetricFamily& f, const ClientMetric& m, double v) {
  append_head(out, f, labels_text(m), "");
  append_double(out, v);
  append_tail(out, m);
}

std::string_view type_name(MetricType t) {
  switch (t) {
  case MetricType::Counter:
    return "counter";
  case MetricType::Gauge:
    return "gauge";
  case MetricType::Summary:
    return "summary";
  case MetricType::Histogram:
    return "histogram";
  case MetricType::Untyped:
    break;
  }
  return "untyped";
}

void append_family(std::string& out, const MetricFamily& f) {
  if (!f.help.empty()) {
    out += "# HELP ";
    out += f.name;
    out.push_back(' ');
    append_help(out, f.help);
    out.push_back('\n');
  }
  out += "# TYPE ";
  out += f.name;
  out.push_back(' ');
  out += type_name(f.type);
  out.push_back('\n');
  for (const auto& m : f.metric) {
    switch (f.type) {
    case MetricType::Counter:
      append_value(out, f, m, m.counter.value);
      break;
    case MetricType::Gauge:
      append_value(out, f, m, m.gauge.value);
      break;
    case MetricType::Untyped:
      append_value(out, f, m, m.untyped.value);
      break;
    case MetricType::Summary:
      append_summary(out, f, m);
      break;
    case MetricType::Histogram:
      append_histogram(out, f, m);
      break;
    }
  }
}

} // namespace

void append_prometheus_text(std::string& out, const std::vector<MetricFamily>& families) {
  for (const auto& f : families)
    append_family(out, f);
}

std::string prometheus_text(const std::vector<MetricFamily>& families) {
  std::string out;
  out.reserve(192 * 1024); // a scrape is ~150 KB: grow once at most
  append_prometheus_text(out, families);
  return out;
}

} // namespace actorshop::http
