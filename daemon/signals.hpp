// signals: the daemon's SIGINT/SIGTERM/SIGHUP handling. A watch waits for them on its own small
// io_context and thread and calls back, so the components it stops (the HTTP server's drain) or
// reconfigures expose a plain function and never see a signal.
#pragma once

#include <functional>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

namespace actorshop::daemon {

class signal_watch {
public:
  /// Handles SIGINT, SIGTERM and SIGHUP from now on, on the watch's thread: the first SIGINT or
  /// SIGTERM calls `on_stop`, later ones are ignored; every SIGHUP calls `on_reload` (if any)
  /// and never stops anything.
  explicit signal_watch(std::function<void()> on_stop, std::function<void()> on_reload = {});

  /// Stops waiting and joins the thread; the signals get their default action again.
  ~signal_watch();

  signal_watch(const signal_watch&) = delete;
  signal_watch& operator=(const signal_watch&) = delete;

private:
  void wait();

  boost::asio::io_context ioc_{1};
  boost::asio::signal_set signals_;
  std::function<void()> on_stop_;
  std::function<void()> on_reload_;
  bool signalled_ = false; ///< touched only on the watch's thread
  std::thread thread_;
};

} // namespace actorshop::daemon
