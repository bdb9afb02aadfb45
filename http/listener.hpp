// listener: accepts connections and starts a session for each, each on its own strand.
//
// Connection policy (what a flood of silent sockets can and cannot do):
// - At most max_connections are open. A connection is "silent" until it has sent a whole first
//   request; it has first_request_timeout (from accept) for that, then it is closed. Once it has
//   spoken it may stay idle between requests for idle_timeout.
// - Silent connections may hold at most max_connections - connection_reserve slots (the reserve
//   is capped at a quarter of max_connections). When a new
//   connection would go beyond that, or beyond max_connections, the oldest silent connection is
//   closed to make room. A flood of silent sockets thus only churns among itself, while a client
//   that sends its request at once (/health probes, every well-behaved client) gets in and, once
//   it has spoken, is never evicted. Only when no silent connection is left to evict is a new
//   connection refused (closed at once). An evicted session frees its slot a moment later, so
//   the count can briefly exceed the limit by the evictions in flight.
#pragma once

#include <deque>
#include <memory>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "http/session.hpp"

namespace actorshop::http {

class listener : public std::enable_shared_from_this<listener> {
public:
  /// Binds and listens on ctx.options' address and port (port 0: any free port); throws
  /// boost::system::system_error on failure.
  listener(boost::asio::io_context& ioc, session_context& ctx);

  void run();  ///< starts accepting
  void stop(); ///< closes the acceptor (thread-safe: posted to the acceptor's strand)
  unsigned short port() const { return port_; }

private:
  void do_accept();
  void on_accept(boost::beast::error_code ec, boost::asio::ip::tcp::socket socket);
  void accept_backlog();
  void admit(boost::asio::ip::tcp::socket socket);
  bool evict_oldest_silent();
  void forget_spoken();

  boost::asio::io_context& ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer backoff_; ///< pause after an accept error such as EMFILE
  session_context& ctx_;
  unsigned short port_ = 0;
  /// Sessions in order of arrival that may still be silent (the acceptor's strand only).
  std::deque<std::weak_ptr<session>> arrivals_;
};

} // namespace actorshop::http
