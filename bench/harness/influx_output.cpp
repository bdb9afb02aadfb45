// The InfluxDB v1 output: CREATE DATABASE at the start, then k6's line protocol POSTed to /write
// from a thread of its own (see influx_output.hpp).
#include "bench/harness/influx_output.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <future>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <unordered_map>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/url/parse.hpp>

#include "bench/harness/influx_lines.hpp"
#include "bench/harness/k6_json.hpp"
#include "bench/harness/sample_points.hpp"

namespace actorshop::bench {

namespace {

/// POSTs `body` on `conn`, running `io` for at most `limit`; status 0 on timeout or error.
http_answer post_once(boost::asio::io_context& io, http_client& conn, const std::string& path,
                      const std::string& body, std::chrono::seconds limit) {
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

/// POSTs, reconnecting once: a server may have closed the idle keep-alive connection.
int post(boost::asio::io_context& io, http_client& conn, const std::string& path,
         const std::string& body) {
  auto r = post_once(io, conn, path, body, std::chrono::seconds(60));
  if (r.status == 0)
    r = post_once(io, conn, path, body, std::chrono::seconds(60));
  return r.status;
}

/// Percent-encodes everything but unreserved characters (a query parameter).
std::string url_encode(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

/// What the collector hands the writer each second: the sample chunks (per-sample mode) and
/// lines already rendered (the gauges, or the aggregates of --out-aggregate).
struct influx_job {
  std::vector<std::shared_ptr<const sample_chunk>> chunks;
  std::string lines;
  std::size_t line_count = 0;
};

/// Renders and writes on its own thread, off the VU threads and the collector's beat. Bodies
/// hold up to 10,000 lines (~2 MB; InfluxDB's max-body-size is 25 MB): few, large POSTs cost
/// InfluxDB the least per point. What a second brought is sent by the end of that second's job,
/// so a dashboard is about a second behind while InfluxDB keeps up within its share (pace()).
/// The destructor drains the queue: every sample is written before the sink is released.
class influx_writer {
public:
  influx_writer(const http_target& target, std::string path, influx_lines lines,
                std::shared_ptr<std::atomic<std::uint64_t>> failed)
      : conn_(io_.get_executor(), target), path_(std::move(path)), lines_(std::move(lines)),
        failed_(std::move(failed)), thread_([this] { loop(); }) {}
  ~influx_writer() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    cv_.notify_one();
    thread_.join();
  }
  void push(influx_job job) {
    std::size_t behind = 0;
    {
      std::lock_guard lock(mutex_);
      queue_.push_back(std::move(job));
      behind = queue_.size();
    }
    cv_.notify_one();
    // InfluxDB 1.6 costs ~10 us of CPU per point here: on two shared cores a busy run samples
    // faster than it ingests. Nothing is dropped; the backlog waits in memory, so say so once.
    if (behind == backlog_warning)
      std::fprintf(stderr,
                   "influxdb: the export is %zu s behind the run (InfluxDB may take a twentieth of "
                   "the run; past %zu s it takes what it needs); nothing is dropped\n",
                   behind, max_backlog);
  }

private:
  static constexpr std::size_t lines_per_body = 10000;
  static constexpr std::size_t backlog_warning = 10; ///< seconds (one job per second)
  static constexpr std::size_t max_backlog = 30;     ///< seconds; beyond, no pacing

  void loop() {
    for (;;) {
      std::unique_lock lock(mutex_);
      cv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
      if (queue_.empty())
        return;
      influx_job job = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      write(job);
    }
  }

  void write(const influx_job& job) {
    for (const auto& chunk : job.chunks)
      for (const auto& s : *chunk) {
        body_lines_ += lines_.append(s, body_);
        if (body_lines_ >= lines_per_body)
          flush();
      }
    body_ += job.lines;
    body_lines_ += job.line_count;
    flush();
  }

  /// While the load runs, waits until InfluxDB has been idle 19 times as long as the last POST
  /// took: InfluxDB 1.6 spends ~6 us of CPU per point here (~105 us per coupon-peak request),
  /// a coupon-peak run samples hundreds of thousands of points a second, and the daemon and
  /// the load share two cores. A POST's wall time undercounts InfluxDB's work (it goes on
  /// indexing and compacting after answering): a twentieth of the run keeps its share near a
  /// tenth. What waits meanwhile is written at full speed once the run ends, or as soon as the
  /// backlog holds 30 s of samples (memory then matters more: ~100 MB at coupon-peak's rate).
  void pace() {
    std::unique_lock lock(mutex_);
    cv_.wait_until(lock, last_end_ + 19 * last_post_,
                   [this] { return stop_ || queue_.size() >= max_backlog; });
  }

  void flush() {
    if (body_lines_ == 0)
      return;
    pace();
    const auto t0 = std::chrono::steady_clock::now();
    const int status = post(io_, conn_, path_, body_);
    last_end_ = std::chrono::steady_clock::now();
    last_post_ = last_end_ - t0;
    if (status != 204 && status != 200) {
      failed_->fetch_add(1);
      std::fprintf(stderr, "influxdb: write of %zu points failed: %s\n", body_lines_,
                   status ? ("status " + std::to_string(status)).c_str() : "no answer");
    }
    body_.clear();
    body_lines_ = 0;
  }

  boost::asio::io_context io_;
  http_client conn_;
  std::string path_;
  influx_lines lines_;
  std::shared_ptr<std::atomic<std::uint64_t>> failed_;
  std::string body_;
  std::size_t body_lines_ = 0;
  std::chrono::steady_clock::time_point last_end_{}; ///< of the last POST
  std::chrono::steady_clock::duration last_post_{};  ///< how long it took
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<influx_job> queue_;
  bool stop_ = false;
  std::thread thread_; // last: starts once the members above exist
};

/// Returns the database of "http://HOST:8086/DB" ("k6", as k6's default, when there is none).
std::string influx_database(const std::string& url) {
  const auto parsed = boost::urls::parse_uri(url);
  std::string db = parsed ? std::string(parsed->path()) : std::string();
  db.erase(0, db.find_first_not_of('/'));
  return db.empty() ? "k6" : db;
}

/// CREATE DATABASE, as k6 does at start; an unreachable server stops the run before any load.
/// Any other failure (say, no permission to create an existing database) only warns, as in k6.
void create_database(const http_target& target, const std::string& db) {
  boost::asio::io_context io;
  http_client conn(io.get_executor(), target);
  const std::string q = "CREATE DATABASE \"" + db + "\"";
  const int status = post(io, conn, "/query?q=" + url_encode(q), "");
  if (status == 0)
    throw std::runtime_error("InfluxDB at " + target.url() + " does not answer");
  if (status != 200)
    std::fprintf(stderr, "influxdb: CREATE DATABASE \"%s\" answered status %d\n", db.c_str(),
                 status);
}

/// The aggregates of --out-aggregate as lines: the second's points a nanosecond apart per
/// series, so that two of one series (never the case today) would not collapse into one.
void append_aggregates(const second_point& p, const interval_data& d, const output_context& ctx,
                       influx_job& job) {
  expand(p, d, false, ctx.names, [&](const point& x) {
    if (std::string_view(x.metric) == "vus" || std::string_view(x.metric) == "vus_max")
      return; // written as gauges by the caller
    job.lines += x.metric;
    if (ctx.system_tags.has(system_tag::scenario))
      job.lines += ",scenario=" + influx_tag_escape(ctx.scenario);
    if (!x.extra.empty())
      job.lines += "," + x.extra;
    job.lines += " value=" + dump(k6_number(x.value)) + " " +
                 std::to_string(std::llround(x.time * 1e6) * 1000 + job.line_count) + "\n";
    ++job.line_count;
  });
}

} // namespace

second_sink influx_sink(const std::string& url, const output_context& ctx) {
  const auto target = parse_http_target(url);
  const std::string db = influx_database(url);
  create_database(target, db);
  auto writer = std::make_shared<influx_writer>(
      target, "/write?db=" + url_encode(db) + "&precision=ns",
      influx_lines(ctx.base_url, ctx.scenario, ctx.names, ctx.tags, ctx.system_tags),
      ctx.failed_writes);
  return [writer, ctx](const second_point& p, const interval_data& d) {
    influx_job job;
    if (ctx.every_sample)
      job.chunks = d.samples; // dropped_iterations among them: a 1 per dropped iteration
    else
      append_aggregates(p, d, ctx, job);
    // k6's engine samples the vus gauges once a second, without tags.
    const auto ns = std::llround(p.unix_time * 1e6) * 1000;
    influx_lines::append_gauge("vus", static_cast<double>(p.vus), ns, job.lines);
    influx_lines::append_gauge("vus_max", static_cast<double>(p.vus_max), ns, job.lines);
    job.line_count += 2;
    writer->push(std::move(job));
  };
}

} // namespace actorshop::bench
