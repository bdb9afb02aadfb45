// signals: the daemon's SIGINT/SIGTERM handling. A watch waits for either on its own small
// io_context and thread and calls back once, so the components it stops (the HTTP server's
// drain) expose a plain function and never see a signal.
#pragma once

#include <functional>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

namespace actorshop::daemon {

class signal_watch {
public:
  /// Handles SIGINT and SIGTERM from now on: the first one calls `on_signal` on the watch's
  /// thread; later ones are ignored while the watch lives.
  explicit signal_watch(std::function<void()> on_signal);

  /// Stops waiting and joins the thread; the signals get their default action again.
  ~signal_watch();

  signal_watch(const signal_watch&) = delete;
  signal_watch& operator=(const signal_watch&) = delete;

private:
  void wait();

  boost::asio::io_context ioc_{1};
  boost::asio::signal_set signals_;
  std::function<void()> on_signal_;
  bool signalled_ = false; ///< touched only on the watch's thread
  std::thread thread_;
};

} // namespace actorshop::daemon
