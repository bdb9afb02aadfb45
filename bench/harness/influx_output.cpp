// The InfluxDB v1 output: line protocol with k6's measurement names, POSTed to /write from a
// thread of its own (see influx_output.hpp).
#include "bench/harness/influx_output.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <future>
#include <mutex>
#include <thread>
#include <unordered_map>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/url/parse.hpp>

#include "bench/harness/k6_json.hpp"
#include "bench/harness/sample_points.hpp"

namespace actorshop::bench {

namespace {

/// Escapes a tag value for line protocol (commas, spaces and '=' need a backslash).
std::string tag_escape(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == ',' || c == ' ' || c == '=')
      out += '\\';
    out += c;
  }
  return out;
}

/// POSTs `body` on `conn`, running `io` for at most `limit`; status 0 on timeout or error.
http_answer post_once(boost::asio::io_context& io, http_client& conn, const std::string& path,
                      const std::string& body, std::chrono::milliseconds limit) {
  auto fut = boost::asio::co_spawn(io, conn.request("POST", path, body), boost::asio::use_future);
  io.restart();
  io.run_for(limit);
  if (fut.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
    conn.cancel();
    io.restart();
    io.run_for(std::chrono::milliseconds(100));
    return {};
  }
  return fut.get();
}

/// Writes line-protocol bodies on its own thread: a busy InfluxDB may take longer than a second
/// to accept a second of samples, and the collector must keep its beat. The destructor drains
/// the queue, so every second is written once the sink is released (each POST bounded).
class influx_writer {
public:
  influx_writer(const http_target& target, std::string path)
      : conn_(io_.get_executor(), target), path_(std::move(path)), thread_([this] { loop(); }) {}
  ~influx_writer() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    cv_.notify_one();
    thread_.join();
  }
  void push(std::string body) {
    {
      std::lock_guard lock(mutex_);
      queue_.push_back(std::move(body));
    }
    cv_.notify_one();
  }

private:
  void loop() {
    for (;;) {
      std::unique_lock lock(mutex_);
      cv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
      if (queue_.empty())
        return;
      std::string body = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      auto r = post_once(io_, conn_, path_, body, std::chrono::seconds(10));
      if (r.status == 0) // a server that closed the idle connection: reconnect once
        r = post_once(io_, conn_, path_, body, std::chrono::seconds(10));
      if (r.status != 204 && r.status != 200)
        std::fprintf(stderr, "influxdb write failed: status %d\n", r.status);
    }
  }

  boost::asio::io_context io_;
  http_client conn_;
  std::string path_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::string> queue_;
  bool stop_ = false;
  std::thread thread_; // last: starts once the members above exist
};

/// One line of a batch before its timestamp is made unique within its series.
struct influx_line {
  std::string series; ///< measurement and tags
  std::int64_t ns;
  std::string value;
};

/// Renders a batch: InfluxDB keeps one point per series and timestamp, so two samples of the
/// same series in the same microsecond would collapse into one; each series' timestamps are
/// made strictly increasing (a nanosecond apart) so that every sample stays a point. Bodies
/// hold at most 5000 lines (InfluxDB's recommended batch; its max-body-size is 25 MB).
std::vector<std::string> render_batch(std::vector<influx_line>& lines,
                                      std::unordered_map<std::string, std::int64_t>& last_ns) {
  constexpr std::size_t lines_per_body = 5000;
  std::stable_sort(lines.begin(), lines.end(),
                   [](const influx_line& a, const influx_line& b) { return a.ns < b.ns; });
  std::vector<std::string> bodies;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    auto& l = lines[i];
    auto [it, fresh] = last_ns.try_emplace(l.series, l.ns);
    if (!fresh)
      it->second = l.ns = std::max(l.ns, it->second + 1);
    if (i % lines_per_body == 0)
      bodies.emplace_back();
    bodies.back() += l.series + " value=" + l.value + " " + std::to_string(l.ns) + "\n";
  }
  return bodies;
}

/// Returns the database of "http://HOST:8086/DB" ("k6", as k6's default, when there is none).
std::string influx_database(const std::string& url) {
  const auto parsed = boost::urls::parse_uri(url);
  std::string db = parsed ? std::string(parsed->path()) : std::string();
  db.erase(0, db.find_first_not_of('/'));
  return db.empty() ? "k6" : db;
}

} // namespace

second_sink influx_sink(const std::string& url, const output_context& ctx) {
  const auto target = parse_http_target(url);
  const std::string db = influx_database(url);
  auto writer = std::make_shared<influx_writer>(target, "/write?db=" + db + "&precision=ns");
  auto last_ns = std::make_shared<std::unordered_map<std::string, std::int64_t>>();
  return [writer, last_ns, ctx](const second_point& p, const interval_data& d) {
    std::vector<influx_line> lines;
    expand(p, d, ctx.every_sample, [&](const point& x) {
      std::string series = x.metric;
      series += ",scenario=" + tag_escape(ctx.scenario);
      for (const auto& [k, v] : ctx.tags) // --tag
        series.append(",").append(tag_escape(k)).append("=").append(tag_escape(v));
      if (x.req) {
        const std::string name = ctx.base_url + endpoint_paths[static_cast<int>(x.req->ep)];
        const bool ok = x.req->status >= 200 && x.req->status < 400;
        series += ",method=POST,name=" + tag_escape(name) + ",proto=HTTP/1.1" +
                  ",status=" + std::to_string(x.req->status) +
                  ",expected_response=" + (ok ? "true" : "false");
      }
      if (!x.extra.empty())
        series += "," + x.extra;
      lines.push_back(
          {std::move(series), std::llround(x.time * 1e6) * 1000, dump(k6_number(x.value))});
    });
    for (auto& body : render_batch(lines, *last_ns))
      writer->push(std::move(body));
  };
}

} // namespace actorshop::bench
