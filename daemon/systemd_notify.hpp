// systemd_notify: the daemon's messages to the service manager (sd_notify) for a Type=notify
// unit. Each call does nothing when NOTIFY_SOCKET is unset (a start by hand or from a test).
#pragma once

namespace actorshop::daemon::systemd {

/// Tells the service manager the daemon serves: recovery is done and `port` is listening.
void notify_ready(unsigned short port);

/// Tells the service manager the daemon has begun its drain, so `systemctl status` shows it.
void notify_stopping();

} // namespace actorshop::daemon::systemd
