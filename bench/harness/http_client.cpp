#include "bench/harness/http_client.hpp"

#include <atomic>
#include <charconv>
#include <stdexcept>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/url/parse.hpp>

namespace actorshop::bench {

namespace asio = boost::asio;
using asio::awaitable;
using tcp = asio::ip::tcp;
constexpr auto no_throw = asio::as_tuple(asio::use_awaitable);

http_target parse_http_target(const std::string& url) {
  const auto parsed = boost::urls::parse_uri(url);
  if (!parsed || parsed->scheme_id() != boost::urls::scheme::http)
    throw std::invalid_argument("target '" + url + "' must be http://HOST:PORT or 'actors'");
  http_target t;
  t.host = parsed->host_address();
  if (t.host.empty())
    throw std::invalid_argument("target '" + url + "' has no host");
  if (t.host == "localhost")
    t.host = "127.0.0.1";
  t.port = 80;
  if (parsed->has_port()) {
    // Boost.URL accepts any digits; 0, an empty port and one above 65535 are ours to refuse.
    const auto port = parsed->port_number();
    if (port == 0)
      throw std::invalid_argument("target '" + url + "' has an invalid port");
    t.port = port;
  }
  return t;
}

std::vector<http_target> parse_http_targets(const std::string& list) {
  std::vector<http_target> targets;
  std::size_t start = 0;
  for (;;) {
    const auto comma = list.find(',', start);
    const auto item = list.substr(start, comma == std::string::npos ? comma : comma - start);
    if (item.empty())
      throw std::invalid_argument("target list '" + list + "' has an empty item");
    if (item == "actors")
      throw std::invalid_argument("'actors' is a single in-process target, not one of a list");
    const auto t = parse_http_target(item);
    for (const auto& seen : targets)
      if (seen.url() == t.url())
        throw std::invalid_argument("target " + t.url() + " is listed twice");
    targets.push_back(t);
    if (comma == std::string::npos)
      return targets;
    start = comma + 1;
  }
}

std::int64_t json_int_field(std::string_view json, std::string_view key) {
  std::string quoted = "\"" + std::string(key) + "\"";
  auto pos = json.find(quoted);
  if (pos == std::string_view::npos)
    return 0;
  pos = json.find(':', pos + quoted.size());
  if (pos == std::string_view::npos)
    return 0;
  ++pos;
  while (pos < json.size() && (json[pos] == ' ' || json[pos] == '"'))
    ++pos;
  std::int64_t v = 0;
  std::from_chars(json.data() + pos, json.data() + json.size(), v);
  return v;
}

namespace {

bool iequals_at(std::string_view text, std::size_t pos, std::string_view lower) {
  if (pos + lower.size() > text.size())
    return false;
  for (std::size_t i = 0; i < lower.size(); ++i) {
    char c = text[pos + i];
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[i])
      return false;
  }
  return true;
}

/// Returns the value of header `lower_name` ("content-length") in `head`, or "".
std::string_view header_value(std::string_view head, std::string_view lower_name) {
  for (std::size_t pos = head.find("\r\n"); pos != std::string_view::npos;
       pos = head.find("\r\n", pos + 2)) {
    if (iequals_at(head, pos + 2, lower_name) && pos + 2 + lower_name.size() < head.size() &&
        head[pos + 2 + lower_name.size()] == ':') {
      auto start = pos + 3 + lower_name.size();
      while (start < head.size() && head[start] == ' ')
        ++start;
      auto end = head.find("\r\n", start);
      return head.substr(start, end - start);
    }
  }
  return {};
}

} // namespace

http_client::http_client(asio::any_io_executor ex, const http_target& target,
                         std::shared_ptr<const token_book> tokens)
    : socket_(std::move(ex)), endpoint_(asio::ip::make_address(target.host), target.port),
      host_header_(target.host + ":" + std::to_string(target.port)), tokens_(std::move(tokens)) {
  out_.reserve(512);
  in_.resize(2048);
}

awaitable<bool> http_client::ensure_connected() {
  if (socket_.is_open())
    co_return true;
  auto [ec] = co_await socket_.async_connect(endpoint_, no_throw);
  if (ec) {
    boost::system::error_code ignored;
    socket_.close(ignored);
    co_return false;
  }
  socket_.set_option(tcp::no_delay(true));
  socket_.non_blocking(true); // write_request's direct write must not block the io thread
  co_return true;
}

void http_client::cancel() {
  boost::system::error_code ignored;
  socket_.close(ignored);
}

awaitable<int> http_client::read_response(std::size_t& received, std::string* body_out) {
  std::size_t have = 0, head_end = std::string::npos, need = 0;
  first_byte_ = {};
  bool chunked = false, close_after = false;
  for (;;) {
    if (have == in_.size()) {
      if (in_.size() >= (8u << 20))
        co_return 0;
      in_.resize(in_.size() * 2);
    }
    auto [ec, n] = co_await socket_.async_read_some(
        asio::buffer(in_.data() + have, in_.size() - have), no_throw);
    if (ec)
      co_return 0;
    if (have == 0)
      first_byte_ = std::chrono::steady_clock::now();
    have += n;
    const std::string_view text(in_.data(), have);
    if (head_end == std::string::npos) {
      const auto p = text.find("\r\n\r\n");
      if (p == std::string_view::npos)
        continue;
      head_end = p + 4;
      const auto head = text.substr(0, p + 2);
      const auto len = header_value(head, "content-length");
      std::size_t body_len = 0;
      std::from_chars(len.data(), len.data() + len.size(), body_len);
      chunked = iequals_at(header_value(head, "transfer-encoding"), 0, "chunked");
      // HTTP/1.0 closes after each reply unless it says keep-alive.
      const auto conn = header_value(head, "connection");
      close_after = iequals_at(conn, 0, "close") ||
                    (text.starts_with("HTTP/1.0") && !iequals_at(conn, 0, "keep-alive"));
      need = head_end + body_len;
    }
    const bool complete = chunked ? text.ends_with("0\r\n\r\n") : have >= need;
    if (!complete)
      continue;
    received += have;
    int status = 0;
    if (have > 12)
      std::from_chars(in_.data() + 9, in_.data() + 12, status);
    if (body_out)
      body_out->assign(in_.data() + head_end, have - head_end);
    else if (status == 201 && have > head_end)
      body_out_scratch_ = std::string_view(in_.data() + head_end, have - head_end);
    if (close_after)
      cancel();
    co_return status;
  }
}

namespace {
void append_int(std::string& out, std::int64_t v);
} // namespace

// The phases follow k6: connecting only when this call opened the connection, sending until the
// request is in the socket, waiting until the first byte of the answer, receiving until its end;
// k6's http_req_duration is sending + waiting + receiving (the connect is not in it).
awaitable<http_answer> http_client::request(std::string_view method, std::string_view path,
                                            std::string_view body, std::string* body_out,
                                            std::int64_t customer) {
  using clock = std::chrono::steady_clock;
  http_answer r;
  body_out_scratch_ = {};
  if (!socket_.is_open()) {
    const auto c0 = clock::now();
    const bool up = co_await ensure_connected();
    r.phases.connecting = clock::now() - c0;
    if (!up)
      co_return r;
  }
  out_.clear();
  out_.append(method).append(" ").append(path).append(" HTTP/1.1\r\nHost: ");
  out_.append(host_header_).append("\r\nUser-Agent: actorshop-bench\r\n");
  if (tokens_)
    out_.append(tokens_->header_for(customer));
  if (!body.empty()) {
    out_.append("Content-Type: application/json\r\nContent-Length: ");
    append_int(out_, static_cast<std::int64_t>(body.size()));
    out_.append("\r\n\r\n").append(body);
  } else {
    out_.append("\r\n");
  }
  const auto t0 = clock::now();
  auto [ec, n] = co_await write_request();
  const auto sent = clock::now();
  r.sent = n;
  r.phases.sending = sent - t0;
  r.phases.measured = true;
  if (ec) {
    cancel();
    co_return r;
  }
  r.status = co_await read_response(r.received, body_out);
  const auto done = clock::now();
  const auto first = first_byte_ == clock::time_point{} ? done : first_byte_;
  r.phases.waiting = first - sent;
  r.phases.receiving = done - first;
  if (r.status == 0)
    cancel();
  co_return r;
}

// A request (a few hundred bytes) almost always fits the socket's send buffer: written at once,
// without the round trip through the io thread's queue an async_write costs, which with 1,500
// VUs on one thread would count the other VUs' turns as k6's "sending". The rest, if the kernel
// took only part, goes asynchronously.
awaitable<std::tuple<boost::system::error_code, std::size_t>> http_client::write_request() {
  boost::system::error_code ec;
  const std::size_t n = socket_.write_some(asio::buffer(out_), ec);
  if (ec == asio::error::would_block || (!ec && n < out_.size())) {
    const std::size_t done = ec ? 0 : n;
    auto [ec2, m] = co_await asio::async_write(
        socket_, asio::buffer(out_.data() + done, out_.size() - done), no_throw);
    co_return std::tuple{ec2, done + m};
  }
  co_return std::tuple{ec, n};
}

namespace {
/// Appends the decimal form of `v` without allocating.
void append_int(std::string& out, std::int64_t v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, end);
}
} // namespace

// Bodies are built in a reused member string: no allocation per request on the hot path.
awaitable<http_answer> http_client::issue_coupon(std::int64_t coupon_id, std::int64_t customer_id) {
  body_.assign("{\"couponId\":");
  append_int(body_, coupon_id);
  body_.append(",\"customerId\":");
  append_int(body_, customer_id);
  body_.push_back('}');
  return request("POST", "/coupons/issue", body_, nullptr,
                 customer_id); // no coroutine frame of its own
}

awaitable<http_answer> http_client::create_order(std::int64_t customer_id, order_item a,
                                                 order_item b) {
  body_.assign("{\"customerId\":");
  append_int(body_, customer_id);
  body_.append(",\"items\":[");
  for (const order_item* i : {&a, &b}) {
    body_.append(i == &a ? "{\"productId\":" : ",{\"productId\":");
    append_int(body_, i->product_id);
    body_.append(",\"productOptionId\":");
    append_int(body_, i->option_id);
    body_.append(",\"quantity\":");
    append_int(body_, i->quantity);
    body_.push_back('}');
  }
  body_.append("]}");
  http_answer r = co_await request("POST", "/orders", body_, nullptr, customer_id);
  if (r.status == 201)
    r.order_id = json_int_field(body_out_scratch_, "orderId");
  co_return r;
}

awaitable<http_answer> http_client::pay(std::int64_t order_id, std::int64_t customer_id) {
  body_.assign("{\"orderId\":");
  append_int(body_, order_id);
  body_.push_back('}');
  return request("POST", "/payments", body_, nullptr, customer_id);
}

client_factory make_http_factory(const http_target& target,
                                 std::shared_ptr<const token_book> tokens) {
  return [target, tokens](asio::any_io_executor ex) -> std::unique_ptr<client> {
    return std::make_unique<http_client>(std::move(ex), target, tokens);
  };
}

client_factory make_http_factory(std::vector<http_target> targets,
                                 std::shared_ptr<const token_book> tokens) {
  auto next = std::make_shared<std::atomic<std::size_t>>(0);
  return [targets = std::move(targets), tokens, next](asio::any_io_executor ex) {
    const auto& target = targets[next->fetch_add(1) % targets.size()];
    return std::unique_ptr<client>(std::make_unique<http_client>(std::move(ex), target, tokens));
  };
}

} // namespace actorshop::bench
