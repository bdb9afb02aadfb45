// k6's metric names for a second of samples (see sample_points.hpp).
#include "bench/harness/sample_points.hpp"

namespace actorshop::bench {

namespace {

/// k6's samples of one request: http_reqs, the six timing trends and http_req_failed.
void expand_request(const raw_sample& s, const point_fn& emit) {
  const double t = s.unix_time();
  const bool expected = s.status >= 200 && s.status < 400;
  emit({"http_reqs", 1, t, &s, ""});
  for (std::size_t i = 0; i < request_trends.size(); ++i) {
    emit({request_trends[i], s.ms[i], t, &s, ""});
    if (i == 2) // k6 lists tls_handshaking between connecting and sending; plain HTTP: 0
      emit({"http_req_tls_handshaking", 0, t, &s, ""});
  }
  emit({"http_req_failed", expected ? 0.0 : 1.0, t, &s, ""});
}

void expand_sample(const raw_sample& s, const scenario_metrics& names, const point_fn& emit_raw) {
  const double t = s.unix_time();
  const point_fn emit = [&](const point& x) {
    point with_src = x;
    with_src.src = &s;
    emit_raw(with_src);
  };
  switch (s.kind) {
  case sample_kind::request:
    expand_request(s, emit);
    break;
  case sample_kind::iteration:
    // k6 emits the iteration's bytes with its end, as one sample each.
    emit({"data_sent", static_cast<double>(s.sent), t, nullptr, ""});
    emit({"data_received", static_cast<double>(s.received), t, nullptr, ""});
    emit({"iteration_duration", s.ms[0], t, nullptr, ""});
    emit({"iterations", 1, t, nullptr, ""});
    break;
  case sample_kind::check:
    if (s.status < names.checks.size())
      emit({"checks", s.ok ? 1.0 : 0.0, t, nullptr, "", &names.checks[s.status]});
    break;
  case sample_kind::outcome:
    if (s.status < names.counters.size())
      emit({names.counters[s.status].c_str(), 1, t, nullptr, ""});
    for (std::size_t i = 0; i < names.rates.size(); ++i)
      emit({names.rates[i].c_str(), i == s.status ? 1.0 : 0.0, t, nullptr, ""});
    break;
  case sample_kind::dropped: // k6 writes a 1 per dropped iteration, outside any VU
    emit_raw({"dropped_iterations", 1, t, nullptr, ""});
    break;
  }
}

} // namespace

void expand(const second_point& p, const interval_data& d, bool every,
            const scenario_metrics& names, const point_fn& emit) {
  if (every) {
    for (const auto& chunk : d.samples)
      for (const auto& s : *chunk)
        expand_sample(s, names, emit);
  } else {
    emit({"http_reqs", static_cast<double>(p.requests), p.unix_time, nullptr, ""});
    emit({"http_req_duration", p.avg_ms, p.unix_time, nullptr, "stat=avg"});
    emit({"http_req_duration", p.p95_ms, p.unix_time, nullptr, "stat=p95"});
    emit({"http_req_duration", p.p99_ms, p.unix_time, nullptr, "stat=p99"});
    emit({"http_req_failed", p.requests ? double(p.failed) / double(p.requests) : 0.0, p.unix_time,
          nullptr, ""});
    emit({"iterations", static_cast<double>(p.iterations), p.unix_time, nullptr, ""});
    if (p.dropped_new > 0)
      emit({"dropped_iterations", static_cast<double>(p.dropped_new), p.unix_time, nullptr, ""});
  }
  emit({"vus", static_cast<double>(p.vus), p.unix_time, nullptr, ""});
  emit({"vus_max", static_cast<double>(p.vus_max), p.unix_time, nullptr, ""});
}
} // namespace actorshop::bench
