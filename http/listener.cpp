// Accept loop.
#include "http/listener.hpp"

#include <algorithm>
#include <fstream>

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <spdlog/spdlog.h>

#include "storage/logging.hpp"

namespace actorshop::http {
namespace {
namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;

/// Connections taken from the backlog per wake-up before the loop yields to the sessions'
/// handlers: ~5 us each, so a full batch holds the io thread ~1 ms.
constexpr int accept_batch = 256;

/// The kernel silently caps listen()'s backlog at net.core.somaxconn.
int kernel_somaxconn() {
  std::ifstream in("/proc/sys/net/core/somaxconn");
  int v = 0;
  return in >> v ? v : 0;
}
} // namespace

listener::listener(net::io_context& ioc, session_context& ctx)
    : ioc_(ioc), acceptor_(net::make_strand(ioc)), backoff_(acceptor_.get_executor()), ctx_(ctx) {
  tcp::endpoint endpoint{net::ip::make_address(ctx.options.address), ctx.options.port};
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(net::socket_base::reuse_address(true));
  acceptor_.bind(endpoint);
  const int backlog = net::socket_base::max_listen_connections; // SOMAXCONN, 4096 here
  acceptor_.listen(backlog);
  acceptor_.non_blocking(true); // accept_backlog() drains the queue until EAGAIN
  port_ = acceptor_.local_endpoint().port();
  if (auto cap = kernel_somaxconn(); cap > 0 && cap < backlog)
    spdlog::warn("net.core.somaxconn is {}: the accept backlog holds at most {} connections "
                 "(asked for {})",
                 cap, cap, backlog);
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
  admit(std::move(socket));
  accept_backlog();
  do_accept();
}

/// One completion handler per connection would accept one connection per pass of the io
/// thread's queue, which under load holds every ready session: during a ramp of ~1,000 new
/// connections a second, hundreds waited in the kernel's queue for up to seconds. So each
/// wake-up takes what is queued, up to a batch, without waiting.
void listener::accept_backlog() {
  for (int i = 0; i < accept_batch; ++i) {
    tcp::socket socket(net::make_strand(ioc_));
    beast::error_code ec;
    acceptor_.accept(socket, ec);
    if (ec) // would_block: the queue is empty; anything else is reported by async_accept
      return;
    admit(std::move(socket));
  }
}

/// The connection policy of listener.hpp.
void listener::admit(tcp::socket socket) {
  beast::error_code ec;
  const auto limit = ctx_.options.max_connections;
  // At most a quarter of the slots is reserved, so a small limit still admits silent newcomers.
  const auto reserve = std::min(ctx_.options.connection_reserve, limit / 4);
  const auto silent_limit = std::max<std::int64_t>(1, limit - reserve);
  const bool full = ctx_.connections.load(std::memory_order_relaxed) >= limit;
  if (full || ctx_.silent.load(std::memory_order_relaxed) >= silent_limit) {
    if (!evict_oldest_silent() && full) {
      socket.close(ec); // every slot holds a client that has spoken: refuse by closing
      ctx_.stats.connection_refused();
      return;
    }
  }
  ctx_.stats.connection_accepted();
  socket.set_option(tcp::no_delay(true), ec);
  auto s = std::make_shared<session>(std::move(socket), ctx_);
  arrivals_.push_back(s);
  forget_spoken();
  s->run();
}

bool listener::evict_oldest_silent() {
  while (!arrivals_.empty()) {
    auto s = arrivals_.front().lock();
    arrivals_.pop_front();
    if (s && s->silent()) {
      s->evict_if_silent();
      return true;
    }
  }
  return false;
}

/// Drops closed and spoken sessions from arrivals_ now and then, so that it stays about as long
/// as the number of silent connections.
void listener::forget_spoken() {
  const auto silent = static_cast<std::size_t>(ctx_.silent.load(std::memory_order_relaxed));
  if (arrivals_.size() <= 2 * silent + 64)
    return;
  std::erase_if(arrivals_, [](const std::weak_ptr<session>& w) {
    auto s = w.lock();
    return !s || !s->silent();
  });
}

} // namespace actorshop::http
