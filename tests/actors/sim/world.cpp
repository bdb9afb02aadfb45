// The world's life: the dataset, the actor core's incarnations (start, crash, recovery) and the
// steps the seed chooses between.
#include "world.hpp"

#include <caf/send.hpp>
#include <sqlite3.h>

#include <sstream>

#include "actors/atoms.hpp"
#include "actors/recovery.hpp"
#include "storage/reader.hpp"
#include "storage/schema.hpp"

namespace actorshop::sim {

storage::connection open_dataset(const std::string& path) {
  storage::connection db(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  storage::migrate(db);
  // Durability against power loss is not what is simulated (a crash here is the process's).
  db.exec("PRAGMA synchronous = OFF");
  db.exec("BEGIN");
  for (const char* table : {"customer", "balance", "balance_history", "coupon", "customer_coupon",
                            "product", "product_option", "stock", "orders", "order_item", "payment",
                            "product_sales_daily", "outbox"})
    db.exec(std::string("DELETE FROM ") + table);
  for (int i = 0; i < data::customers; ++i) {
    const auto id = std::to_string(data::first_customer + i);
    db.exec("INSERT INTO customer (id, username) VALUES (" + id + ", 'sim_" + id + "')");
    db.exec("INSERT INTO balance (customer_id, amount) VALUES (" + id + ", " +
            std::to_string(data::initial_balance) + ")");
  }
  db.exec("INSERT INTO product (id, name, base_price) VALUES (1, 'shirt', 1000), (2, 'cap', 700)");
  db.exec("INSERT INTO product_option (id, product_id, option_name, extra_price) VALUES "
          "(11, 1, 'S', 0), (12, 1, 'L', 500), (21, 2, 'F', 0)");
  for (auto option : data::options)
    db.exec("INSERT INTO stock (id, product_option_id, quantity) VALUES (" +
            std::to_string(option + 100) + ", " + std::to_string(option) + ", " +
            std::to_string(data::initial_stock) + ")");
  // 901 ends ten minutes in (payments with it start failing mid-run), 902 lasts the whole run.
  const auto from = domain::format_iso8601(data::start - 1000);
  db.exec("INSERT INTO coupon (id, name, discount_type, discount_amount, current_quantity, "
          "total_quantity, started_at, expired_at) VALUES "
          "(901, 'fixed', 'FIXED', 300, 3, 3, '" +
          from + "', '" + domain::format_iso8601(data::start + 600'000) +
          "'), (902, 'rate', 'RATE', 10, 2, 2, '" + from + "', '" +
          domain::format_iso8601(data::start + 86'400'000LL * 30) + "')");
  db.exec("COMMIT");
  return db;
}

std::vector<domain::id_t> sim_expiries::take_due(domain::timestamp now) {
  std::vector<domain::id_t> due;
  for (auto it = due_.begin(); it != due_.end();)
    if (it->second <= now) {
      due.push_back(it->first);
      it = due_.erase(it);
    } else {
      ++it;
    }
  return due;
}

world::world(const std::string& db_path, const sim_options& options)
    : options_(options), db_path_(db_path), rng_(options.seed),
      clock_(std::make_shared<domain::manual_clock>(data::start)), db_(open_dataset(db_path)),
      writer_(db_) {
  start_core();
}

world::~world() { stop_core(); }

// One incarnation of the actor core: a CAF system on the test coordinator, a fresh context, and
// everything recovered from the database as the daemon recovers it.
void world::start_core() {
  cfg_ = std::make_unique<caf::actor_system_config>();
  cfg_->set("scheduler.policy", caf::atom("testing"));
  cfg_->set("logger.verbosity", caf::atom("quiet"));
  system_ = std::make_unique<caf::actor_system>(*cfg_);
  sched_ = &dynamic_cast<caf::scheduler::test_coordinator&>(system_->scheduler());
  ctx_ = std::make_unique<actors::context>();
  ctx_->options.db_path = db_path_;
  ctx_->options.order_ttl = data::order_ttl;
  ctx_->options.passivate_after = std::chrono::seconds(10);
  ctx_->options.max_charge = 100'000;
  // As with a configured sink, every payment records its event (nothing delivers them here), so
  // the one-event-per-payment invariant is checked; without a sink no event row is written.
  ctx_->options.event_sink = "simulated";
  ctx_->clock = clock_.get();
  ctx_->system = system_.get();
  ctx_->writer = &writer_;
  ctx_->expiries = &expiries_;
  auto& rd = storage::thread_reader(db_path_);
  actors::load_reference(*ctx_, rd);
  actors::spawn_entities(*ctx_, rd);
  writer_.up();
}

// Tears the incarnation down as a kill -9 would: nothing queued reaches the database, nobody
// waiting is answered (answer_once answers UNAVAILABLE as its copies are freed).
void world::stop_core() {
  if (!system_)
    return;
  writer_.down();
  syncing_.clear();
  expiries_.clear();
  ctx_->stopping = true;
  auto kill = [](const caf::actor& a) { caf::anon_send_exit(a, caf::exit_reason::kill); };
  ctx_->sagas.for_each(kill);
  ctx_->customers.for_each(kill);
  ctx_->coupons.for_each(kill);
  for (auto& [id, a] : ctx_->stocks)
    kill(a);
  ctx_->sagas.clear();
  ctx_->customers.clear();
  ctx_->coupons.clear();
  ctx_->stocks.clear();
  while (sched_->try_run_once()) {
  }
  system_->await_actors_before_shutdown(false);
  system_.reset();
  sched_ = nullptr;
  ctx_.reset();
  cfg_.reset();
}

void world::crash(bool commit_first) {
  ++report_.crashes;
  if (commit_first && writer_.pending() > 0) {
    auto n = 1 + pick(writer_.pending());
    note("crash after committing " + std::to_string(n) + " units, before answering");
    writer_.commit(n, commit_fault::none); // the answers die with the process
    ++report_.commits;
  } else {
    note("crash with " + std::to_string(writer_.pending()) + " units queued");
  }
  stop_core();
  start_core();
  db_changed_ = true;
  check_database();
  check_acknowledged();
  drain(); // the recovered actors start; then memory must be what storage has
}

sim_report world::run() {
  auto next_drain = 100 + pick(400);
  while (step_ < options_.steps) {
    step();
    if (step_ >= next_drain) {
      drain();
      next_drain = step_ + 100 + pick(400);
    }
  }
  drain();
  check_acknowledged();
  report_.steps = step_;
  report_.expired =
      static_cast<std::uint64_t>(query("SELECT count(*) FROM orders WHERE status = 'EXPIRED'"));
  return report_;
}

// One step: the seed picks what happens next among what can happen (weighted), then the
// invariants are checked.
void world::step() {
  ++step_;
  const std::uint64_t message = sched_->has_job() ? 50 : 0;
  const std::uint64_t commit = writer_.pending() > 0 ? 25 : 0;
  const std::uint64_t client = outstanding_ < 12 ? 19 : 0;
  const std::uint64_t advance = 6;
  auto roll = pick(1'000);
  if (roll < 1) {
    crash(chance(50));
  } else {
    roll = pick(message + commit + client + advance);
    if (roll < message)
      run_message();
    else if ((roll -= message) < commit)
      commit_step();
    else if ((roll -= commit) < client)
      client_step();
    else
      advance_time();
  }
  check_memory();
  if (db_changed_)
    check_database();
}

// Reordered deliveries: any actor with a pending message may run next, not the oldest.
bool world::run_message() {
  auto& jobs = sched_->jobs;
  if (jobs.empty())
    return false;
  const auto i = static_cast<std::ptrdiff_t>(pick(jobs.size()));
  std::rotate(jobs.begin(), jobs.begin() + i, jobs.begin() + i + 1);
  sched_->try_run_once();
  ++report_.messages;
  return true;
}

void world::commit_step() {
  const auto n = 1 + pick(writer_.pending());
  const auto roll = pick(100);
  if (roll < 1)
    return crash(true); // between commit and answer
  commit_fault fault = commit_fault::none;
  std::size_t failing = 0;
  if (roll < 9) {
    fault = commit_fault::unit_fails;
    failing = pick(n);
    ++report_.failed_units;
  } else if (roll < 14) {
    fault = commit_fault::commit_fails;
    ++report_.failed_commits;
  }
  note("commit " + std::to_string(n) + " units" +
       (fault == commit_fault::unit_fails     ? ", unit " + std::to_string(failing) + " fails"
        : fault == commit_fault::commit_fails ? ", COMMIT fails"
                                              : ""));
  auto batch = writer_.commit(n, fault, failing);
  ++report_.commits;
  db_changed_ = true;
  // A slow fsync: the answers wait while time moves on; later batches are answered after it.
  const bool slow = roll >= 14 && roll < 22;
  if (slow || !syncing_.empty()) {
    auto at = clock_->now() + (slow ? 50 + static_cast<domain::timestamp>(pick(3'000)) : 0);
    if (!syncing_.empty())
      at = std::max(at, syncing_.back().first);
    report_.slow_syncs += slow ? 1 : 0;
    syncing_.emplace_back(at, std::move(batch));
    return;
  }
  sim_writer::answer(batch);
}

// Moves both clocks (the actors' manual clock and CAF's, for delayed sends) by a small step or,
// now and then, past an order's TTL; then what was waiting for that time happens.
void world::advance_time() {
  const domain::timestamp ms = chance(10) ? 5'000 + static_cast<domain::timestamp>(pick(40'000))
                                          : 1 + static_cast<domain::timestamp>(pick(500));
  note("advance " + std::to_string(ms) + " ms");
  clock_->advance(ms);
  sched_->advance_time(std::chrono::milliseconds(ms));
  ctx_->customers.for_each(
      [](const caf::actor& a) { caf::anon_send(a, actors::recheck_atom::value); });
  fire_expiries();
  release_syncs(false);
}

void world::fire_expiries() {
  for (auto id : expiries_.take_due(clock_->now()))
    ctx_->sagas.send_locked(
        id, [] { return std::optional<caf::actor>(); },
        [](const caf::actor& a) { caf::anon_send(a, actors::expire_atom::value); });
}

void world::release_syncs(bool all) {
  while (!syncing_.empty() && (all || syncing_.front().first <= clock_->now())) {
    auto batch = std::move(syncing_.front().second);
    syncing_.pop_front();
    sim_writer::answer(batch);
  }
}

// Runs until nothing is pending (no message, no queued unit, no held answer), without faults, so
// that the quiescent invariants can be checked: every saga committed or fully compensated.
void world::drain() {
  note("drain");
  for (;;) {
    ++step_;
    if (sched_->has_job())
      run_message();
    else if (writer_.pending() > 0) {
      auto batch = writer_.commit(writer_.pending(), commit_fault::none);
      ++report_.commits;
      db_changed_ = true;
      if (syncing_.empty())
        sim_writer::answer(batch);
      else
        syncing_.emplace_back(syncing_.back().first, std::move(batch));
    } else if (!syncing_.empty())
      release_syncs(true);
    else
      break;
    check_memory();
    if (db_changed_)
      check_database();
  }
  ++report_.quiescent_checks;
  check_quiescent();
}

void world::note(const std::string& what) {
  trace_.push_back("step " + std::to_string(step_) + ": " + what);
  if (trace_.size() > 40)
    trace_.pop_front();
}

std::int64_t world::query(const std::string& sql) { return db_.query_int64(sql); }

[[noreturn]] void world::fail(const std::string& what) {
  std::ostringstream out;
  out << "simulation failed: seed " << options_.seed << " step " << step_ << ": " << what
      << "\nreplay: sim_tests --seed " << options_.seed << " --steps " << options_.steps
      << "\nlast steps:\n";
  for (const auto& t : trace_)
    out << "  " << t << "\n";
  throw sim_failure(out.str());
}

sim_report run_simulation(const std::string& db_path, const sim_options& options) {
  world w(db_path, options);
  return w.run();
}

} // namespace actorshop::sim
