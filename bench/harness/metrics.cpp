#include "bench/harness/metrics.hpp"

#include <chrono>
#include <cmath>
#include <utility>

#include "bench/harness/sample_buffer.hpp"

namespace actorshop::bench {

namespace {
void add_into(std::vector<std::uint64_t>& a, const std::vector<std::uint64_t>& b) {
  if (a.size() < b.size())
    a.resize(b.size(), 0);
  for (std::size_t i = 0; i < b.size(); ++i)
    a[i] += b[i];
}
} // namespace

void custom_counts::resize(std::size_t counters_n, std::size_t rates_n, std::size_t checks_n) {
  counters.assign(counters_n, 0);
  rate_true.assign(rates_n, 0);
  rate_total.assign(rates_n, 0);
  check_pass.assign(checks_n, 0);
  check_fail.assign(checks_n, 0);
}

void custom_counts::merge(const custom_counts& o) {
  add_into(counters, o.counters);
  add_into(rate_true, o.rate_true);
  add_into(rate_total, o.rate_total);
  add_into(check_pass, o.check_pass);
  add_into(check_fail, o.check_fail);
}

void interval_data::merge(interval_data& o) {
  duration.merge(o.duration);
  duration_expected.merge(o.duration_expected);
  for (auto [mine, theirs] : {std::pair{&blocked, &o.blocked},
                              {&connecting, &o.connecting},
                              {&tls_handshaking, &o.tls_handshaking},
                              {&sending, &o.sending},
                              {&waiting, &o.waiting},
                              {&receiving, &o.receiving}})
    mine->merge(*theirs);
  iteration.merge(o.iteration);
  for (std::size_t i = 0; i < by_endpoint.size(); ++i)
    by_endpoint[i].merge(o.by_endpoint[i]);
  requests += o.requests;
  failed += o.failed;
  iterations += o.iterations;
  bytes_sent += o.bytes_sent;
  bytes_received += o.bytes_received;
  for (auto [code, n] : o.statuses)
    statuses[code] += n;
  if (stages.size() < o.stages.size())
    stages.resize(o.stages.size());
  for (std::size_t i = 0; i < o.stages.size(); ++i) {
    stages[i].duration.merge(o.stages[i].duration);
    stages[i].requests += o.stages[i].requests;
    stages[i].errors += o.stages[i].errors;
  }
  custom.merge(o.custom);
  paid_orders.insert(paid_orders.end(), o.paid_orders.begin(), o.paid_orders.end());
  samples.insert(samples.end(), o.samples.begin(), o.samples.end());
}

shard::shard(std::size_t stages, std::size_t counters, std::size_t rates, std::size_t checks,
             bool keep_samples, std::uint32_t index)
    : stages_(stages), counters_(counters), rates_(rates), checks_(checks),
      samples_(keep_samples ? std::make_unique<sample_buffer>(index) : nullptr) {
  data_ = fresh();
}

shard::~shard() = default;

interval_data shard::fresh() const {
  interval_data d;
  d.stages.resize(stages_);
  d.custom.resize(counters_, rates_, checks_);
  return d;
}

namespace {
std::uint64_t whole_us(double us) { return static_cast<std::uint64_t>(std::llround(us)); }
} // namespace

void shard::record_request(endpoint ep, int status, const request_timing& t, std::size_t stage,
                           std::size_t sent, std::size_t received, sample_owner who) {
  // k6's default expected statuses are 200..399; everything else counts in http_req_failed.
  const bool expected = status >= 200 && status < 400;
  const std::uint64_t micros = whole_us(t.duration());
  {
    std::lock_guard lock(mutex_);
    data_.duration.record(micros);
    data_.by_endpoint[static_cast<std::size_t>(ep) % endpoint_paths.size()].record(micros);
    if (expected)
      data_.duration_expected.record(micros);
    data_.blocked.record(whole_us(t.blocked));
    data_.connecting.record(whole_us(t.connecting));
    data_.tls_handshaking.record(0); // plain HTTP: k6 records 0 for every request
    data_.sending.record(whole_us(t.sending));
    data_.waiting.record(whole_us(t.waiting));
    data_.receiving.record(whole_us(t.receiving));
    ++data_.requests;
    data_.failed += expected ? 0 : 1;
    data_.bytes_sent += sent;
    data_.bytes_received += received;
    ++data_.statuses[status];
    auto& st = data_.stages[std::min(stage, stages_ - 1)];
    st.duration.record(micros);
    ++st.requests;
    st.errors += expected ? 0 : 1;
  }
  if (samples_) {
    raw_sample s{0, who.vu, who.iter, sample_kind::request, ep, static_cast<std::uint16_t>(status)};
    s.ms = {float(t.duration() / 1000), float(t.blocked / 1000), float(t.connecting / 1000),
            float(t.sending / 1000),    float(t.waiting / 1000), float(t.receiving / 1000)};
    s.sent = static_cast<std::uint32_t>(sent);
    s.received = static_cast<std::uint32_t>(received);
    samples_->add(s);
  }
}

void shard::record_request(endpoint ep, int status, std::uint64_t micros, std::size_t stage,
                           std::size_t sent, std::size_t received) {
  request_timing t;
  t.waiting = static_cast<double>(micros);
  record_request(ep, status, t, stage, sent, received);
}

void shard::record_iteration(std::uint64_t micros, sample_owner who, std::size_t sent,
                             std::size_t received) {
  {
    std::lock_guard lock(mutex_);
    data_.iteration.record(micros);
    ++data_.iterations;
  }
  if (samples_) {
    raw_sample s{0, who.vu, who.iter, sample_kind::iteration};
    s.ms[0] = float(ms(static_cast<double>(micros)));
    s.sent = static_cast<std::uint32_t>(sent);
    s.received = static_cast<std::uint32_t>(received);
    samples_->add(s);
  }
}

void shard::sample_outcome(std::size_t i, sample_owner who) {
  if (samples_)
    samples_->add({0, who.vu, who.iter, sample_kind::outcome, endpoint::coupon_issue,
                   static_cast<std::uint16_t>(i)});
}

void shard::sample_dropped() {
  if (samples_)
    samples_->add({0, 0, 0, sample_kind::dropped});
}

void shard::add_counter(std::size_t i, std::uint64_t n) {
  std::lock_guard lock(mutex_);
  data_.custom.counters[i] += n;
}

void shard::add_rate(std::size_t i, bool value) {
  std::lock_guard lock(mutex_);
  data_.custom.rate_true[i] += value ? 1 : 0;
  ++data_.custom.rate_total[i];
}

void shard::add_check(std::size_t i, bool ok, sample_owner who) {
  {
    std::lock_guard lock(mutex_);
    (ok ? data_.custom.check_pass : data_.custom.check_fail)[i] += 1;
  }
  if (samples_)
    samples_->add({0, who.vu, who.iter, sample_kind::check, endpoint::coupon_issue,
                   static_cast<std::uint16_t>(i), ok});
}

void shard::add_paid_order(paid_order paid) {
  std::lock_guard lock(mutex_);
  data_.paid_orders.push_back(paid);
}

interval_data shard::drain(bool last) {
  interval_data next = fresh();
  {
    std::lock_guard lock(mutex_);
    std::swap(next, data_);
  }
  if (samples_)
    samples_->take(next.samples, last);
  return next;
}

} // namespace actorshop::bench
