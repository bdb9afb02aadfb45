// The signal watch's thread.
#include "daemon/signals.hpp"

#include <signal.h>

namespace actorshop::daemon {

signal_watch::signal_watch(std::function<void()> on_signal)
    : signals_(ioc_, SIGINT, SIGTERM), on_signal_(std::move(on_signal)) {
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
  signals_.async_wait([this](boost::system::error_code ec, int) {
    if (ec)
      return;
    if (!signalled_) {
      signalled_ = true;
      on_signal_();
    }
    wait();
  });
}

} // namespace actorshop::daemon
