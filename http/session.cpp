// Reading, dispatching and writing one connection's requests.
#include "http/session.hpp"

#include "http/framing.hpp"
#include "http/route_table.hpp"

#include <algorithm>
#include <charconv>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/read.hpp>

#include "storage/logging.hpp"

namespace actorshop::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;

constexpr std::size_t read_chunk = 4096;

/// The "code" of an error body ({"code":"STORAGE_FULL",...}), "" if none.
std::string error_code_of(std::string_view body) {
  constexpr std::string_view key = "\"code\":\"";
  auto at = body.find(key);
  if (at == std::string_view::npos)
    return {};
  body.remove_prefix(at + key.size());
  return std::string(body.substr(0, body.find('"')));
}

void append_number(std::string& out, std::uint64_t v, int base = 10) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, base);
  out.append(buf, end);
}

} // namespace

session::session(net::ip::tcp::socket&& socket, session_context& ctx)
    : stream_(std::move(socket)),
      strand_(*stream_.get_executor().target<strand_type>()), // the listener made it a strand
      watchdog_(strand_), ctx_(ctx), id_(ctx.next_id.fetch_add(1, std::memory_order_relaxed) + 1) {
  ctx_.connections.fetch_add(1, std::memory_order_relaxed);
  ctx_.silent.fetch_add(1, std::memory_order_relaxed);
}

session::~session() {
  ctx_.connections.fetch_sub(1, std::memory_order_relaxed);
  if (!spoken_)
    ctx_.silent.fetch_sub(1, std::memory_order_relaxed);
}

void session::mark_spoken() {
  if (spoken_.exchange(true, std::memory_order_relaxed))
    return;
  ctx_.silent.fetch_sub(1, std::memory_order_relaxed);
}

void session::evict_if_silent() {
  net::post(strand_, [self = shared_from_this()] {
    if (!self->spoken_)
      self->do_close();
  });
}

/// Starts the first read at once rather than through a post to the strand: nothing else can touch
/// the session yet, and under load a post waits a full pass of the io thread's queue.
void session::run() {
  first_deadline_ = std::chrono::steady_clock::now() + ctx_.options.first_request_timeout;
  do_read();
}

void session::do_read() {
  parser_.emplace();
  parser_->header_limit(ctx_.options.header_limit);
  parser_->body_limit(ctx_.options.body_limit);
  if (buffer_.size() > 0) { // a pipelined request is already here, since the last read
    first_byte_at_ = last_read_at_;
    return parse_buffered();
  }
  // Idle keep-alive wait: a long deadline for the first bytes of the next request. A new
  // connection has only the first-request timeout for its whole first request: a silent or
  // slow one must not hold a slot as long as a proven keep-alive client.
  stream_.expires_after(spoken_ ? ctx_.options.idle_timeout : ctx_.options.first_request_timeout);
  stream_.async_read_some(buffer_.prepare(read_chunk),
                          beast::bind_front_handler(&session::on_read_idle, shared_from_this()));
}

void session::on_read_idle(beast::error_code ec, std::size_t n) {
  if (ec)
    return do_close();
  // The request's first bytes: its latency starts here (the metrics' "first byte read").
  first_byte_at_ = last_read_at_ = std::chrono::steady_clock::now();
  buffer_.commit(n);
  parse_buffered();
}

/// Parses what is buffered without I/O; most requests arrive in one read, so this usually
/// completes the message and saves an asynchronous round.
void session::parse_buffered() {
  beast::error_code ec;
  while (buffer_.size() > 0) {
    auto used = parser_->put(buffer_.data(), ec);
    buffer_.consume(used);
    if (ec == bhttp::error::need_more) {
      ec = {};
      break;
    }
    if (ec)
      return on_parse_error(ec);
    if (parser_->is_done())
      return handle_request();
    if (used == 0)
      break;
  }
  // The rest of the message must arrive within the read timeout (slow clients are dropped); a
  // first request also within the first-request timeout from accept, whichever ends first.
  const auto deadline = std::chrono::steady_clock::now() + ctx_.options.read_timeout;
  stream_.expires_at(spoken_ ? deadline : std::min(deadline, first_deadline_));
  bhttp::async_read(stream_, buffer_, *parser_,
                    beast::bind_front_handler(&session::on_read, shared_from_this()));
}

void session::on_read(beast::error_code ec, std::size_t) {
  last_read_at_ = std::chrono::steady_clock::now(); // may have brought a pipelined request too
  if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout ||
      ec == net::error::operation_aborted || ec == net::error::connection_reset)
    return do_close();
  if (ec)
    return on_parse_error(ec);
  handle_request();
}

void session::on_parse_error(beast::error_code ec) {
  mark_spoken();
  keep_alive_ = false;
  response r;
  if (ec == bhttp::error::body_limit)
    r = protocol_error(413, "PAYLOAD_TOO_LARGE", "request body is too large");
  else if (ec == bhttp::error::header_limit)
    r = protocol_error(431, "HEADERS_TOO_LARGE", "request header is too large");
  else if (ec.category() ==
           beast::error_code(bhttp::error::bad_method).category()) // other parse errors
    r = protocol_error(400, "BAD_REQUEST", "malformed HTTP request");
  else
    return do_close();
  started_ = std::chrono::steady_clock::now();
  request_id_.clear();
  ++seq_; // a refused request still gets its own generated id
  do_write(r);
}

void session::handle_request() {
  mark_spoken();
  const auto& req = parser_->get();
  if (ambiguous_framing(req))
    return refuse_framing();
  keep_alive_ = req.keep_alive();
  started_ = std::chrono::steady_clock::now();
  auto rid = req.find("X-Request-Id");
  if (rid != req.end() && rid->value().size() <= 128)
    request_id_.assign(rid->value().data(), rid->value().size());
  else
    request_id_.clear();
  auto seq = pending_ = ++seq_;
  ctx_.handler.handle(req, [self = shared_from_this(), seq](response r) {
    // Runs inline when the router answers at once (we are on the strand), else one hop back.
    net::dispatch(self->strand_, [self, seq, r = std::move(r)]() mutable {
      self->on_response(seq, std::move(r));
    });
  });
  if (pending_ == seq) { // the actors are working: bound their time
    deadline_ = started_ + ctx_.options.request_timeout;
    if (!watchdog_armed_)
      arm_watchdog();
  }
}

/// Answers 400 and closes: where this message ends is uncertain, so nothing after it is read.
void session::refuse_framing() {
  keep_alive_ = false;
  started_ = std::chrono::steady_clock::now();
  request_id_.clear();
  ++seq_;
  do_write(protocol_error(400, "BAD_REQUEST", "ambiguous message framing"));
}

void session::arm_watchdog() {
  watchdog_armed_ = true;
  watchdog_.expires_at(deadline_);
  watchdog_.async_wait(beast::bind_front_handler(&session::on_watchdog, shared_from_this()));
}

void session::on_response(std::uint64_t seq, response r) {
  if (seq != pending_)
    return; // a late answer after the 504: dropped (the session is kept alive by `self`)
  pending_ = 0;
  do_write(r);
}

void session::on_watchdog(beast::error_code ec) {
  watchdog_armed_ = false;
  if (ec || pending_ == 0)
    return; // closed, or idle: the next request re-arms it
  if (std::chrono::steady_clock::now() < deadline_)
    return arm_watchdog(); // a newer request is pending: sleep until its deadline
  pending_ = 0;            // its late answer will be dropped by on_response
  auto r = error_response(domain::errc::timeout);
  const auto& req = parser_->get();
  r.matched = match_route(req.method(), req.target()).matched;
  do_write(r);
}

void session::do_write(const response& r) {
  // Counted once written (on_write): the latency ends with the last byte of the response.
  reply_route_ = r.matched;
  reply_method_ = parser_ ? parser_->get().method() : bhttp::verb::unknown;
  reply_status_ = r.status;
  out_.clear();
  out_ += "HTTP/1.1 ";
  append_number(out_, r.status);
  out_ += ' ';
  out_ += bhttp::obsolete_reason(static_cast<bhttp::status>(r.status));
  if (!r.content_type.empty())
    out_.append("\r\nContent-Type: ").append(r.content_type).append("\r\nContent-Length: ");
  else
    out_ += r.text ? "\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: "
                   : "\r\nContent-Type: application/json\r\nContent-Length: ";
  append_number(out_, r.body.size());
  out_ += "\r\nX-Request-Id: ";
  append_request_id(out_);
  if (!r.allow.empty())
    out_.append("\r\nAllow: ").append(r.allow);
  if (!r.www_authenticate.empty())
    out_.append("\r\nWWW-Authenticate: ").append(r.www_authenticate);
  if (r.retry_after)
    out_ += "\r\nRetry-After: 1";
  if (!r.headers.empty())
    out_.append("\r\n").append(r.headers);
  if (!keep_alive_)
    out_ += "\r\nConnection: close";
  out_ += "\r\n\r\n";
  out_ += r.body;
  if (r.status >= 500 || ctx_.options.access_log) // from the first byte read to the answer ready
    log_request(r, std::chrono::duration_cast<std::chrono::microseconds>(
                       std::chrono::steady_clock::now() - first_byte_at_));
  stream_.expires_after(ctx_.options.read_timeout);
  net::async_write(stream_, net::buffer(out_),
                   beast::bind_front_handler(&session::on_write, shared_from_this()));
}

// Server errors are aggregated per status and error code (a drain or a full disk answers
// thousands of 503s a second: the first is logged, then one line a second with the count); the
// access log, off by default, writes one line per request.
void session::log_request(const response& r, std::chrono::microseconds took) const {
  std::string rid;
  append_request_id(rid);
  if (r.status >= 500)
    storage::log_limited(storage::log_level::warn,
                         "answered " + std::to_string(r.status) + " " + error_code_of(r.body),
                         "request " + rid + " answered " + std::to_string(r.status) + ": " +
                             r.body);
  if (!ctx_.options.access_log)
    return;
  std::string_view method = "-", target = "-";
  if (parser_) {
    method = parser_->get().method_string();
    target = parser_->get().target();
  }
  storage::log_fields(storage::log_level::info, "access",
                      {{"method", std::string(method)},
                       {"target", std::string(target)},
                       {"status", static_cast<std::int64_t>(r.status)},
                       {"duration_us", static_cast<std::int64_t>(took.count())},
                       {"request_id", rid}});
}

void session::append_request_id(std::string& out) const {
  if (!request_id_.empty()) {
    out += request_id_;
    return;
  }
  append_number(out, id_, 16); // generated: connection id and request number
  out += '-';
  append_number(out, seq_, 16);
}

void session::on_write(beast::error_code ec, std::size_t) {
  ctx_.stats.record(
      reply_route_, reply_method_, reply_status_,
      std::chrono::duration<double>(std::chrono::steady_clock::now() - first_byte_at_).count());
  if (ec || !keep_alive_)
    return do_close();
  do_read();
}

void session::do_close() {
  watchdog_.cancel(); // releases the session now rather than at the deadline
  beast::error_code ec;
  stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ec);
  stream_.close();
}

} // namespace actorshop::http
