#include "storage/outbox_dispatcher.hpp"

#include <algorithm>
#include <future>
#include <vector>

#include "storage/event_sink.hpp"
#include "storage/outbox.hpp"

namespace actorshop::storage {

outbox_dispatcher::outbox_dispatcher(std::string db_path, std::string sink, writer& w,
                                     round_fn on_round)
    : db_path_(std::move(db_path)), sink_(std::move(sink)), writer_(w),
      on_round_(std::move(on_round)) {
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
  std::promise<domain::status> done;
  auto fut = done.get_future();
  writer_.submit(mark_delivered_label, mark_delivered(std::move(ids), domain::now_ms()),
                 [&done](domain::status s) { done.set_value(s); });
  if (!fut.get())
    return false;
  delivered_ += rows.size();
  return true;
}

} // namespace actorshop::storage
