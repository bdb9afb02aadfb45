// io threads and the drain.
#include "http/server.hpp"

#include <thread>
#include <vector>

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

namespace actorshop::http {
namespace net = boost::asio;

server::server(actors::shop& shop, server_options options, router_options routing)
    : ioc_(options.io_threads),
      router_(shop, metrics_, std::move(routing)), ctx_{router_, metrics_, options},
      listener_(std::make_shared<listener>(ioc_, ctx_)), drain_timer_(ioc_) {
  metrics_.watch_connections(&ctx_.connections);
}

void server::run() {
  listener_->run();
  std::vector<std::thread> threads;
  for (int i = 1; i < ctx_.options.io_threads; ++i)
    threads.emplace_back([this] { ioc_.run(); });
  ioc_.run();
  for (auto& t : threads)
    t.join();
}

void server::drain() {
  if (stopping_.exchange(true))
    return;
  net::post(ioc_, [this] { on_drain(); });
}

void server::on_drain() {
  spdlog::info("draining: health 503, no new connections, waiting for {} in-flight requests",
               router_.in_flight());
  router_.start_draining();
  listener_->stop();
  wait_for_in_flight(std::chrono::steady_clock::now() + ctx_.options.drain_timeout);
}

/// Polls rather than blocks: the io threads must keep writing the replies that are arriving.
void server::wait_for_in_flight(std::chrono::steady_clock::time_point deadline) {
  if (router_.in_flight() == 0 || std::chrono::steady_clock::now() >= deadline) {
    if (router_.in_flight() != 0)
      spdlog::warn("drain timeout with {} requests in flight", router_.in_flight());
    // A short grace for the last replies to be written, then stop every io thread.
    drain_timer_.expires_after(std::chrono::milliseconds(200));
    drain_timer_.async_wait([this](boost::system::error_code) { ioc_.stop(); });
    return;
  }
  drain_timer_.expires_after(std::chrono::milliseconds(20));
  drain_timer_.async_wait([this, deadline](boost::system::error_code ec) {
    if (!ec)
      wait_for_in_flight(deadline);
  });
}

} // namespace actorshop::http
