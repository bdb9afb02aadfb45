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

watchdog::watchdog(boost::asio::io_context& ioc) : timer_(ioc) {
  std::uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0)
    return;
  interval_ = std::chrono::microseconds(usec / 2); // systemd's advice: ping at half the timeout
  arm();
}

void watchdog::arm() {
  timer_.expires_after(interval_);
  timer_.async_wait([this](boost::system::error_code ec) {
    if (ec)
      return;
    notify("WATCHDOG=1");
    arm();
  });
}

} // namespace actorshop::daemon::systemd
