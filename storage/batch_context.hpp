// batch_context: the write_context the writer's units see. It hands out cached statements on the
// write connection, resets the ones a unit used when the unit ends (so none stays mid-step across
// a SAVEPOINT release or the COMMIT), and sums the add_later() deltas of a batch.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "storage/sqlite.hpp"
#include "storage/statement_cache.hpp"
#include "storage/writer.hpp"

namespace actorshop::storage {

class batch_context final : public write_context {
public:
  explicit batch_context(connection& db) : db_(db), cache_(db.handle()) { used_.reserve(64); }

  statement& prepare(std::string_view sql) override;
  sqlite3* handle() override { return db_.handle(); }
  void add_later(std::string_view sql, std::int64_t key, std::string_view text_key,
                 std::array<std::int64_t, 3> deltas) override;

  /// Runs the summed add_later() updates; throws error if one fails or misses its row.
  void apply_later();
  /// Forgets the add_later() sums (their units were rolled back).
  void drop_later() { later_.clear(); }
  /// Resets the statements the unit used.
  void end_unit();

private:
  /// The row an add_later() sum goes to: its SQL (a literal) and its key.
  struct later_key {
    std::string_view sql;
    std::int64_t id;
    std::string text;
    bool operator==(const later_key&) const = default;
  };
  struct later_hash {
    std::size_t operator()(const later_key& k) const noexcept;
  };

  connection& db_;
  statement_cache cache_;
  std::vector<statement*> used_;
  std::unordered_map<later_key, std::array<std::int64_t, 3>, later_hash> later_;
};

} // namespace actorshop::storage
