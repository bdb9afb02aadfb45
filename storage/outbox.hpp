// Outbox queries for the event dispatcher: the undelivered events, oldest first. (Marking them
// delivered is a writer unit: actors/units.hpp.)
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "domain/money.hpp"
#include "storage/reader.hpp"

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

} // namespace actorshop::storage
