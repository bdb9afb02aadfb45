// What the daemon logs once at start: the configuration in effect (every setting after the file,
// the environment and the flags, secrets left out) and what recovery loaded and re-armed.
#pragma once

#include "actors/shop.hpp"
#include "daemon/settings.hpp"

namespace actorshop::daemon {

/// Logs the settings in effect; the admin token only as set or not.
void log_configuration(const settings& s);

/// Logs the recovery summary: entities loaded per kind, unpaid orders re-armed, time taken.
void log_recovery(const actors::recovery_summary& r);

} // namespace actorshop::daemon
