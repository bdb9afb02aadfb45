#include "actors/stock.hpp"

#include "domain/errors.hpp"

namespace actorshop::actors {

caf::behavior stock_behavior(stock_actor* self, storage::stock_row row) {
  self->state.levels = stock_levels{row.available, row.reserved, row.sold};
  auto& lv = self->state.levels;
  return {
      // Tentative: the saga persists the reservation together with its order.
      [&lv](reserve_atom, domain::quantity q) -> domain::status {
        if (q < 1 || lv.available < q)
          return domain::errc::stock_insufficient;
        lv.available -= q;
        lv.reserved += q;
        return domain::status::ok();
      },
      [&lv](release_atom, domain::quantity q) {
        lv.available += q;
        lv.reserved -= q;
      },
      // After the payment unit committed.
      [&lv](sold_atom, domain::quantity q) {
        lv.reserved -= q;
        lv.sold += q;
      },
      [&lv](peek_atom) { return lv; },
  };
}

} // namespace actorshop::actors
