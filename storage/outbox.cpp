#include "storage/outbox.hpp"

#include "storage/sqlite.hpp"

namespace actorshop::storage {

std::vector<outbox_row> undelivered_events(reader& rd, int limit) {
  statement st(rd.handle(), "SELECT id, event_type, aggregate_id, payload FROM outbox "
                            "WHERE delivered_at IS NULL ORDER BY id LIMIT ?");
  st.bind(1, limit);
  std::vector<outbox_row> rows;
  while (st.step())
    rows.push_back({st.column_int64(0), st.column_text(1), st.column_int64(2), st.column_text(3)});
  return rows;
}

std::int64_t count_undelivered_events(reader& rd) {
  statement st(rd.handle(), "SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL");
  return st.step() ? st.column_int64(0) : 0;
}

std::int64_t count_delivered_events(reader& rd) {
  statement st(rd.handle(), "SELECT COUNT(*) FROM outbox WHERE delivered_at IS NOT NULL");
  return st.step() ? st.column_int64(0) : 0;
}

} // namespace actorshop::storage
