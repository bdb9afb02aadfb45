// Accept loop.
#include "http/listener.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <spdlog/spdlog.h>

#include "storage/logging.hpp"

namespace actorshop::http {
namespace {
namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;
} // namespace

listener::listener(net::io_context& ioc, session_context& ctx)
    : ioc_(ioc), acceptor_(net::make_strand(ioc)), backoff_(acceptor_.get_executor()), ctx_(ctx) {
  tcp::endpoint endpoint{net::ip::make_address(ctx.options.address), ctx.options.port};
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(net::socket_base::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(net::socket_base::max_listen_connections);
  port_ = acceptor_.local_endpoint().port();
}

void listener::run() {
  net::dispatch(acceptor_.get_executor(), [self = shared_from_this()] { self->do_accept(); });
}

void listener::stop() {
  net::post(acceptor_.get_executor(), [self = shared_from_this()] {
    beast::error_code ec;
    self->acceptor_.close(ec);
    self->backoff_.cancel();
  });
}

void listener::do_accept() {
  acceptor_.async_accept(net::make_strand(ioc_),
                         beast::bind_front_handler(&listener::on_accept, shared_from_this()));
}

void listener::on_accept(beast::error_code ec, tcp::socket socket) {
  if (ec == net::error::operation_aborted || !acceptor_.is_open())
    return;
  if (ec) { // e.g. too many open files: back off instead of spinning
    storage::log_limited(storage::log_level::warn, "accept failed",
                         "accept failed: " + ec.message());
    backoff_.expires_after(std::chrono::milliseconds(50));
    backoff_.async_wait([self = shared_from_this()](beast::error_code e) {
      if (!e)
        self->do_accept();
    });
    return;
  }
  if (ctx_.connections.load(std::memory_order_relaxed) >= ctx_.options.max_connections) {
    socket.close(ec); // over the limit: refuse by closing
    ctx_.stats.connection_refused();
  } else {
    ctx_.stats.connection_accepted();
    socket.set_option(tcp::no_delay(true), ec);
    std::make_shared<session>(std::move(socket), ctx_)->run();
  }
  do_accept();
}

} // namespace actorshop::http
