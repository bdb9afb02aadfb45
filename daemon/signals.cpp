// The signal watch's thread.
#include "daemon/signals.hpp"

#include <signal.h>

namespace actorshop::daemon {

signal_watch::signal_watch(std::function<void()> on_stop, std::function<void()> on_reload)
    : signals_(ioc_, SIGINT, SIGTERM, SIGHUP), on_stop_(std::move(on_stop)),
      on_reload_(std::move(on_reload)) {
  wait();
  thread_ = std::thread([this] { ioc_.run(); });
}

signal_watch::~signal_watch() {
  ioc_.stop();
  thread_.join();
}

/// Keeps waiting after the first signal so that a second SIGTERM (e.g. an impatient operator)
/// does not kill the process in the middle of the drain.
void signal_watch::wait() {
  signals_.async_wait([this](boost::system::error_code ec, int signo) {
    if (ec)
      return;
    if (signo == SIGHUP) {
      if (on_reload_)
        on_reload_();
    } else if (!signalled_) {
      signalled_ = true;
      on_stop_();
    }
    wait();
  });
}

} // namespace actorshop::daemon
