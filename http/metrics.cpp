// The families of GET /metrics, built from the lock-free cells at collection time.
#include "http/metrics.hpp"

#include <limits>

#include "actors/actor_telemetry.hpp"
#include "http/text_exposition.hpp"

namespace actorshop::http {
namespace {

using boost::beast::http::verb;
using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;
namespace telemetry = storage::telemetry;

constexpr std::array<std::string_view, metrics::methods> method_names{"GET", "POST", "PATCH",
                                                                      "OTHER"};
constexpr std::array<std::string_view, static_cast<std::size_t>(rejection::count_)> rejection_names{
    "in_flight", "writer_queue", "draining", "storage_full"};

std::size_t status_index(unsigned status) noexcept {
  for (std::size_t i = 0; i < metrics::status_codes.size(); ++i)
    if (metrics::status_codes[i] == status)
      return i;
  return metrics::status_codes.size(); // "other"
}

std::size_t method_index(verb m) noexcept {
  switch (m) {
  case verb::get:
    return 0;
  case verb::post:
    return 1;
  case verb::patch:
    return 2;
  default:
    return 3;
  }
}

std::string status_label(std::size_t i) {
  return i < metrics::status_codes.size() ? std::to_string(metrics::status_codes[i]) : "other";
}

std::size_t cell_index(std::size_t r, std::size_t m, std::size_t s) noexcept {
  return (r * metrics::methods + m) * metrics::statuses + s;
}

/// The statuses spec §3 and the HTTP layer document for each route, with the route's method:
/// these series exist from the start (at 0), so increase() and rate() see their first requests.
struct documented_route {
  route r;
  verb method;
  std::vector<unsigned> statuses;
};

std::vector<documented_route> documented_routes() {
  // A command can also meet 400 (malformed body), 415, 500 (storage failure), 503 and 504.
  const std::vector<unsigned> command{400, 415, 500, 503, 504};
  auto with = [](std::vector<unsigned> a, const std::vector<unsigned>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
  };
  return {
      {route::unmatched, verb::get, {404}},
      {route::balance, verb::get, {200, 400, 404}},
      {route::balance_history, verb::get, {200, 400, 404}},
      {route::charge, verb::patch, with({200, 404}, command)},
      {route::products, verb::get, {200}},
      {route::product, verb::get, {200, 400, 404}},
      {route::popular, verb::get, {200, 400}},
      {route::issue_coupon, verb::post, with({201, 404, 409}, command)},
      {route::customer_coupons, verb::get, {200, 400, 404}},
      {route::create_order, verb::post, with({201, 404, 409}, command)},
      {route::order, verb::get, {200, 400, 404}},
      {route::pay, verb::post, with({201, 404, 409}, command)},
      {route::create_coupon, verb::post, with({201, 401, 403}, command)},
      {route::health, verb::get, {200, 503}},
      {route::metrics, verb::get, {200}},
  };
}

ClientMetric::Label label(std::string name, std::string_view value) {
  return {std::move(name), std::string(value)};
}

MetricFamily family(std::string name, std::string help, MetricType type) {
  return {std::move(name), std::move(help), type, {}};
}

MetricFamily single(std::string name, std::string help, MetricType type, double value) {
  auto f = family(std::move(name), std::move(help), type);
  ClientMetric m;
  (type == MetricType::Counter ? m.counter.value : m.gauge.value) = value;
  f.metric.push_back(std::move(m));
  return f;
}

ClientMetric histogram_metric(const telemetry::histogram_snapshot& h,
                              std::vector<ClientMetric::Label> labels) {
  ClientMetric m;
  m.label = std::move(labels);
  for (std::size_t b = 0; b < h.cumulative.size(); ++b) {
    double le = b < h.bounds.size() ? h.bounds[b] : std::numeric_limits<double>::infinity();
    m.histogram.bucket.push_back({h.cumulative[b], le});
  }
  m.histogram.sample_count = h.count();
  m.histogram.sample_sum = h.sum;
  return m;
}

MetricFamily histogram_family(std::string name, std::string help,
                              const telemetry::histogram_snapshot& h) {
  auto f = family(std::move(name), std::move(help), MetricType::Histogram);
  f.metric.push_back(histogram_metric(h, {}));
  return f;
}

void add_storage_families(std::vector<MetricFamily>& out, const actors::shop& shop,
                          const actors::shop_stats& st) {
  const auto& w = shop.writer_telemetry();
  out.push_back(single("actorshop_writer_queue_depth", "Units waiting for the storage writer",
                       MetricType::Gauge, double(st.write_queue_depth)));
  out.push_back(histogram_family("actorshop_writer_batch_size",
                                 "Units of work per transaction the writer committed",
                                 w.batch_size.read()));
  out.push_back(histogram_family(
      "actorshop_writer_commit_duration_seconds",
      "Duration of the writer's COMMIT statement (with synchronous=FULL it includes the fsync)",
      w.commit_duration.read()));
  out.push_back(histogram_family(
      "actorshop_writer_fsync_duration_seconds",
      "Duration of the WAL fdatasync done beside the writer (synchronous=FULL_PIPELINED only)",
      w.fsync_duration.read()));
  out.push_back(single("actorshop_storage_wal_bytes", "Size of the SQLite WAL file",
                       MetricType::Gauge, double(st.wal_bytes)));
  out.push_back(histogram_family("actorshop_checkpoint_duration_seconds",
                                 "Duration of one background WAL checkpoint pass (PASSIVE)",
                                 w.checkpoint_duration.read()));
  out.push_back(single("actorshop_outbox_backlog", "Outbox events not yet delivered",
                       MetricType::Gauge, double(st.events_pending)));
  out.push_back(single("actorshop_outbox_delivered_total", "Outbox events delivered to the sink",
                       MetricType::Counter, double(st.events_delivered)));
  out.push_back(single("actorshop_outbox_delivery_failures_total",
                       "Outbox delivery rounds that failed (sink down or refusing)",
                       MetricType::Counter, double(st.event_delivery_failures)));
  out.push_back(single("actorshop_outbox_retries_total",
                       "Outbox delivery rounds that retried after a failed round",
                       MetricType::Counter, double(st.event_retries)));
}

void add_actor_families(std::vector<MetricFamily>& out, const actors::shop_stats& st) {
  auto live = family("actorshop_live_actors", "Entity actors alive, by kind", MetricType::Gauge);
  const std::array<std::pair<std::string_view, std::uint64_t>, 4> kinds{
      {{"coupon", st.live_coupon_actors},
       {"stock", st.live_stock_actors},
       {"customer", st.live_customer_actors},
       {"order_saga", st.live_order_sagas}}};
  for (const auto& [kind, n] : kinds) {
    ClientMetric m;
    m.label = {label("kind", kind)};
    m.gauge.value = double(n);
    live.metric.push_back(std::move(m));
  }
  out.push_back(std::move(live));
  auto remaining =
      family("actorshop_coupon_remaining", "Coupons left to issue, per coupon", MetricType::Gauge);
  for (const auto& [id, left] : st.coupon_remaining) {
    ClientMetric m;
    m.label = {label("coupon", std::to_string(id))};
    m.gauge.value = double(left);
    remaining.metric.push_back(std::move(m));
  }
  out.push_back(std::move(remaining));

  // CAF 0.18+ names and labels (`name` = the actor's name, here its kind).
  out.push_back(single("caf_system_running_actors", "Number of currently running actors",
                       MetricType::Gauge, double(st.running_actors)));
  auto mailbox =
      family("caf_actor_mailbox_size", "Number of messages in the mailbox", MetricType::Gauge);
  auto processing = family("caf_actor_processing_time_seconds",
                           "Time an actor needs to process messages", MetricType::Histogram);
  auto waiting =
      family("caf_actor_mailbox_time_seconds",
             "Time a message waits in the mailbox before processing", MetricType::Histogram);
  for (std::size_t k = 0; k < actors::actor_kind_names.size(); ++k) {
    const auto& cells = actors::cells_of(static_cast<actors::actor_kind>(k));
    const auto name = actors::actor_kind_names[k];
    ClientMetric m;
    m.label = {label("name", name)};
    m.gauge.value = double(std::max<std::int64_t>(0, cells.mailbox_size.load()));
    mailbox.metric.push_back(std::move(m));
    processing.metric.push_back(
        histogram_metric(cells.processing_time.read(), {label("name", name)}));
    waiting.metric.push_back(histogram_metric(cells.mailbox_time.read(), {label("name", name)}));
  }
  out.push_back(std::move(mailbox));
  out.push_back(std::move(processing));
  out.push_back(std::move(waiting));
}

} // namespace

metrics::metrics()
    : requests_(std::make_unique<telemetry::histogram[]>(routes * methods * statuses)) {
  for (const auto& d : documented_routes())
    for (auto s : d.statuses)
      documented_[static_cast<std::size_t>(d.r)][method_index(d.method)][status_index(s)] = true;
}

void metrics::record(route r, verb method, unsigned status, double seconds) noexcept {
  if (!telemetry::enabled())
    return;
  requests_[cell_index(static_cast<std::size_t>(r) % routes, method_index(method),
                       status_index(status))]
      .observe(seconds);
}

void metrics::reject(rejection why) noexcept {
  if (telemetry::enabled())
    rejected_[static_cast<std::size_t>(why)].fetch_add(1, std::memory_order_relaxed);
}

void metrics::connection_accepted() noexcept {
  if (telemetry::enabled())
    accepted_.fetch_add(1, std::memory_order_relaxed);
}

void metrics::connection_refused() noexcept {
  if (telemetry::enabled())
    refused_.fetch_add(1, std::memory_order_relaxed);
}

void metrics::set_build_info(build_labels labels) { build_ = std::move(labels); }

void metrics::add_http_families(std::vector<MetricFamily>& out) const {
  auto total =
      family("actorshop_http_requests_total", "HTTP requests answered", MetricType::Counter);
  auto duration = family("actorshop_http_request_duration_seconds",
                         "Time from the first byte of a request read to the last byte of its "
                         "response written",
                         MetricType::Histogram);
  for (std::size_t r = 0; r < routes; ++r)
    for (std::size_t m = 0; m < methods; ++m)
      for (std::size_t s = 0; s < statuses; ++s) {
        auto h = requests_[cell_index(r, m, s)].read();
        if (h.count() == 0 && !documented_[r][m][s])
          continue;
        std::vector<ClientMetric::Label> labels{label("method", method_names[m]),
                                                label("route", route_label(route(r))),
                                                label("status", status_label(s))};
        ClientMetric c;
        c.label = labels;
        c.counter.value = double(h.count());
        total.metric.push_back(std::move(c));
        duration.metric.push_back(histogram_metric(h, std::move(labels)));
      }
  out.push_back(std::move(total));
  out.push_back(std::move(duration));
  auto rejected = family("actorshop_http_rejected_total", "Requests answered 503, by reason",
                         MetricType::Counter);
  for (std::size_t i = 0; i < rejected_.size(); ++i) {
    ClientMetric c;
    c.label = {label("reason", rejection_names[i])};
    c.counter.value = double(rejected_[i].load(std::memory_order_relaxed));
    rejected.metric.push_back(std::move(c));
  }
  out.push_back(std::move(rejected));
  out.push_back(single("actorshop_http_connections_open", "Connections open now", MetricType::Gauge,
                       connections_ ? double(connections_->load()) : 0.0));
  out.push_back(single("actorshop_http_connections_accepted_total", "Connections accepted",
                       MetricType::Counter, double(accepted_.load())));
  out.push_back(single("actorshop_http_connections_rejected_total",
                       "Connections closed at once because max_connections were open",
                       MetricType::Counter, double(refused_.load())));
}

/// Cluster mode: the routing counters and which peers are linked now.
void add_cluster_families(std::vector<MetricFamily>& out, const actors::cluster::node& cluster) {
  const auto st = cluster.stats();
  auto calls = family("actorshop_cluster_calls_total", "Routed calls, by where the owning node was",
                      MetricType::Counter);
  for (const auto& [where, n] : {std::pair{"local", st.local_calls}, {"remote", st.remote_calls}}) {
    ClientMetric m;
    m.label = {label("owner", where)};
    m.counter.value = double(n);
    calls.metric.push_back(std::move(m));
  }
  out.push_back(std::move(calls));
  out.push_back(single("actorshop_cluster_shard_unavailable_total",
                       "Calls answered SHARD_UNAVAILABLE (owner unreachable)", MetricType::Counter,
                       double(st.unavailable)));
  out.push_back(single("actorshop_cluster_sold_out_cache_hits_total",
                       "Coupon issues answered 409 from this node's sold-out cache",
                       MetricType::Counter, double(st.sold_out_hits)));
  auto messages =
      family("actorshop_cluster_messages_total",
             "Wire messages exchanged with peers (requests, answers, hellos)", MetricType::Counter);
  for (const auto& [direction, n] :
       {std::pair{"sent", st.messages_sent}, {"received", st.messages_received}}) {
    ClientMetric m;
    m.label = {label("direction", direction)};
    m.counter.value = double(n);
    messages.metric.push_back(std::move(m));
  }
  out.push_back(std::move(messages));
  out.push_back(single("actorshop_cluster_refused_links_total",
                       "Handshakes that refused a peer running another cluster file version or map",
                       MetricType::Counter, double(st.refused_links)));
  auto up = family("actorshop_cluster_peer_up", "1 while the link to a node is up (this node: 1)",
                   MetricType::Gauge);
  auto mismatch = family("actorshop_cluster_peer_version_mismatch",
                         "1 while a node is refused: it runs another cluster file version or map",
                         MetricType::Gauge);
  const auto& nodes = cluster.map().nodes();
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    ClientMetric m;
    m.label = {label("node", nodes[i].name)};
    m.gauge.value = cluster.connected(i) ? 1 : 0;
    up.metric.push_back(m);
    m.gauge.value = cluster.version_mismatch(i) ? 1 : 0;
    mismatch.metric.push_back(std::move(m));
  }
  out.push_back(std::move(up));
  out.push_back(std::move(mismatch));
}

std::vector<MetricFamily> metrics::collect(const actors::shop& shop, std::int64_t in_flight,
                                           const actors::cluster::node* cluster) const {
  std::vector<MetricFamily> out;
  auto info = single("actorshop_build_info", "What this binary was built from (always 1)",
                     MetricType::Gauge, 1);
  info.metric[0].label = {label("build_type", build_.build_type), label("commit", build_.commit),
                          label("version", build_.version)};
  out.push_back(std::move(info));
  for (auto& f : process_families())
    out.push_back(std::move(f));
  add_http_families(out);
  out.push_back(single("actorshop_http_in_flight_requests",
                       "Commands handed to the actors and not answered yet", MetricType::Gauge,
                       double(in_flight)));
  const auto st = shop.stats();
  add_storage_families(out, shop, st);
  add_actor_families(out, st);
  if (cluster) {
    add_cluster_families(out, *cluster);
    out.push_back(single("actorshop_saga_recovery_skipped_total",
                         "Saga log rows recovery closed without resuming them at start: \"paying\" "
                         "with the order no longer open (should not occur; each is logged)",
                         MetricType::Counter, double(st.saga_recovery_skipped)));
  }
  return out;
}

std::string metrics::render(const actors::shop& shop, std::int64_t in_flight,
                            const actors::cluster::node* cluster) const {
  return prometheus_text(collect(shop, in_flight, cluster));
}

} // namespace actorshop::http
