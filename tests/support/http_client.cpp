// Implementation of the HTTP client helpers.
#include "support/http_client.hpp"

#include <poll.h>
#include <sys/socket.h>

#include <cctype>
#include <stdexcept>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace actorshop::test {
namespace {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;

response to_response(const bhttp::response<bhttp::string_body>& res) {
  response r;
  r.status = res.result_int();
  r.body = res.body();
  for (const auto& f : res) {
    std::string name(f.name_string());
    for (auto& c : name)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    r.headers[name] = std::string(f.value());
  }
  return r;
}

} // namespace

std::string response::header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

struct client::impl {
  net::io_context ioc;
  beast::tcp_stream stream{ioc};
  beast::flat_buffer buffer;
};

client::client(unsigned short port) : impl_(new impl) {
  impl_->stream.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
}

client::~client() { delete impl_; }

response client::request(const std::string& method, const std::string& target,
                         const std::string& body, const std::map<std::string, std::string>& headers,
                         const std::string& content_type) {
  bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(method), target, 11};
  req.set(bhttp::field::host, "127.0.0.1");
  if (!body.empty() || method == "POST" || method == "PATCH") {
    if (!content_type.empty())
      req.set(bhttp::field::content_type, content_type);
    req.body() = body;
    req.prepare_payload();
  }
  for (const auto& [k, v] : headers)
    req.set(k, v);
  bhttp::write(impl_->stream, req);
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(16 * 1024 * 1024);
  impl_->stream.expires_after(std::chrono::seconds(20));
  bhttp::read(impl_->stream, impl_->buffer, parser);
  return to_response(parser.get());
}

std::optional<response> raw_exchange(unsigned short port, const std::string& bytes,
                                     std::chrono::milliseconds wait) {
  net::io_context ioc;
  tcp::socket sock(ioc);
  sock.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  beast::error_code ec;
  net::write(sock, net::buffer(bytes), ec); // the server may close early (e.g. 413): fine
  timeval tv{static_cast<time_t>(wait.count() / 1000),
             static_cast<suseconds_t>((wait.count() % 1000) * 1000)};
  setsockopt(sock.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  beast::flat_buffer buf;
  bhttp::response_parser<bhttp::string_body> parser;
  bhttp::read(sock, buf, parser, ec);
  if (ec)
    return std::nullopt;
  return to_response(parser.get());
}

std::vector<response> pipelined_exchange(unsigned short port, const std::string& bytes,
                                         std::size_t count) {
  net::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  net::write(stream, net::buffer(bytes));
  beast::flat_buffer buf;
  std::vector<response> out;
  for (std::size_t i = 0; i < count; ++i) {
    bhttp::response_parser<bhttp::string_body> parser;
    stream.expires_after(std::chrono::seconds(10));
    bhttp::read(stream, buf, parser);
    out.push_back(to_response(parser.get()));
  }
  return out;
}

bool closed_after(unsigned short port, const std::string& bytes, std::chrono::milliseconds wait) {
  net::io_context ioc;
  tcp::socket sock(ioc);
  sock.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  net::write(sock, net::buffer(bytes));
  pollfd p{sock.native_handle(), POLLIN, 0};
  auto deadline = std::chrono::steady_clock::now() + wait;
  char c[4096];
  while (std::chrono::steady_clock::now() < deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0)
      return false;
    auto n = ::recv(sock.native_handle(), c, sizeof c, 0);
    if (n <= 0)
      return true; // EOF or reset: closed
  }
  return false;
}

std::int64_t json_int_field(const std::string& body, const std::string& key) {
  const auto at = body.find("\"" + key + "\":");
  if (at == std::string::npos)
    throw std::runtime_error("no " + key + " in " + body);
  return std::stoll(body.substr(at + key.size() + 3));
}

} // namespace actorshop::test
