// The outbox: the queries of the event dispatcher (the undelivered events, oldest first), and its
// writes (a payment's PaymentCompleted row, and the unit that marks rows delivered).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "domain/money.hpp"
#include "domain/time.hpp"
#include "storage/reader.hpp"
#include "storage/writer.hpp"

namespace actorshop::storage {

struct outbox_row {
  domain::id_t id = 0;
  std::string event_type;
  domain::id_t aggregate_id = 0;
  std::string payload; ///< JSON
};

/// Returns up to `limit` undelivered events, lowest id first.
std::vector<outbox_row> undelivered_events(reader& rd, int limit);

/// Returns how many events are not delivered yet.
std::int64_t count_undelivered_events(reader& rd);

/// Returns how many events were delivered.
std::int64_t count_delivered_events(reader& rd);

/// Labels, for metrics and writer::inject_failure.
inline constexpr const char* mark_delivered_label = "outbox_delivered";
inline constexpr const char* purge_delivered_label = "outbox_purged";

/// Returns the highest id of the oldest run of rows (at most `limit`, lowest id first) that were
/// delivered before `cutoff`, or 0 if the oldest row is not one. Rows are delivered in id order,
/// so the purgeable rows are a prefix of the table: this reads at most `limit` rows, never scans.
domain::id_t last_purgeable_event(reader& rd, domain::timestamp cutoff, int limit);

/// Deletes the rows up to `last_id` that were delivered before `cutoff` (a range of the rowid);
/// `*deleted` (if given; it must outlive the unit) receives how many.
unit_fn purge_delivered(domain::id_t last_id, domain::timestamp cutoff,
                        std::int64_t* deleted = nullptr);

/// Marks outbox rows delivered.
unit_fn mark_delivered(std::vector<domain::id_t> ids, domain::timestamp now);

/// Appends the PaymentCompleted row of payment `payment_id` (a step of a payment unit).
void add_payment_event(write_context& ctx, domain::id_t payment_id, domain::id_t order_id,
                       const std::string& at);

} // namespace actorshop::storage
