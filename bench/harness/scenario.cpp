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

/// Counts the outcome of a status in the created/conflict/other counters and rates.
void count_outcome(shard& rec, int status) {
  const std::size_t which = status == 201 ? created : status == 409 ? conflict : other;
  rec.add_counter(which);
  for (std::size_t i = 0; i < 3; ++i)
    rec.add_rate(i, i == which);
}

void record_coupon(vu_state& vu, const run_clock& clock, steady::time_point t0,
                   const http_answer& r) {
  vu.rec->record_request(endpoint::coupon_issue, r.status, micros_since(t0), clock.stage_now(),
                         r.sent, r.received);
  count_outcome(*vu.rec, r.status);
  vu.rec->add_check(0, r.status == 201 || r.status == 409);
}

asio::awaitable<void> order_payment(vu_state& vu, const run_clock& clock, steady::time_point t0) {
  const std::int64_t customer = order_payment_customer(vu.id, vu.iter);
  const std::int64_t p1 = 5001 + static_cast<std::int64_t>(vu.rng() % 20);
  const std::int64_t p2 = 5001 + static_cast<std::int64_t>(vu.rng() % 20);
  const http_answer order =
      co_await vu.conn->create_order(customer, option_s_of(p1), option_m_of(p2));
  vu.rec->record_request(endpoint::orders, order.status, micros_since(t0), clock.stage_now(),
                         order.sent, order.received);
  vu.rec->add_check(0, order.status == 201);
  if (order.status != 201 || order.order_id == 0)
    co_return;
  const auto t1 = steady::now();
  const http_answer pay = co_await vu.conn->pay(order.order_id);
  vu.rec->record_request(endpoint::payments, pay.status, micros_since(t1), clock.stage_now(),
                         pay.sent, pay.received);
  count_outcome(*vu.rec, pay.status);
  if (pay.status == 201)
    vu.rec->add_paid_order(order.order_id);
  vu.rec->add_check(1, pay.status == 201);
}

} // namespace

asio::awaitable<void> run_iteration(scenario_kind s, vu_state& vu, const run_clock& clock) {
  // Without coordinated omission: an arrival-rate iteration's clock starts when it was due.
  const auto t0 = vu.scheduled.value_or(steady::now());
  if (s == scenario_kind::coupon_peak) {
    // Inlined rather than awaited: one coroutine frame less per request on the hottest path.
    const std::int64_t customer = 1001 + static_cast<std::int64_t>(vu.rng() % 2000);
    const http_answer r = co_await vu.conn->issue_coupon(4001, customer);
    record_coupon(vu, clock, t0, r);
  } else
    co_await order_payment(vu, clock, t0);
  vu.rec->record_iteration(micros_since(t0));
  ++vu.iter;
}

} // namespace actorshop::bench
