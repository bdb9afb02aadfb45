// serve: wires the settings into the components (the seed, the shop facade, the HTTP server and
// the signal watch), serves until SIGINT/SIGTERM has drained the server, then flushes the shop.
// SIGHUP re-reads the settings that can change at run time (see reload.hpp).
#pragma once

#include "daemon/settings.hpp"

namespace actorshop::daemon {

/// Runs the daemon with `s`; returns the process exit code. `args` (the command line without the
/// program name) are parsed again on SIGHUP. Throws on a start-up failure (database, bind).
int serve(const settings& s, const std::vector<std::string>& args = {});

} // namespace actorshop::daemon
