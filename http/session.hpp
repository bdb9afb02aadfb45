// session: one HTTP/1.1 connection, modelled on Beast's advanced server. All of its handlers run
// on one strand; requests are answered in order, one in flight at a time (the next is read after
// the reply is written), so pipelined requests keep their order.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "http/metrics.hpp"
#include "http/router.hpp"

namespace actorshop::http {

struct server_options {
  std::string address = "127.0.0.1";
  unsigned short port = 8080;
  int io_threads = 1;
  std::int64_t max_connections = 10'000;
  /// Slots that connections which have not yet sent a request cannot take (see listener.hpp).
  std::int64_t connection_reserve = 100;
  std::uint64_t body_limit = 64 * 1024;
  std::uint32_t header_limit = 8 * 1024;
  std::chrono::milliseconds read_timeout{10'000};          ///< to finish a request once it started
  std::chrono::milliseconds first_request_timeout{10'000}; ///< from accept to a whole request
  std::chrono::milliseconds idle_timeout{60'000};          ///< between keep-alive requests
  std::chrono::milliseconds request_timeout{5'000};        ///< for the actors to answer (504)
  std::chrono::milliseconds drain_timeout{10'000}; ///< bound on the wait for in-flight requests
  bool access_log = false; ///< one log line per request (method, target, status, duration)
};

/// What every session of a server shares.
struct session_context {
  router& handler;
  metrics& stats;
  server_options options;
  std::atomic<std::int64_t> connections{0};
  std::atomic<std::int64_t> silent{0}; ///< connections that have not sent a whole request yet
  std::atomic<std::uint64_t> next_id{0};
};

class session : public std::enable_shared_from_this<session> {
public:
  session(boost::asio::ip::tcp::socket&& socket, session_context& ctx);
  ~session();

  /// Starts reading; call it once, before the session is shared (its handlers then run on its
  /// strand).
  void run();

  /// Closes the connection if it still has not sent a whole request (from any thread: posted to
  /// the session's strand, where that is decided).
  void evict_if_silent();
  bool silent() const { return !spoken_.load(std::memory_order_relaxed); }

private:
  void mark_spoken();
  void do_read();
  void on_read_idle(boost::beast::error_code ec, std::size_t n);
  void parse_buffered();
  void on_read(boost::beast::error_code ec, std::size_t n);
  void on_parse_error(boost::beast::error_code ec);
  void handle_request();
  void refuse_framing();
  void on_response(std::uint64_t seq, response r);
  void arm_watchdog();
  void on_watchdog(boost::beast::error_code ec);
  void do_write(const response& r);
  void on_write(boost::beast::error_code ec, std::size_t n);
  void do_close();
  void append_request_id(std::string& out) const;
  void log_request(const response& r, std::chrono::microseconds took) const;

  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  using strand_type = boost::asio::strand<boost::asio::io_context::executor_type>;
  strand_type strand_; ///< the socket's strand, concrete for cheap dispatch
  /// Enforces the per-request timeout. It is not re-armed per request (that costs a timer-queue
  /// insert and a cancelled completion each time): it wakes at the recorded deadline, answers
  /// 504 if that request is still pending, or sleeps again until the newest deadline.
  boost::asio::steady_timer watchdog_;
  session_context& ctx_;
  std::string out_;        ///< the serialized response, reused across requests
  std::string request_id_; ///< the client's X-Request-Id, if any
  std::uint64_t id_;
  std::uint64_t seq_ = 0;     ///< number of the latest request
  std::uint64_t pending_ = 0; ///< number of the request awaiting its reply, 0 if none
  bool keep_alive_ = true;
  bool watchdog_armed_ = false;
  /// A whole request (or a refused one) has arrived. Written on the strand; atomic so that the
  /// listener can skip spoken connections when it looks for one to evict.
  std::atomic<bool> spoken_{false};
  std::chrono::steady_clock::time_point started_;
  /// When the io thread read the first bytes of the current request (latency's start), and when
  /// it last read anything (the start of a pipelined request found already buffered).
  std::chrono::steady_clock::time_point first_byte_at_;
  std::chrono::steady_clock::time_point last_read_at_;
  route reply_route_ = route::unmatched; ///< of the response being written, for metrics
  boost::beast::http::verb reply_method_ = boost::beast::http::verb::unknown;
  unsigned reply_status_ = 0;
  std::chrono::steady_clock::time_point deadline_;       ///< of the pending request
  std::chrono::steady_clock::time_point first_deadline_; ///< for the first request, from accept
};

} // namespace actorshop::http
