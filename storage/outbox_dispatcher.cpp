#include "storage/outbox_dispatcher.hpp"

#include <algorithm>
#include <future>
#include <vector>

#include "storage/event_sink.hpp"
#include "storage/outbox.hpp"

namespace actorshop::storage {

namespace {

domain::status commit(writer& w, const char* label, unit_fn unit) {
  std::promise<domain::status> done;
  auto fut = done.get_future();
  w.submit(label, std::move(unit), [&done](domain::status s) { done.set_value(s); });
  return fut.get();
}

} // namespace

outbox_dispatcher::outbox_dispatcher(std::string db_path, std::string sink, writer& w,
                                     round_fn on_round, outbox_options options)
    : db_path_(std::move(db_path)), sink_(std::move(sink)), writer_(w),
      on_round_(std::move(on_round)), options_(std::move(options)), backlog_log_(options_.clock) {
  if (!sink_.empty())
    thread_.start("storage-outbox", [this](worker_thread& self) { run(self); });
}

std::uint64_t outbox_dispatcher::pending() const {
  if (!sink_.empty())
    return pending_.load();
  return static_cast<std::uint64_t>(count_undelivered_events(thread_reader(db_path_)));
}

bool outbox_dispatcher::wait_for(worker_thread& self, std::chrono::milliseconds d) {
  std::unique_lock lock(self.mutex());
  self.wait_until(lock, std::chrono::steady_clock::now() + d, [] { return false; });
  return !self.stop_requested();
}

void outbox_dispatcher::run(worker_thread& self) {
  auto backoff = std::chrono::milliseconds(50);
  bool retrying = false;
  for (;;) {
    if (retrying)
      retries_.fetch_add(1, std::memory_order_relaxed);
    bool ok = false;
    try {
      ok = deliver_round();
    } catch (const std::exception&) {
      ok = false; // a read failure is retried like a sink failure
    }
    try {
      purge_round();
    } catch (const std::exception& e) {
      log_limited(log_level::warn, "outbox purge failed",
                  std::string("outbox: deleting delivered events failed: ") + e.what());
    }
    report_backlog();
    if (!ok)
      failures_.fetch_add(1, std::memory_order_relaxed);
    retrying = !ok;
    if (on_round_)
      on_round_(ok, delivered_.load());
    if (ok)
      backoff = std::chrono::milliseconds(50);
    if (!wait_for(self, ok ? std::chrono::milliseconds(20) : backoff))
      return;
    if (!ok)
      backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
  }
}

bool outbox_dispatcher::deliver_round() {
  auto& rd = thread_reader(db_path_);
  auto rows = undelivered_events(rd, 500);
  pending_ = static_cast<std::uint64_t>(count_undelivered_events(rd));
  if (rows.empty())
    return true;
  if (!deliver_to_sink(sink_, rows))
    return false;
  std::vector<domain::id_t> ids;
  for (const auto& r : rows)
    ids.push_back(r.id);
  // Wait for the mark to commit, so the next round does not send these again.
  if (!commit(writer_, mark_delivered_label, mark_delivered(std::move(ids), options_.clock->now())))
    return false;
  delivered_ += rows.size();
  return true;
}

// One batch per round, each waited for: the purge goes at most one unit ahead of the payments
// queued behind it, whatever the number of expired rows.
void outbox_dispatcher::purge_round() {
  const auto cutoff = options_.clock->now() - options_.retention.count();
  const auto last = last_purgeable_event(thread_reader(db_path_), cutoff, options_.purge_batch);
  if (last == 0)
    return;
  std::int64_t deleted = 0;
  if (commit(writer_, purge_delivered_label, purge_delivered(last, cutoff, &deleted)))
    purged_ += static_cast<std::uint64_t>(deleted);
}

void outbox_dispatcher::report_backlog() {
  const auto backlog = pending_.load();
  if (backlog <= options_.max_backlog ||
      !backlog_log_.admit("outbox backlog", std::chrono::minutes(1)).log)
    return;
  log_fields(log_level::warn,
             "outbox: " + with_thousands(backlog) + " events not delivered to " + sink_ +
                 ", above events.max_backlog " + with_thousands(options_.max_backlog) +
                 "; payments go on, events wait for the sink",
             {{"code", std::string("outbox backlog")},
              {"backlog", static_cast<std::int64_t>(backlog)},
              {"max_backlog", static_cast<std::int64_t>(options_.max_backlog)}});
}

} // namespace actorshop::storage
