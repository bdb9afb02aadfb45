#include "storage/batch_context.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <functional>

namespace actorshop::storage {

statement& batch_context::prepare(std::string_view sql) {
  statement& s = cache_.get(sql);
  used_.push_back(&s);
  return s;
}

void batch_context::add_later(std::string_view sql, std::int64_t key, std::string_view text_key,
                              std::array<std::int64_t, 3> deltas) {
  auto& sum = later_[later_key{sql, key, std::string(text_key)}];
  for (std::size_t i = 0; i < deltas.size(); ++i)
    sum[i] += deltas[i];
}

void batch_context::apply_later() {
  for (const auto& [k, sums] : later_) {
    statement& s = prepare(k.sql);
    const int params = sqlite3_bind_parameter_count(s.handle());
    s.bind(1, k.id);
    if (params >= 2)
      s.bind(2, k.text);
    for (int i = 3; i <= std::min(params, 5); ++i)
      s.bind(i, sums[static_cast<std::size_t>(i - 3)]);
    s.run();
    if (sqlite3_changes(db_.handle()) != 1)
      throw error(SQLITE_ERROR, "add_later: no row for key " + std::to_string(k.id) +
                                    " of: " + std::string(k.sql));
  }
  later_.clear();
  end_unit();
}

void batch_context::end_unit() {
  for (statement* s : used_)
    s->reset();
  used_.clear();
}

std::size_t batch_context::later_hash::operator()(const later_key& k) const noexcept {
  std::size_t h = std::hash<std::string_view>{}(k.sql);
  h ^= std::hash<std::int64_t>{}(k.id) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  return h ^ (std::hash<std::string>{}(k.text) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2));
}

} // namespace actorshop::storage
