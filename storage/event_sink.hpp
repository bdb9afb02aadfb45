// The event sinks of the outbox dispatcher: "file:PATH" appends JSON lines, "http://HOST:PORT/PATH"
// POSTs each event with an Idempotency-Key (its outbox id), every step bounded by a 2 s timeout.
#pragma once

#include <string>
#include <vector>

#include "storage/outbox.hpp"

namespace actorshop::storage {

/// Delivers `rows` to `sink`; returns false if the sink refused or failed (or is unknown), in
/// which case the rows must be sent again (at least once: a sink may see an event twice).
bool deliver_to_sink(const std::string& sink, const std::vector<outbox_row>& rows);

} // namespace actorshop::storage
