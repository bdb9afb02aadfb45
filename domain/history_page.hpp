// One page of a customer's balance history, newest first, and the paging bounds of
// GET /balances/{id}/balance-histories.
#pragma once

#include <vector>

#include "domain/ids.hpp"
#include "domain/model.hpp"

namespace actorshop::domain {

constexpr int history_page_default = 50; ///< entries per page without ?limit=
constexpr int history_page_max = 500;    ///< the largest ?limit= accepted

struct balance_history_page {
  std::vector<balance_change> entries; ///< newest first
  /// The cursor of the next (older) page: the id of this page's oldest entry; 0 if none is older.
  id_t next_before = 0;
};

} // namespace actorshop::domain
