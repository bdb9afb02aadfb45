#include "storage/event_sink.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <chrono>
#include <fstream>

#include "storage/logging.hpp"

namespace actorshop::storage {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

struct http_target {
  std::string host, port, path;
};

// Splits "http://HOST:PORT/PATH".
http_target parse_http(const std::string& url) {
  std::string rest = url.substr(7);
  auto slash = rest.find('/');
  std::string hostport = rest.substr(0, slash);
  http_target t;
  t.path = slash == std::string::npos ? "/" : rest.substr(slash);
  auto colon = hostport.rfind(':');
  t.host = hostport.substr(0, colon);
  t.port = colon == std::string::npos ? "80" : hostport.substr(colon + 1);
  return t;
}

// POSTs each event on one connection; every step is bounded by a 2 s timeout.
bool post_all(const http_target& t, const std::vector<outbox_row>& rows) {
  try {
    boost::asio::io_context ioc;
    beast::tcp_stream stream(ioc);
    stream.expires_after(std::chrono::seconds(2));
    stream.connect(tcp::resolver(ioc).resolve(t.host, t.port));
    for (const auto& row : rows) {
      http::request<http::string_body> req{http::verb::post, t.path, 11};
      req.set(http::field::host, t.host);
      req.set(http::field::content_type, "application/json");
      req.set("Idempotency-Key", std::to_string(row.id));
      req.body() = row.payload;
      req.prepare_payload();
      stream.expires_after(std::chrono::seconds(2));
      http::write(stream, req);
      beast::flat_buffer buf;
      http::response<http::string_body> res;
      http::read(stream, buf, res);
      if (res.result_int() / 100 != 2) {
        log_limited(log_level::warn, "event sink failed",
                    "event sink http://" + t.host + ":" + t.port + t.path + " answered " +
                        std::to_string(res.result_int()) + "; events are kept and retried");
        return false;
      }
    }
    beast::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
    return true;
  } catch (const std::exception& e) {
    log_limited(log_level::warn, "event sink failed",
                "event sink http://" + t.host + ":" + t.port + t.path + ": " + e.what() +
                    "; events are kept and retried");
    return false;
  }
}

bool append_file(const std::string& path, const std::vector<outbox_row>& rows) {
  std::ofstream out(path, std::ios::app | std::ios::binary);
  for (const auto& row : rows)
    out << row.payload << '\n';
  out.flush();
  if (!out)
    log_limited(log_level::warn, "event sink failed",
                "event sink file:" + path + ": cannot append; events are kept and retried");
  return static_cast<bool>(out);
}

} // namespace

bool deliver_to_sink(const std::string& sink, const std::vector<outbox_row>& rows) {
  if (sink.rfind("file:", 0) == 0)
    return append_file(sink.substr(5), rows);
  if (sink.rfind("http://", 0) == 0)
    return post_all(parse_http(sink), rows);
  log_limited(log_level::warn, "event sink failed", "unknown event sink '" + sink + "'");
  return false;
}

} // namespace actorshop::storage
