// serve: wires the settings into the components (the seed, the shop facade, the HTTP server and
// the signal watch), serves until SIGINT/SIGTERM has drained the server, then flushes the shop.
#pragma once

#include "daemon/settings.hpp"

namespace actorshop::daemon {

/// Runs the daemon with `s`; returns the process exit code. Throws on a start-up failure
/// (database, bind).
int serve(const settings& s);

} // namespace actorshop::daemon
