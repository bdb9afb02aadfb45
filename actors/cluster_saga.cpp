#include "actors/cluster_saga.hpp"

#include <algorithm>
#include <random>

#include <caf/actor_system.hpp>
#include <caf/send.hpp>

#include "actors/actor_telemetry.hpp"
#include "actors/atoms.hpp"
#include "actors/customer.hpp"
#include "domain/discount.hpp"
#include "storage/order_units.hpp"

namespace actorshop::actors {
namespace {

using domain::errc;
using domain::id_t;
using storage::step;
using storage::step_kind;
using step_result = domain::result<storage::step_outcome>;
using steady = std::chrono::steady_clock;

constexpr auto retry_pause = std::chrono::milliseconds(100);

enum class phase : std::uint8_t {
  logging,
  reserving,
  created,
  paying,
  compensating,
  expiring,
  done
};

struct cluster_saga_state;
using saga = instrumented_actor<cluster_saga_state>;
using continuation = std::function<void(saga*)>;
using unit_continuation = std::function<void(saga*, domain::status)>;

struct cluster_saga_state {
  context* ctx = nullptr;
  domain::order order;
  phase ph = phase::created;
  answer_once<domain::order> created_answer;
  answer_once<domain::payment> pay_answer;
  // The batch of steps in flight: answers of an older batch are dropped.
  std::uint64_t batch = 0;
  std::vector<step> steps;
  std::vector<std::optional<step_result>> results;
  std::size_t pending = 0;
  std::optional<steady::time_point> deadline; ///< none: retry until acknowledged
  continuation after_steps;
  unit_continuation after_unit; ///< the one write unit in flight
  // The payment attempt in flight.
  std::uint64_t attempt = 0;
  id_t coupon = 0;
  domain::discounted_price price;
  std::optional<errc> failure; ///< what the client is told once compensation is acknowledged
  static inline const char* name = "cluster_saga";
  static constexpr actor_kind kind = actor_kind::order_saga;
};

std::string order_prefix(const domain::order& o) { return std::to_string(o.id); }
std::string attempt_prefix(const cluster_saga_state& st) {
  return std::to_string(st.order.id) + "." + std::to_string(st.attempt);
}
std::string line_step_id(const std::string& prefix, const char* kind, std::size_t line) {
  return prefix + ":" + kind + ":" + std::to_string(line);
}

bool applied(const std::optional<step_result>& r) { return *r && (*r)->code == 0; }

errc failure_of(const step_result& r) { return r ? static_cast<errc>(r->code) : r.error(); }

/// The first failure of the batch, or nothing if every step applied.
std::optional<errc> first_failure(const cluster_saga_state& st) {
  for (const auto& r : st.results)
    if (!applied(r))
      return failure_of(*r);
  return std::nullopt;
}

void send_one(saga* self, std::size_t slot) {
  auto me = caf::actor_cast<caf::actor>(self);
  const auto batch = self->state.batch;
  self->state.ctx->steps->send_step(self->state.steps[slot], [me, batch, slot](step_result r) {
    caf::anon_send(me, saga_step_atom::value, batch, slot, std::move(r));
  });
}

/// Sends every step of `steps` (in parallel); `then` runs once all have an outcome. With a
/// deadline, a step still unanswered at the deadline keeps its error as outcome.
void run_steps(saga* self, std::vector<step> steps, bool until_acknowledged, continuation then) {
  auto& st = self->state;
  ++st.batch;
  st.steps = std::move(steps);
  st.results.assign(st.steps.size(), std::nullopt);
  st.pending = st.steps.size();
  st.deadline.reset();
  if (!until_acknowledged)
    st.deadline = steady::now() + st.ctx->options.step_deadline;
  st.after_steps = std::move(then);
  if (st.pending == 0)
    return std::exchange(st.after_steps, {})(self);
  for (std::size_t i = 0; i < st.steps.size(); ++i)
    send_one(self, i);
}

/// Whether a forward step without an outcome is given up now: at its deadline, or at once when its
/// owner is known to be down (its link is lost: SHARD_UNAVAILABLE), so that the client hears 503
/// within the failure detection time instead of after the step deadline. A timeout may be a slow
/// owner and is retried until the deadline; compensations (no deadline) retry until acknowledged.
bool give_up(const cluster_saga_state& st, const step_result& r) {
  if (!st.deadline)
    return false;
  return r.error() == errc::shard_unavailable || steady::now() >= *st.deadline;
}

void on_step(saga* self, std::uint64_t batch, std::size_t slot, step_result r) {
  auto& st = self->state;
  if (batch != st.batch || st.results[slot])
    return;
  if (!r && !give_up(st, r)) { // no outcome yet: same id again
    self->delayed_send(self, retry_pause, saga_retry_atom::value, batch, slot);
    return;
  }
  st.results[slot] = std::move(r);
  if (--st.pending == 0)
    std::exchange(st.after_steps, {})(self);
}

void on_retry(saga* self, std::uint64_t batch, std::size_t slot) {
  if (batch == self->state.batch && !self->state.results[slot])
    send_one(self, slot);
}

/// Submits one write unit; `then` runs on the saga with its status.
void write(saga* self, const char* label, storage::unit_fn unit, unit_continuation then) {
  auto me = caf::actor_cast<caf::actor>(self);
  self->state.after_unit = std::move(then);
  self->state.ctx->writer->submit(label, std::move(unit), [me](domain::status s) {
    caf::anon_send(me, unit_done_atom::value, s);
  });
}

void finish(saga* self) {
  auto& st = self->state;
  st.ph = phase::done;
  st.ctx->expiries->cancel(st.order.id);
  st.ctx->sagas.erase(st.order.id);
  self->send(self, stop_atom::value);
}

/// Answers the waiting client (creation or payment) with the failure being compensated; a no-op
/// once answered.
void answer_failure(saga* self) {
  auto& st = self->state;
  if (!st.failure)
    return;
  const auto e = *st.failure;
  st.failure.reset();
  st.created_answer(e);
  st.created_answer = {};
  std::exchange(st.pay_answer, {})(e);
}

/// The client waits for the compensation's acknowledgements, but at most half a step deadline: a
/// participant that is down would keep it waiting until it is back, and the compensation is safe
/// without the client (it keeps retrying, and the log row resumes it after a crash). A failure
/// because a participant is down is answered at once: its compensation cannot be acknowledged
/// before it is back anyway, and the client is told to retry later.
void fail_with(saga* self, errc e) {
  self->state.failure = e;
  if (e == errc::shard_unavailable)
    return self->send(self, answer_atom::value);
  self->delayed_send(self, self->state.ctx->options.step_deadline / 2, answer_atom::value);
}

storage::saga_record record_of(const cluster_saga_state& st, const char* ph) {
  storage::saga_record r{st.order.id, ph, st.attempt, st.coupon, st.order.customer_id, {}};
  for (const auto& l : st.order.lines)
    r.lines.emplace_back(l.option_id, l.qty);
  return r;
}

std::vector<step> line_steps(const cluster_saga_state& st, const std::string& prefix,
                             step_kind kind, const char* name, const char* undone_name) {
  std::vector<step> out;
  const auto now = st.ctx->now();
  for (std::size_t i = 0; i < st.order.lines.size(); ++i) {
    const auto& l = st.order.lines[i];
    step s{line_step_id(prefix, name, i), kind, l.option_id, 0, l.qty, {}, now};
    if (undone_name)
      s.undoes = line_step_id(prefix, undone_name, i);
    out.push_back(std::move(s));
  }
  return out;
}

// --- releasing reservations (a failed creation, an expiry, a recovered log row) ---

/// Releases every line (a line whose reserve never applied only gets a tombstone), closes the
/// log row, then runs `then`.
void release_all(saga* self, continuation then) {
  auto& st = self->state;
  st.ph = phase::compensating;
  auto steps = line_steps(st, order_prefix(st.order), step_kind::release, "release", "reserve");
  run_steps(self, std::move(steps), true, [then = std::move(then)](saga* s) {
    write(s, storage::saga_log_label, storage::end_saga_log(s->state.order.id),
          [then](saga* s2, domain::status) { then(s2); }); // a failed close: recovery repeats
  });
}

// --- creation ---

void schedule_expiry(saga* self) {
  self->state.ctx->expiries->schedule(self->state.order.id, self->state.order.expires_at);
}

void fail_creation(saga* self, errc e) {
  fail_with(self, e);
  release_all(self, [](saga* s) {
    answer_failure(s);
    finish(s);
  });
}

void persist_order(saga* self) {
  auto o = std::make_shared<const domain::order>(self->state.order);
  write(self, storage::create_order_label, storage::create_order_clustered(o),
        [](saga* s, domain::status persisted) {
          if (!persisted)
            return fail_creation(s, persisted.error());
          auto& st = s->state;
          st.ph = phase::created;
          st.created_answer(st.order);
          st.created_answer = {};
          schedule_expiry(s);
        });
}

void reserve_all(saga* self) {
  auto& st = self->state;
  st.ph = phase::reserving;
  run_steps(self, line_steps(st, order_prefix(st.order), step_kind::reserve, "reserve", nullptr),
            false, [](saga* s) {
              if (auto e = first_failure(s->state))
                return fail_creation(s, *e);
              persist_order(s);
            });
}

void start_creation(saga* self) {
  auto& st = self->state;
  st.ph = phase::logging;
  write(self, storage::saga_log_label, storage::log_saga(record_of(st, "reserving")),
        [](saga* s, domain::status logged) {
          if (!logged) {
            s->state.created_answer(logged.error());
            return finish(s);
          }
          reserve_all(s);
        });
}

// --- payment ---

std::uint64_t new_attempt() {
  thread_local std::mt19937_64 gen{std::random_device{}()};
  return gen() >> 1; // fits SQLite's signed integer
}

/// Compensates a payment attempt (unsell every line, unuse the coupon), closes the log row and
/// answers `e` (if anyone waits); the order stays payable.
void compensate_payment(saga* self, errc e) {
  auto& st = self->state;
  fail_with(self, e);
  st.ph = phase::compensating;
  const auto prefix = attempt_prefix(st);
  auto steps = line_steps(st, prefix, step_kind::unsell, "unsell", "sell");
  if (st.coupon != 0)
    steps.push_back(step{prefix + ":unuse", step_kind::unuse_coupon, st.coupon,
                         st.order.customer_id, 0, prefix + ":use", st.ctx->now()});
  run_steps(self, std::move(steps), true, [](saga* s) {
    write(s, storage::saga_log_label, storage::end_saga_log(s->state.order.id),
          [](saga* s2, domain::status) {
            s2->state.ph = phase::created;
            answer_failure(s2);
          });
  });
}

void settle(saga* self) {
  auto& st = self->state;
  payment_job job;
  auto& p = job.payment;
  do
    p.id = ++st.ctx->next_payment_id;
  while (!st.ctx->options.owns(domain::entity_kind::order, p.id)); // unique across nodes
  p.order_id = st.order.id;
  p.customer_id = st.order.customer_id;
  if (st.coupon != 0)
    p.coupon_id = st.coupon;
  p.original_price = st.price.original;
  p.discount_amount = st.price.discount;
  p.discounted_price = st.price.final_price;
  p.paid_at = st.ctx->now();
  job.lines = st.order.lines;
  auto me = caf::actor_cast<caf::actor>(self);
  answer_once<domain::payment> r(
      [me](domain::result<domain::payment> res) { caf::anon_send(me, paid_atom::value, res); });
  send_to_customer(*st.ctx, st.order.customer_id, settle_atom::value, std::move(job), std::move(r));
}

void on_paid(saga* self, const domain::result<domain::payment>& paid) {
  if (!paid)
    return compensate_payment(self, paid.error());
  auto r = std::exchange(self->state.pay_answer, {});
  r(*paid);
  finish(self);
}

void sell_all(saga* self) {
  auto& st = self->state;
  run_steps(self, line_steps(st, attempt_prefix(st), step_kind::sell, "sell", nullptr), false,
            [](saga* s) {
              if (auto e = first_failure(s->state))
                return compensate_payment(s, *e);
              settle(s);
            });
}

void use_coupon(saga* self) {
  auto& st = self->state;
  if (st.coupon == 0) {
    st.price = domain::no_discount(st.order.total_price);
    return sell_all(self);
  }
  const auto prefix = attempt_prefix(st);
  std::vector<step> steps{step{prefix + ":use",
                               step_kind::use_coupon,
                               st.coupon,
                               st.order.customer_id,
                               0,
                               {},
                               st.ctx->now()}};
  run_steps(self, std::move(steps), false, [](saga* s) {
    auto& st2 = s->state;
    if (auto e = first_failure(st2))
      return compensate_payment(s, *e);
    const auto& terms = **st2.results[0];
    auto price = domain::apply_discount(st2.order.total_price, terms.type, terms.discount_amount);
    if (!price)
      return compensate_payment(s, price.error());
    st2.price = *price;
    sell_all(s);
  });
}

void pay(saga* self, id_t coupon, id_t payer, const answer_once<domain::payment>& r) {
  auto& st = self->state;
  if (payer != 0 && payer != st.order.customer_id)
    return r(errc::forbidden);
  if (st.ph != phase::created)
    return r(errc::order_not_payable);
  st.ph = phase::paying;
  st.pay_answer = r;
  st.coupon = coupon;
  st.attempt = new_attempt();
  write(self, storage::saga_log_label, storage::log_saga(record_of(st, "paying")),
        [](saga* s, domain::status logged) {
          if (!logged) {
            s->state.ph = phase::created;
            return std::exchange(s->state.pay_answer, {})(logged.error());
          }
          use_coupon(s);
        });
}

// --- expiry ---

void expire(saga* self) {
  auto& st = self->state;
  if (st.ph == phase::paying || st.ph == phase::compensating) // decide after the payment
    return self->delayed_send(self, retry_pause, expire_atom::value);
  if (st.ph != phase::created)
    return;
  st.ph = phase::expiring;
  auto expired = std::make_shared<bool>(false);
  st.attempt = 0;
  st.coupon = 0;
  write(self, storage::expire_order_label,
        storage::expire_order_clustered(record_of(st, "releasing"), expired),
        [expired](saga* s, domain::status ok) {
          if (!ok) { // the database refused: stay open and try again later
            s->state.ph = phase::created;
            return s->delayed_send(s, std::chrono::seconds(1), expire_atom::value);
          }
          if (!*expired)
            return finish(s);
          release_all(s, [](saga* s2) { finish(s2); });
        });
}

enum class start { create, recovered, pay_recovery, cleanup };

/// Step ids number an order's lines by position, so every run of the saga must see them in the
/// same order: by option id, the order the database gives them back after a restart (order_item's
/// key is (order, option)). Sorted at creation too, before the log row that recovery reads.
void sort_lines(domain::order& o) {
  std::stable_sort(o.lines.begin(), o.lines.end(),
                   [](const auto& x, const auto& y) { return x.option_id < y.option_id; });
}

caf::behavior behavior(saga* self, context* ctx, domain::order o, start how,
                       answer_once<domain::order> r, storage::saga_record log) {
  auto& st = self->state;
  st.ctx = ctx;
  st.order = std::move(o);
  sort_lines(st.order);
  st.created_answer = std::move(r);
  switch (how) {
  case start::create:
    start_creation(self);
    break;
  case start::recovered:
    schedule_expiry(self);
    break;
  case start::pay_recovery:
    st.attempt = log.attempt;
    st.coupon = log.coupon_id;
    schedule_expiry(self);
    compensate_payment(self, errc::unavailable); // nobody waits: the client's request died
    st.failure.reset();
    break;
  case start::cleanup:
    release_all(self, [](saga* s) { s->quit(); });
    break;
  }
  return {
      [=](saga_step_atom, std::uint64_t batch, std::size_t slot, step_result& res) {
        on_step(self, batch, slot, std::move(res));
      },
      [=](saga_retry_atom, std::uint64_t batch, std::size_t slot) { on_retry(self, batch, slot); },
      [=](unit_done_atom, domain::status s) { std::exchange(self->state.after_unit, {})(self, s); },
      [=](pay_atom, id_t coupon, id_t payer, const answer_once<domain::payment>& pr) {
        pay(self, coupon, payer, pr);
      },
      [=](paid_atom, const domain::result<domain::payment>& paid) { on_paid(self, paid); },
      [=](expire_atom) { expire(self); },
      [=](answer_atom) { answer_failure(self); },
      [=](stop_atom) { self->quit(); },
      [](peek_atom) {},
  };
}

void spawn(context& ctx, domain::order o, start how, answer_once<domain::order> r,
           storage::saga_record log = {}) {
  const auto id = o.id;
  auto a = ctx.system->spawn<caf::lazy_init>(behavior, &ctx, std::move(o), how, std::move(r),
                                             std::move(log));
  if (how != start::cleanup)
    ctx.sagas.insert(id, a);
  caf::anon_send(a, peek_atom::value); // wakes the lazy actor
}

} // namespace

void spawn_new_cluster_saga(context& ctx, domain::order o, answer_once<domain::order> r) {
  spawn(ctx, std::move(o), start::create, std::move(r));
}

void spawn_recovered_cluster_saga(context& ctx, domain::order o,
                                  std::optional<storage::saga_record> paying) {
  if (paying)
    return spawn(ctx, std::move(o), start::pay_recovery, {}, std::move(*paying));
  spawn(ctx, std::move(o), start::recovered, {});
}

void spawn_log_cleanup(context& ctx, storage::saga_record r) {
  domain::order o;
  o.id = r.order_id;
  o.customer_id = r.customer_id;
  for (const auto& [option, qty] : r.lines) {
    domain::order_line l;
    l.option_id = option;
    l.qty = qty;
    o.lines.push_back(l);
  }
  spawn(ctx, std::move(o), start::cleanup, {}, std::move(r));
}

} // namespace actorshop::actors
