// sd_notify from libsystemd: it reads NOTIFY_SOCKET itself and returns 0 when it is unset.
#include "daemon/systemd_notify.hpp"

#include <string>

#include <spdlog/spdlog.h>
#include <systemd/sd-daemon.h>

namespace actorshop::daemon::systemd {
namespace {

/// A failed notification is logged, never fatal: the daemon serves either way, and systemd
/// reports the missing READY=1 itself (the start times out).
void notify(const std::string& state) {
  if (int rc = sd_notify(0, state.c_str()); rc < 0)
    spdlog::warn("sd_notify failed: {}", rc);
}

} // namespace

void notify_ready(unsigned short port) {
  notify("READY=1\nSTATUS=serving on port " + std::to_string(port));
}

void notify_stopping() { notify("STOPPING=1\nSTATUS=draining"); }

} // namespace actorshop::daemon::systemd
