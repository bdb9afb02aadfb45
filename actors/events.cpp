#include "actors/events.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <fstream>
#include <future>
#include <vector>

#include "storage/outbox.hpp"

namespace actorshop::actors {
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
bool post_all(const http_target& t, const std::vector<storage::outbox_row>& rows) {
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
      if (res.result_int() / 100 != 2)
        return false;
    }
    beast::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

bool append_file(const std::string& path, const std::vector<storage::outbox_row>& rows) {
  std::ofstream out(path, std::ios::app | std::ios::binary);
  for (const auto& row : rows)
    out << row.payload << '\n';
  out.flush();
  return static_cast<bool>(out);
}

} // namespace

outbox_dispatcher::outbox_dispatcher(std::string db_path, std::string sink, storage::writer& w)
    : db_path_(std::move(db_path)), sink_(std::move(sink)), writer_(w) {
  if (!sink_.empty())
    thread_ = std::thread([this] { run(); });
}

outbox_dispatcher::~outbox_dispatcher() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable())
    thread_.join();
}

std::uint64_t outbox_dispatcher::pending() const {
  if (!sink_.empty())
    return pending_.load();
  return static_cast<std::uint64_t>(
      storage::count_undelivered_events(storage::thread_reader(db_path_)));
}

bool outbox_dispatcher::wait_for(std::chrono::milliseconds d) {
  std::unique_lock<std::mutex> lock(mutex_);
  return !cv_.wait_for(lock, d, [this] { return stopping_; });
}

void outbox_dispatcher::run() {
  auto backoff = std::chrono::milliseconds(50);
  for (;;) {
    bool ok = false;
    try {
      ok = deliver_round();
    } catch (const std::exception&) {
      ok = false; // a read failure is retried like a sink failure
    }
    if (ok)
      backoff = std::chrono::milliseconds(50);
    if (!wait_for(ok ? std::chrono::milliseconds(20) : backoff))
      return;
    if (!ok)
      backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
  }
}

bool outbox_dispatcher::deliver_round() {
  auto& rd = storage::thread_reader(db_path_);
  auto rows = storage::undelivered_events(rd, 500);
  pending_ = static_cast<std::uint64_t>(storage::count_undelivered_events(rd));
  if (rows.empty())
    return true;
  bool sent = sink_.rfind("file:", 0) == 0     ? append_file(sink_.substr(5), rows)
              : sink_.rfind("http://", 0) == 0 ? post_all(parse_http(sink_), rows)
                                               : false;
  if (!sent)
    return false;
  std::vector<domain::id_t> ids;
  for (const auto& r : rows)
    ids.push_back(r.id);
  // Wait for the mark to commit, so the next round does not send these again.
  std::promise<domain::status> done;
  auto fut = done.get_future();
  writer_.submit(storage::mark_delivered_label,
                 storage::mark_delivered(std::move(ids), domain::now_ms()),
                 [&done](domain::status s) { done.set_value(s); });
  if (!fut.get())
    return false;
  delivered_ += rows.size();
  return true;
}

} // namespace actorshop::actors
