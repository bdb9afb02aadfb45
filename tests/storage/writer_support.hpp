// Helpers shared by the writer tests: a unit that inserts an outbox row, a row count, a gate that
// holds the writer thread so later units queue up, and per-unit outcome slots.
#pragma once

#include <sqlite3.h>

#include <atomic>
#include <cstdint>
#include <future>
#include <string>
#include <vector>

#include "storage/sqlite.hpp"
#include "storage/writer.hpp"

namespace actorshop::storage::testing {
/// A unit that inserts outbox row `id`.
inline unit_fn insert_row(std::int64_t id) {
  return [id](write_context& ctx) {
    ctx.prepare("INSERT INTO outbox (id, event_type, aggregate_id, payload, created_at) "
                "VALUES (?, 'test', ?, '{}', 'now')")
        .bind(1, id)
        .bind(2, id)
        .run();
    return domain::status::ok();
  };
}

inline std::int64_t count_rows(const std::string& path, const std::string& where = "1") {
  connection db(path, SQLITE_OPEN_READONLY);
  return db.query_int64("SELECT count(*) FROM outbox WHERE " + where);
}

/// Holds the writer thread inside a unit until release(), so later submissions queue up and land
/// in one batch together.
class gate {
public:
  void submit_to(writer& w) {
    w.submit(
        "gate",
        [this](write_context&) {
          entered_.set_value();
          released_.get_future().wait();
          return domain::status::ok();
        },
        [](domain::status) {});
    entered_.get_future().wait();
  }
  void release() { released_.set_value(); }

private:
  std::promise<void> entered_;
  std::promise<void> released_;
};

/// Collects outcomes by index; every slot must be written exactly once.
struct outcomes {
  explicit outcomes(std::size_t n) : calls(n), errors(n) {}
  done_fn slot(std::size_t i) {
    return [this, i](domain::status s) {
      errors[i].store(s ? 0 : static_cast<int>(s.error()));
      calls[i].fetch_add(1);
    };
  }
  std::vector<std::atomic<int>> calls;
  std::vector<std::atomic<int>> errors; // 0 = success, else the errc value
};

inline int err(domain::errc e) { return static_cast<int>(e); }

} // namespace actorshop::storage::testing
