// server: the HTTP server component: io threads over one io_context, the listener, and the
// graceful drain (health 503, stop accepting, bounded wait for in-flight requests, then stop).
// It knows no signals: the daemon decides when to drain.
#pragma once

#include <memory>

#include <boost/asio/io_context.hpp>

#include "actors/shop.hpp"
#include "http/listener.hpp"
#include "http/metrics.hpp"
#include "http/router.hpp"
#include "http/session.hpp"

namespace actorshop::http {

class server {
public:
  /// Binds the listening socket (throws on failure) but does not serve yet.
  server(actors::shop& shop, server_options options, router_options routing);

  unsigned short port() const { return listener_->port(); }

  /// The io threads' event loop, for a timer that shows it turns (the systemd watchdog).
  boost::asio::io_context& io_context() { return ioc_; }

  /// Serves on options.io_threads threads (this one included) until drain() has finished.
  /// Returns after every io thread has finished.
  void run();

  /// Replaces the admin token for POST /coupons, from any thread (SIGHUP).
  void set_admin_token(std::string token) { router_.set_admin_token(std::move(token)); }

  /// Labels of actorshop_build_info (the daemon knows them; this library does not).
  void set_build_info(build_labels labels) { metrics_.set_build_info(std::move(labels)); }

  /// Starts the drain from any thread; later calls do nothing.
  void drain();

private:
  void on_drain();
  void wait_for_in_flight(std::chrono::steady_clock::time_point deadline);

  boost::asio::io_context ioc_;
  metrics metrics_;
  router router_;
  session_context ctx_;
  std::shared_ptr<listener> listener_;
  boost::asio::steady_timer drain_timer_;
  std::atomic<bool> stopping_{false};
};

} // namespace actorshop::http
