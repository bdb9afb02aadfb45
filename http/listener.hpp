// listener: accepts connections and starts a session for each, each on its own strand; beyond
// max_connections a new connection is closed at once.
#pragma once

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

  boost::asio::io_context& ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer backoff_; ///< pause after an accept error such as EMFILE
  session_context& ctx_;
  unsigned short port_ = 0;
};

} // namespace actorshop::http
