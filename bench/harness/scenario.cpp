#include "bench/harness/scenario.hpp"

#include <stdexcept>

namespace actorshop::bench {

namespace asio = boost::asio;

// Indices into the scenario's counters/rates/checks (see metrics_of).
enum : std::size_t { created = 0, conflict = 1, other = 2 };

scenario_kind parse_scenario(const std::string& name) {
  if (name == "coupon-peak")
    return scenario_kind::coupon_peak;
  if (name == "order-payment")
    return scenario_kind::order_payment;
  throw std::invalid_argument("unknown scenario '" + name +
                              "' (expected coupon-peak or order-payment)");
}

scenario_metrics metrics_of(scenario_kind s) {
  const std::string p = s == scenario_kind::coupon_peak ? "coupon" : "payment";
  scenario_metrics m;
  m.counters = {p + "_201_count", p + "_409_count", p + "_other_count"};
  m.rates = {p + "_201_rate", p + "_409_rate", p + "_other_rate"};
  if (s == scenario_kind::coupon_peak)
    m.checks = {"is 201 or 409"};
  else
    m.checks = {"order created", "payment success or duplicated"};
  return m;
}

std::size_t run_clock::stage_now() const {
  return prof->stage_at(std::chrono::duration<double>(steady::now() - start));
}

std::int64_t order_payment_customer(std::int64_t vu, std::int64_t iter) {
  return 1001 + ((vu - 1) * 100 + iter) % 2000;
}

order_item option_s_of(std::int64_t product_id) {
  return {product_id, 6001 + 3 * (product_id - 5001), 1};
}

order_item option_m_of(std::int64_t product_id) {
  return {product_id, 6002 + 3 * (product_id - 5001), 1};
}

namespace {

std::uint64_t micros_since(steady::time_point t0) {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(steady::now() - t0).count());
}

double us(steady::duration d) { return std::chrono::duration<double, std::micro>(d).count(); }

/// k6's phases of a call that started at `call` while the VU was ready at `ready`: the wait in
/// between (an arrival-rate iteration started late) is blocked, as k6 counts the wait for a
/// free connection. A driver without phases (actors) spent the whole call waiting.
request_timing timing_of(const http_answer& r, steady::time_point ready, steady::time_point call) {
  request_timing t;
  t.blocked = us(call - ready);
  if (!r.phases.measured) {
    t.waiting = us(steady::now() - call);
    return t;
  }
  t.connecting = us(r.phases.connecting);
  t.sending = us(r.phases.sending);
  t.waiting = us(r.phases.waiting);
  t.receiving = us(r.phases.receiving);
  return t;
}

sample_owner owner_of(const vu_state& vu) {
  return {static_cast<std::uint32_t>(vu.id), static_cast<std::uint32_t>(vu.iter)};
}

/// Counts the outcome of a status in the created/conflict/other counters and rates.
void count_outcome(vu_state& vu, int status) {
  const std::size_t which = status == 201 ? created : status == 409 ? conflict : other;
  vu.rec->add_counter(which);
  for (std::size_t i = 0; i < 3; ++i)
    vu.rec->add_rate(i, i == which);
  vu.rec->sample_outcome(which, owner_of(vu));
}

void record(vu_state& vu, const run_clock& clock, endpoint ep, const http_answer& r,
            const request_timing& t) {
  vu.rec->record_request(ep, r.status, t, clock.stage_now(), r.sent, r.received, owner_of(vu));
}

/// Returns the bytes the order-payment iteration sent and received.
asio::awaitable<std::pair<std::size_t, std::size_t>>
order_payment(vu_state& vu, const run_clock& clock, steady::time_point t0) {
  const std::int64_t customer = order_payment_customer(vu.id, vu.iter);
  const std::int64_t p1 = 5001 + static_cast<std::int64_t>(vu.rng() % 20);
  const std::int64_t p2 = 5001 + static_cast<std::int64_t>(vu.rng() % 20);
  const auto c0 = steady::now();
  const http_answer order =
      co_await vu.conn->create_order(customer, option_s_of(p1), option_m_of(p2));
  record(vu, clock, endpoint::orders, order, timing_of(order, t0, c0));
  vu.rec->add_check(0, order.status == 201, owner_of(vu));
  if (order.status != 201 || order.order_id == 0)
    co_return std::pair{order.sent, order.received};
  const auto c1 = steady::now();
  const http_answer pay = co_await vu.conn->pay(order.order_id, customer);
  record(vu, clock, endpoint::payments, pay, timing_of(pay, c1, c1));
  count_outcome(vu, pay.status);
  if (pay.status == 201)
    vu.rec->add_paid_order({order.order_id, customer});
  vu.rec->add_check(1, pay.status == 201, owner_of(vu));
  co_return std::pair{order.sent + pay.sent, order.received + pay.received};
}

} // namespace

asio::awaitable<void> run_iteration(scenario_kind s, vu_state& vu, const run_clock& clock) {
  // Without coordinated omission: an arrival-rate iteration's clock starts when it was due.
  const auto t0 = vu.scheduled.value_or(steady::now());
  std::pair<std::size_t, std::size_t> bytes;
  if (s == scenario_kind::coupon_peak) {
    // Inlined rather than awaited: one coroutine frame less per request on the hottest path.
    const std::int64_t customer = 1001 + static_cast<std::int64_t>(vu.rng() % 2000);
    const auto c0 = steady::now();
    const http_answer r = co_await vu.conn->issue_coupon(4001, customer);
    record(vu, clock, endpoint::coupon_issue, r, timing_of(r, t0, c0));
    count_outcome(vu, r.status);
    vu.rec->add_check(0, r.status == 201 || r.status == 409, owner_of(vu));
    bytes = {r.sent, r.received};
  } else
    bytes = co_await order_payment(vu, clock, t0);
  vu.rec->record_iteration(micros_since(t0), owner_of(vu), bytes.first, bytes.second);
  ++vu.iter;
}

} // namespace actorshop::bench
