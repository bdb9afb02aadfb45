// statement_cache: the prepared statements of one connection, keyed by their SQL text, shared by
// the writer (write_context::prepare) and the readers. Preparing costs more than running most of
// our statements, so each text is prepared once per connection and reused.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "storage/sqlite.hpp"

namespace actorshop::storage {

/// Hashes std::string keys and std::string_view lookups alike (no temporary string per lookup).
struct string_hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept {
    return std::hash<std::string_view>{}(s);
  }
};

/// A map from text to V that string_view lookups do not copy.
template <class V>
using string_map = std::unordered_map<std::string, V, string_hash, std::equal_to<>>;

class statement_cache {
public:
  explicit statement_cache(sqlite3* db) : db_(db) {}

  /// Returns the statement for `sql` (prepared on first use), reset and with bindings cleared.
  /// The reference stays valid as long as the cache. Throws error if `sql` does not prepare.
  statement& get(std::string_view sql) {
    auto it = cache_.find(sql);
    if (it == cache_.end())
      it = cache_.emplace(std::string(sql), std::make_unique<statement>(db_, sql)).first;
    statement& s = *it->second;
    s.reset();
    s.clear_bindings();
    return s;
  }

  /// Returns how many distinct statements are prepared.
  std::size_t size() const noexcept { return cache_.size(); }

private:
  sqlite3* db_;
  string_map<std::unique_ptr<statement>> cache_;
};

} // namespace actorshop::storage
