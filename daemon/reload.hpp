// reload: what SIGHUP changes in a running daemon. The log level and the admin token are read
// again and applied; the event sink and auth.* (the customer token mode and secret: rotating the
// secret is a restart, so that no request is ever checked against a half-loaded one) are only
// reported, because the outbox dispatcher owns its
// sink (an open file or HTTP connection mid-delivery) and cannot swap it safely while running.
// Everything else (port, database, threads, ...) needs a restart and is left as it is.
#pragma once

#include <string>
#include <vector>

#include "daemon/settings.hpp"

namespace actorshop::daemon {

/// Returns one log line per reloadable key that differs between `running` and `reread`
/// (secrets are shown as "(changed)", never their value).
std::vector<std::string> reload_changes(const settings& running, const settings& reread);

/// Copies the keys a reload applies (log level, admin token) from `reread` into `running`.
void apply_reloadable(settings& running, const settings& reread);

} // namespace actorshop::daemon
