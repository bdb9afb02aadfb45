// http::metrics::collect() without sockets: a real shop on a seeded temp database. Every
// documented route x method x status series exists before any request, histograms have the
// 100 us .. 10 s buckets, process_* values are those of this process, and the families of the
// metrics contract are all there.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <future>
#include <limits>
#include <map>
#include <set>

#include "domain/time.hpp"
#include "http/router.hpp"
#include "support/seeded_db.hpp"
#include "support/temp_dir.hpp"

using namespace actorshop;
using namespace actorshop::http;
namespace bhttp = boost::beast::http;

namespace {

struct fixture {
  test::temp_dir dir;
  std::unique_ptr<actors::shop> shop;
  metrics m;
  std::unique_ptr<router> r;

  fixture() {
    actors::shop_options o;
    o.db_path = test::seeded_database(dir, "shop.db", domain::now_ms());
    o.sync = storage::sync_mode::normal;
    shop = std::make_unique<actors::shop>(o);
    r = std::make_unique<router>(*shop, m, router_options{10'000, "admin"});
  }
  ~fixture() { shop->shutdown(); }

  unsigned call(bhttp::verb method, const std::string& target, const std::string& body = {}) {
    request req{method, target, 11};
    req.set(bhttp::field::content_type, "application/json");
    req.body() = body;
    std::promise<unsigned> p;
    auto f = p.get_future();
    r->handle(req, [&p](response rep) { p.set_value(rep.status); });
    REQUIRE(f.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
    return f.get();
  }
};

using families = std::vector<prometheus::MetricFamily>;

const prometheus::MetricFamily& find(const families& fs, const std::string& name) {
  for (const auto& f : fs)
    if (f.name == name)
      return f;
  FAIL("no family " << name);
  throw std::logic_error("unreachable");
}

std::string label_of(const prometheus::ClientMetric& m, const std::string& name) {
  for (const auto& l : m.label)
    if (l.name == name)
      return l.value;
  return {};
}

const prometheus::ClientMetric* series(const prometheus::MetricFamily& f,
                                       std::map<std::string, std::string> labels) {
  for (const auto& m : f.metric) {
    bool all = true;
    for (const auto& [k, v] : labels)
      all = all && label_of(m, k) == v;
    if (all)
      return &m;
  }
  return nullptr;
}

} // namespace

TEST_CASE("collect() has every family of the metrics contract", "[http][metrics]") {
  fixture f;
  auto fs = f.r->collect_metrics();
  std::set<std::string> names;
  for (const auto& fam : fs)
    names.insert(fam.name);
  for (const char* name : {"actorshop_build_info",
                           "process_cpu_seconds_total",
                           "process_resident_memory_bytes",
                           "process_virtual_memory_bytes",
                           "process_open_fds",
                           "process_max_fds",
                           "process_start_time_seconds",
                           "actorshop_http_requests_total",
                           "actorshop_http_request_duration_seconds",
                           "actorshop_http_in_flight_requests",
                           "actorshop_http_rejected_total",
                           "actorshop_http_connections_open",
                           "actorshop_http_connections_accepted_total",
                           "actorshop_http_connections_rejected_total",
                           "actorshop_writer_queue_depth",
                           "actorshop_writer_batch_size",
                           "actorshop_writer_commit_duration_seconds",
                           "actorshop_writer_fsync_duration_seconds",
                           "actorshop_storage_wal_bytes",
                           "actorshop_checkpoint_duration_seconds",
                           "actorshop_live_actors",
                           "actorshop_coupon_remaining",
                           "actorshop_outbox_backlog",
                           "actorshop_outbox_delivered_total",
                           "actorshop_outbox_delivery_failures_total",
                           "actorshop_outbox_retries_total",
                           "caf_system_running_actors",
                           "caf_actor_mailbox_size",
                           "caf_actor_processing_time_seconds",
                           "caf_actor_mailbox_time_seconds"}) {
    INFO(name);
    CHECK(names.count(name) == 1);
  }
  CHECK(names.size() == 30);
}

TEST_CASE("every documented route x method x status series exists at 0 before any request",
          "[http][metrics]") {
  fixture f;
  auto fs = f.r->collect_metrics();
  const auto& total = find(fs, "actorshop_http_requests_total");
  const auto& duration = find(fs, "actorshop_http_request_duration_seconds");
  struct expected {
    const char* route;
    const char* method;
    std::vector<const char*> statuses;
  };
  const std::vector<expected> all{
      {"/coupons/issue", "POST", {"201", "400", "404", "409", "415", "500", "503", "504"}},
      {"/orders", "POST", {"201", "400", "404", "409", "415", "500", "503", "504"}},
      {"/payments", "POST", {"201", "400", "404", "409", "415", "500", "503", "504"}},
      {"/balances/charge", "PATCH", {"200", "400", "404", "415", "500", "503", "504"}},
      {"/coupons", "POST", {"201", "400", "401", "403", "415", "500", "503", "504"}},
      {"/balances/{customerId}", "GET", {"200", "400", "404"}},
      {"/balances/{customerId}/balance-histories", "GET", {"200", "400", "404"}},
      {"/products", "GET", {"200"}},
      {"/products/{id}", "GET", {"200", "400", "404"}},
      {"/products/popular", "GET", {"200", "400"}},
      {"/coupons/customer/{customerId}", "GET", {"200", "400", "404"}},
      {"/orders/{orderId}", "GET", {"200", "400", "404"}},
      {"/health", "GET", {"200", "503"}},
      {"/metrics", "GET", {"200"}},
      {"unmatched", "GET", {"404"}},
  };
  std::size_t count = 0;
  for (const auto& e : all)
    for (const auto* status : e.statuses) {
      INFO(e.route << " " << e.method << " " << status);
      auto* c = series(total, {{"route", e.route}, {"method", e.method}, {"status", status}});
      REQUIRE(c);
      CHECK(c->counter.value == 0);
      auto* h = series(duration, {{"route", e.route}, {"method", e.method}, {"status", status}});
      REQUIRE(h);
      CHECK(h->histogram.sample_count == 0);
      ++count;
    }
  CHECK(total.metric.size() == count); // nothing else before a request
  const auto& rejected = find(fs, "actorshop_http_rejected_total");
  for (const char* reason : {"in_flight", "writer_queue", "draining", "storage_full"}) {
    INFO(reason);
    auto* c = series(rejected, {{"reason", reason}});
    REQUIRE(c);
    CHECK(c->counter.value == 0);
  }
}

TEST_CASE("request latency histograms have buckets from 100 us to 10 s", "[http][metrics]") {
  fixture f;
  f.m.record(route::issue_coupon, bhttp::verb::post, 201, 0.00005); // first bucket
  f.m.record(route::issue_coupon, bhttp::verb::post, 201, 0.003);   // le 0.005
  f.m.record(route::issue_coupon, bhttp::verb::post, 201, 42.0);    // +Inf only
  f.m.record(route::products, bhttp::verb::delete_, 418, 0.001);    // an undocumented combination
  auto fs = f.r->collect_metrics();
  const auto& duration = find(fs, "actorshop_http_request_duration_seconds");
  auto* h = series(duration, {{"route", "/coupons/issue"}, {"method", "POST"}, {"status", "201"}});
  REQUIRE(h);
  const auto& b = h->histogram.bucket;
  REQUIRE(b.size() == 17);
  CHECK(b.front().upper_bound == Approx(0.0001));
  CHECK(b[b.size() - 2].upper_bound == Approx(10.0));
  CHECK(b.back().upper_bound == std::numeric_limits<double>::infinity());
  CHECK(b.front().cumulative_count == 1);
  CHECK(b[5].upper_bound == Approx(0.005));
  CHECK(b[5].cumulative_count == 2);
  CHECK(b[b.size() - 2].cumulative_count == 2);
  CHECK(b.back().cumulative_count == 3);
  CHECK(h->histogram.sample_count == 3);
  CHECK(h->histogram.sample_sum == Approx(42.00305));
  const auto& total = find(fs, "actorshop_http_requests_total");
  auto* other = series(total, {{"route", "/products"}, {"method", "OTHER"}, {"status", "other"}});
  REQUIRE(other);
  CHECK(other->counter.value == 1);
}

TEST_CASE("process_* values are this process's", "[http][metrics]") {
  fixture f;
  auto fs = f.r->collect_metrics();
  auto value = [&](const char* name) {
    const auto& fam = find(fs, name);
    REQUIRE(fam.metric.size() == 1);
    return fam.type == prometheus::MetricType::Counter ? fam.metric[0].counter.value
                                                       : fam.metric[0].gauge.value;
  };
  const double now_s = double(domain::now_ms()) / 1000.0;
  CHECK(value("process_start_time_seconds") > now_s - 24 * 3600);
  CHECK(value("process_start_time_seconds") <= now_s + 1);
  CHECK(value("process_cpu_seconds_total") > 0);
  CHECK(value("process_resident_memory_bytes") > 1e6);
  CHECK(value("process_virtual_memory_bytes") >= value("process_resident_memory_bytes"));
  CHECK(value("process_open_fds") >= 3); // stdio, the database, the WAL...
  CHECK(value("process_max_fds") >= value("process_open_fds"));
}

TEST_CASE("shop families: live actors, coupon remaining, writer and caf_* move with commands",
          "[http][metrics]") {
  fixture f;
  REQUIRE(f.call(bhttp::verb::post, "/coupons/issue", R"({"couponId":4001,"customerId":1001})") ==
          201);
  auto fs = f.r->collect_metrics();
  const auto& live = find(fs, "actorshop_live_actors");
  for (const char* kind : {"coupon", "stock", "customer", "order_saga"})
    CHECK(series(live, {{"kind", kind}}));
  CHECK(series(live, {{"kind", "coupon"}})->gauge.value >= 1);
  CHECK(series(live, {{"kind", "stock"}})->gauge.value >= 1);
  auto* left = series(find(fs, "actorshop_coupon_remaining"), {{"coupon", "4001"}});
  REQUIRE(left);
  CHECK(left->gauge.value == double(f.shop->coupon_in_memory(4001)->coupon.current_quantity));
  CHECK(find(fs, "actorshop_writer_batch_size").metric[0].histogram.sample_count >= 1);
  CHECK(find(fs, "actorshop_writer_commit_duration_seconds").metric[0].histogram.sample_count >= 1);
  CHECK(find(fs, "caf_system_running_actors").metric[0].gauge.value >= 1);
  auto* processing = series(find(fs, "caf_actor_processing_time_seconds"), {{"name", "coupon"}});
  REQUIRE(processing);
  CHECK(processing->histogram.sample_count >= 1);
  auto* waited = series(find(fs, "caf_actor_mailbox_time_seconds"), {{"name", "coupon"}});
  REQUIRE(waited);
  CHECK(waited->histogram.sample_count >= 1);
  for (const char* name : {"coupon", "stock", "customer", "order_saga"}) {
    auto* mailbox = series(find(fs, "caf_actor_mailbox_size"), {{"name", name}});
    REQUIRE(mailbox);
    CHECK(mailbox->gauge.value >= 0);
  }
}
