// metrics: everything GET /metrics exposes. The hot paths only bump lock-free cells (relaxed
// atomics; the HTTP latency histograms have one shard, as one io thread serves by default); the
// Prometheus families (prometheus-cpp's MetricFamily) are built from them when collect() is
// called, so /metrics (text_exposition.hpp) and any other view of the same families agree. Names
// and labels: /work/notes/metrics-contract.md, summarised in README's "Metrics" section.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <ostream> // boost/core/detail/string_view.hpp needs it before verb.hpp

#include <boost/beast/http/verb.hpp>
#include <prometheus/metric_family.h>

#include "actors/cluster/node.hpp"
#include "actors/shop.hpp"
#include "http/route.hpp"
#include "storage/telemetry.hpp"

namespace actorshop::http {

/// Why a request got 503 (label `reason` of actorshop_http_rejected_total).
enum class rejection : std::uint8_t { in_flight, writer_queue, draining, storage_full, count_ };

/// Labels of actorshop_build_info.
struct build_labels {
  std::string version;
  std::string commit;
  std::string build_type;
};

class metrics {
public:
  metrics();
  metrics(const metrics&) = delete;
  metrics& operator=(const metrics&) = delete;

  /// Counts one answered request: `seconds` from its first byte read to its last byte written.
  /// Thread-safe, lock-free; does nothing while metrics are disabled.
  void record(route r, boost::beast::http::verb method, unsigned status, double seconds) noexcept;
  /// Counts one 503 by its reason.
  void reject(rejection why) noexcept;
  void connection_accepted() noexcept;
  void connection_refused() noexcept; ///< closed at once: max_connections reached

  void set_build_info(build_labels labels);
  /// The sessions' open-connection count, read when collecting (not owned).
  void watch_connections(const std::atomic<std::int64_t>* open) noexcept { connections_ = open; }

  /// Every family, sampled now: HTTP, process_*, build info, writer, actors, outbox, caf_*.
  /// `in_flight` is the router's count of commands waiting for the actors.
  std::vector<prometheus::MetricFamily>
  collect(const actors::shop& shop, std::int64_t in_flight,
          const actors::cluster::node* cluster = nullptr) const;
  /// The Prometheus text format of collect().
  std::string render(const actors::shop& shop, std::int64_t in_flight,
                     const actors::cluster::node* cluster = nullptr) const;

  static constexpr std::size_t routes = static_cast<std::size_t>(route::count_);
  static constexpr std::size_t methods = 4; // GET, POST, PATCH, OTHER
  /// Status codes with their own series; anything else is counted as status "other".
  static constexpr std::array<unsigned, 14> status_codes{200, 201, 400, 401, 403, 404, 405,
                                                         409, 413, 415, 431, 500, 503, 504};
  static constexpr std::size_t statuses = status_codes.size() + 1;

private:
  void add_http_families(std::vector<prometheus::MetricFamily>& out) const;

  /// One histogram per route x method x status; its count is also actorshop_http_requests_total.
  std::unique_ptr<storage::telemetry::histogram[]> requests_;
  /// Which (route, method, status) combinations are exposed even at zero: the documented ones.
  std::array<std::array<std::array<bool, statuses>, methods>, routes> documented_{};
  std::array<std::atomic<std::uint64_t>, static_cast<std::size_t>(rejection::count_)> rejected_{};
  std::atomic<std::uint64_t> accepted_{0};
  std::atomic<std::uint64_t> refused_{0};
  const std::atomic<std::int64_t>* connections_ = nullptr;
  build_labels build_{"unknown", "unknown", "unknown"};
};

/// Families of the process: process_cpu_seconds_total, process_resident_memory_bytes,
/// process_virtual_memory_bytes, process_open_fds, process_max_fds, process_start_time_seconds
/// (Prometheus client conventions), read from /proc/self.
std::vector<prometheus::MetricFamily> process_families();

} // namespace actorshop::http
