// systemd_notify: the daemon's messages to the service manager (sd_notify) for a Type=notify
// unit. Each call does nothing when NOTIFY_SOCKET is unset (a start by hand or from a test).
#pragma once

#include <chrono>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

namespace actorshop::daemon::systemd {

/// Tells the service manager the daemon serves: recovery is done and `port` is listening.
void notify_ready(unsigned short port);

/// Tells the service manager the daemon has begun its drain, so `systemctl status` shows it.
void notify_stopping();

/// Sends WATCHDOG=1 at half the interval the service manager asks for (WATCHDOG_USEC, from the
/// unit's WatchdogSec=), from a timer on `ioc`: a ping shows that this event loop turns, so when
/// its threads hang (a deadlock, a blocking call) the pings stop and systemd restarts the daemon.
/// It does not show that the actors answer. Does nothing when no watchdog is asked for.
class watchdog {
public:
  explicit watchdog(boost::asio::io_context& ioc);

private:
  void arm();

  boost::asio::steady_timer timer_;
  std::chrono::microseconds interval_{0};
};

} // namespace actorshop::daemon::systemd
