#include "bench/harness/outputs.hpp"

#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <ctime>
#include <deque>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <unordered_map>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "bench/harness/json_writer.hpp"

namespace actorshop::bench {

namespace {

/// One point to write: a metric value with k6's request tags (empty for non-request metrics).
struct point {
  const char* metric;
  double value;
  double time;
  const raw_sample* req = nullptr; ///< request tags come from here
  std::string extra;               ///< aggregate marker, e.g. "stat=p95"
};

using point_fn = std::function<void(const point&)>;

/// Expands a second into points: every sample, or aggregates, in k6's metric names.
void expand(const second_point& p, const interval_data& d, bool every, const point_fn& emit) {
  if (every) {
    for (const auto& s : d.samples) {
      if (s.is_request) {
        const bool expected = s.status >= 200 && s.status < 400;
        emit({"http_reqs", 1, s.unix_time, &s, ""});
        emit({"http_req_duration", s.value_ms, s.unix_time, &s, ""});
        emit({"http_req_failed", expected ? 0.0 : 1.0, s.unix_time, &s, ""});
      } else {
        emit({"iterations", 1, s.unix_time, nullptr, ""});
        emit({"iteration_duration", s.value_ms, s.unix_time, nullptr, ""});
      }
    }
  } else {
    emit({"http_reqs", static_cast<double>(p.requests), p.unix_time, nullptr, ""});
    emit({"http_req_duration", p.avg_ms, p.unix_time, nullptr, "stat=avg"});
    emit({"http_req_duration", p.p95_ms, p.unix_time, nullptr, "stat=p95"});
    emit({"http_req_duration", p.p99_ms, p.unix_time, nullptr, "stat=p99"});
    emit({"http_req_failed", p.requests ? double(p.failed) / double(p.requests) : 0.0, p.unix_time,
          nullptr, ""});
    emit({"iterations", static_cast<double>(p.iterations), p.unix_time, nullptr, ""});
  }
  emit({"vus", static_cast<double>(p.vus), p.unix_time, nullptr, ""});
  emit({"vus_max", static_cast<double>(p.vus_max), p.unix_time, nullptr, ""});
}

std::shared_ptr<std::FILE> open_file(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (!f)
    throw std::invalid_argument("cannot write output file '" + path + "'");
  return {f, [](std::FILE* x) { std::fclose(x); }};
}

second_sink csv_sink(const std::string& path, const output_context& ctx) {
  auto f = open_file(path);
  std::fprintf(f.get(), "%s\n", k6_csv_header);
  return [f, ctx](const second_point& p, const interval_data& d) {
    expand(p, d, ctx.every_sample, [&](const point& x) {
      std::string method, url, status, expected;
      if (x.req) {
        method = "POST";
        url = ctx.base_url + endpoint_paths[static_cast<int>(x.req->ep)];
        status = std::to_string(x.req->status);
        expected = x.req->status >= 200 && x.req->status < 400 ? "true" : "false";
      }
      std::fprintf(f.get(), "%s,%lld,%.6f,,,,%s,,%s,%s,%s,%s,,%s,,,%s,%s\n", x.metric,
                   static_cast<long long>(x.time), x.value, expected.c_str(), method.c_str(),
                   url.c_str(), x.req ? "HTTP/1.1" : "", ctx.scenario.c_str(), status.c_str(),
                   url.c_str(), x.extra.c_str());
    });
    std::fflush(f.get());
  };
}

second_sink json_sink(const std::string& path, const output_context& ctx) {
  auto f = open_file(path);
  for (const char* m : {"http_reqs", "http_req_duration", "http_req_failed", "iterations",
                        "iteration_duration", "vus", "vus_max"})
    std::fprintf(f.get(), "{\"type\":\"Metric\",\"data\":{\"name\":\"%s\"},\"metric\":\"%s\"}\n", m,
                 m);
  return [f, ctx](const second_point& p, const interval_data& d) {
    expand(p, d, ctx.every_sample, [&](const point& x) {
      std::string tags = "{\"scenario\":" + json_quote(ctx.scenario);
      if (x.req) {
        const std::string url = ctx.base_url + endpoint_paths[static_cast<int>(x.req->ep)];
        tags += ",\"method\":\"POST\",\"name\":" + json_quote(url) + ",\"url\":" + json_quote(url) +
                ",\"status\":\"" + std::to_string(x.req->status) + "\",\"expected_response\":\"" +
                (x.req->status >= 200 && x.req->status < 400 ? "true" : "false") +
                "\",\"proto\":\"HTTP/1.1\"";
      }
      if (!x.extra.empty())
        tags += ",\"stat\":" + json_quote(x.extra.substr(5));
      std::fprintf(f.get(),
                   "{\"type\":\"Point\",\"metric\":\"%s\",\"data\":{\"time\":\"%s\",\"value\":%s,"
                   "\"tags\":%s}}}\n",
                   x.metric, rfc3339(x.time).c_str(), json_number(x.value).c_str(), tags.c_str());
    });
    std::fflush(f.get());
  };
}

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

second_sink influx_sink(const std::string& url, const output_context& ctx) {
  const auto target = parse_http_target(url);
  auto slash = url.find('/', 7);
  const std::string db = slash == std::string::npos ? "k6" : url.substr(slash + 1);
  auto writer = std::make_shared<influx_writer>(target, "/write?db=" + db + "&precision=ns");
  auto last_ns = std::make_shared<std::unordered_map<std::string, std::int64_t>>();
  return [writer, last_ns, ctx](const second_point& p, const interval_data& d) {
    std::vector<influx_line> lines;
    expand(p, d, ctx.every_sample, [&](const point& x) {
      std::string series = x.metric;
      series += ",scenario=" + tag_escape(ctx.scenario);
      if (x.req) {
        const std::string name = ctx.base_url + endpoint_paths[static_cast<int>(x.req->ep)];
        const bool ok = x.req->status >= 200 && x.req->status < 400;
        series += ",method=POST,name=" + tag_escape(name) + ",proto=HTTP/1.1" +
                  ",status=" + std::to_string(x.req->status) +
                  ",expected_response=" + (ok ? "true" : "false");
      }
      if (!x.extra.empty())
        series += "," + x.extra;
      lines.push_back({std::move(series), std::llround(x.time * 1e6) * 1000, json_number(x.value)});
    });
    for (auto& body : render_batch(lines, *last_ns))
      writer->push(std::move(body));
  };
}

} // namespace

std::string rfc3339(double unix_time) {
  const auto secs = static_cast<std::time_t>(std::floor(unix_time));
  const auto micros = static_cast<long>(std::llround((unix_time - std::floor(unix_time)) * 1e6));
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                std::min(micros, 999999L));
  return buf;
}

second_sink make_output(const std::string& spec, const output_context& ctx) {
  const auto eq = spec.find('=');
  const std::string kind = spec.substr(0, eq),
                    arg = eq == std::string::npos ? "" : spec.substr(eq + 1);
  if (arg.empty())
    throw std::invalid_argument("--out '" + spec + "' needs KIND=DESTINATION");
  if (kind == "csv")
    return csv_sink(arg, ctx);
  if (kind == "json")
    return json_sink(arg, ctx);
  if (kind == "influxdb")
    return influx_sink(arg, ctx);
  throw std::invalid_argument("unknown --out kind '" + kind + "' (csv, json, influxdb)");
}

} // namespace actorshop::bench
