// k6's metric names for a second of samples (see sample_points.hpp).
#include "bench/harness/sample_points.hpp"

namespace actorshop::bench {

void expand(const second_point& p, const interval_data& d, bool every, const point_fn& emit) {
  if (every) {
    for (const auto& s : d.samples) {
      if (s.is_request) {
        const bool expected = s.status >= 200 && s.status < 400;
        emit({"http_reqs", 1, s.unix_time, &s, ""});
        emit({"http_req_duration", s.value_ms, s.unix_time, &s, ""});
        emit({"http_req_failed", expected ? 0.0 : 1.0, s.unix_time, &s, ""});
      } else {
        emit({"iterations", 1, s.unix_time, nullptr, ""});
        emit({"iteration_duration", s.value_ms, s.unix_time, nullptr, ""});
      }
    }
  } else {
    emit({"http_reqs", static_cast<double>(p.requests), p.unix_time, nullptr, ""});
    emit({"http_req_duration", p.avg_ms, p.unix_time, nullptr, "stat=avg"});
    emit({"http_req_duration", p.p95_ms, p.unix_time, nullptr, "stat=p95"});
    emit({"http_req_duration", p.p99_ms, p.unix_time, nullptr, "stat=p99"});
    emit({"http_req_failed", p.requests ? double(p.failed) / double(p.requests) : 0.0, p.unix_time,
          nullptr, ""});
    emit({"iterations", static_cast<double>(p.iterations), p.unix_time, nullptr, ""});
  }
  emit({"vus", static_cast<double>(p.vus), p.unix_time, nullptr, ""});
  emit({"vus_max", static_cast<double>(p.vus_max), p.unix_time, nullptr, ""});
}
} // namespace actorshop::bench
