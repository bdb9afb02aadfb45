#include "sim_writer.hpp"

#include <sqlite3.h>

namespace actorshop::sim {

using domain::errc;

sim_writer::sim_writer(storage::connection& db) : db_(db), ctx_(db) {}

void sim_writer::submit(std::string_view label, storage::unit_fn unit, storage::done_fn done) {
  if (down_)
    return; // the process is gone: nobody is answered (answer_once answers UNAVAILABLE when freed)
  queue_.push_back({std::string(label), std::move(unit), std::move(done)});
}

void sim_writer::down() {
  down_ = true;
  queue_.clear();
}

domain::status sim_writer::call_unit(item& unit) {
  domain::status s;
  try {
    s = unit.unit(ctx_);
  } catch (const storage::error&) {
    s = errc::storage_failure;
  }
  ctx_.end_unit();
  return s;
}

domain::status sim_writer::apply_later() {
  try {
    ctx_.apply_later();
    return {};
  } catch (const storage::error&) {
    ctx_.end_unit();
    ctx_.drop_later();
    return errc::storage_failure;
  }
}

// The fast path: every unit without a SAVEPOINT; false if one failed (the caller rolls back).
bool sim_writer::run_fast(std::size_t count) {
  for (std::size_t i = 0; i < count; ++i)
    if (!call_unit(queue_[i]))
      return false;
  return static_cast<bool>(apply_later());
}

void sim_writer::run_isolated(std::size_t count, commit_fault fault, std::size_t failing,
                              std::vector<domain::status>& results) {
  db_.exec("BEGIN IMMEDIATE");
  for (std::size_t i = 0; i < count; ++i) {
    db_.exec("SAVEPOINT unit");
    domain::status s = call_unit(queue_[i]);
    if (!s)
      ctx_.drop_later();
    else
      s = apply_later();
    if (fault == commit_fault::unit_fails && i == failing)
      s = errc::storage_failure;
    if (!s)
      db_.exec("ROLLBACK TO unit");
    db_.exec("RELEASE unit");
    results[i] = s;
  }
}

committed_batch sim_writer::commit(std::size_t count, commit_fault fault, std::size_t failing) {
  count = std::min(count, queue_.size());
  committed_batch out;
  out.results.assign(count, domain::status::ok());
  db_.exec("BEGIN IMMEDIATE");
  const bool fast = fault != commit_fault::unit_fails && run_fast(count);
  if (!fast) {
    if (sqlite3_get_autocommit(db_.handle()) == 0)
      db_.exec("ROLLBACK");
    ctx_.drop_later();
    run_isolated(count, fault, failing, out.results);
  }
  if (fault == commit_fault::commit_fails) {
    db_.exec("ROLLBACK");
    out.results.assign(count, errc::storage_failure);
  } else {
    db_.exec("COMMIT");
  }
  for (std::size_t i = 0; i < count; ++i)
    out.dones.push_back(std::move(queue_[i].done));
  queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(count));
  return out;
}

void sim_writer::answer(committed_batch& batch) {
  for (std::size_t i = 0; i < batch.dones.size(); ++i)
    batch.dones[i](batch.results[i]);
  batch.dones.clear();
}

} // namespace actorshop::sim
