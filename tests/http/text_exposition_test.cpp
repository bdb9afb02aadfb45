// http::prometheus_text against prometheus-cpp's own TextSerializer: the same families give the
// same text, byte for byte (counters, gauges, untyped, summaries, histograms with and without an
// explicit +Inf bucket, labels, timestamps, awkward doubles); and the whole /metrics of a real
// shop (collect()) serialises identically. Escapes the library gets wrong are checked apart.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include <prometheus/text_serializer.h>

#include "domain/time.hpp"
#include "http/metrics.hpp"
#include "http/text_exposition.hpp"
#include "support/seeded_db.hpp"
#include "support/temp_dir.hpp"

using namespace actorshop;
using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

namespace {

ClientMetric valued(MetricType t, double v, std::vector<ClientMetric::Label> labels = {}) {
  ClientMetric m;
  m.label = std::move(labels);
  (t == MetricType::Counter ? m.counter.value
   : t == MetricType::Gauge ? m.gauge.value
                            : m.untyped.value) = v;
  return m;
}

std::vector<MetricFamily> assorted_families() {
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<MetricFamily> out;
  out.push_back({"c_total",
                 "a counter",
                 MetricType::Counter,
                 {valued(MetricType::Counter, 0),
                  valued(MetricType::Counter, 12345678901.0, {{"route", "/a/{id}"}}),
                  valued(MetricType::Counter, 0.1 + 0.2, {{"a", "x"}, {"b", "q\"uote\\back"}})}});
  out.push_back({"g",
                 "",
                 MetricType::Gauge,
                 {valued(MetricType::Gauge, -1.5e-7), valued(MetricType::Gauge, 1796065563.41),
                  valued(MetricType::Gauge, 1e300), valued(MetricType::Gauge, inf),
                  valued(MetricType::Gauge, -inf), valued(MetricType::Gauge, std::nan(""))}});
  auto stamped = valued(MetricType::Untyped, 3, {{"k", "v"}});
  stamped.timestamp_ms = 1796065563410;
  out.push_back({"u", "untyped help", MetricType::Untyped, {stamped}});
  ClientMetric s;
  s.summary.sample_count = 7;
  s.summary.sample_sum = 0.123456789;
  s.summary.quantile = {{0.5, 0.01}, {0.99, 0.25}};
  out.push_back({"s", "a summary", MetricType::Summary, {s}});
  ClientMetric h;
  h.label = {{"route", "/x"}, {"status", "200"}};
  h.histogram.sample_count = 10;
  h.histogram.sample_sum = 0.0375;
  h.histogram.bucket = {{1, 0.0001}, {4, 0.00025}, {9, 2.5}, {10, inf}};
  ClientMetric implicit_inf; // no +Inf bucket: the serializer adds it
  implicit_inf.histogram.sample_count = 3;
  implicit_inf.histogram.sample_sum = 12;
  implicit_inf.histogram.bucket = {{1, 1}, {3, 8192}};
  out.push_back({"h_seconds", "a histogram", MetricType::Histogram, {h, implicit_inf}});
  return out;
}

} // namespace

TEST_CASE("prometheus_text writes what prometheus-cpp's TextSerializer writes") {
  const auto families = assorted_families();
  CHECK(http::prometheus_text(families) == prometheus::TextSerializer().Serialize(families));
}

TEST_CASE("prometheus_text of a real shop's metrics equals TextSerializer's") {
  test::temp_dir dir;
  actors::shop_options o;
  o.db_path = test::seeded_database(dir, "shop.db", domain::now_ms());
  o.sync = storage::sync_mode::normal;
  actors::shop shop(o);
  http::metrics m;
  m.record(http::route::issue_coupon, boost::beast::http::verb::post, 201, 0.0012);
  m.record(http::route::balance, boost::beast::http::verb::get, 200, 0.00003);
  const auto families = m.collect(shop, 3);
  const auto text = http::prometheus_text(families);
  CHECK(text.size() > 100'000);
  CHECK(text == prometheus::TextSerializer().Serialize(families));
  shop.shutdown();
}

TEST_CASE("prometheus_text escapes newlines in label values and HELP as the text format says") {
  std::vector<MetricFamily> f{{"n",
                               "line one\nline two \\ end",
                               MetricType::Gauge,
                               {valued(MetricType::Gauge, 1, {{"l", "a\nb"}})}}};
  CHECK(http::prometheus_text(f) ==
        "# HELP n line one\\nline two \\\\ end\n# TYPE n gauge\nn{l=\"a\\nb\"} 1\n");
}
