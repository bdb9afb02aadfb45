// The outbox dispatcher delivers every PaymentCompleted event at least once, to a file or an HTTP
// sink, and keeps events in the outbox while the sink is down. Payments are committed with the
// service's own writer units; waits are for dispatcher rounds, not for time.
#include <catch2/catch.hpp>
#include <sqlite3.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <future>
#include <mutex>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include "domain/clock.hpp"
#include "storage/logging.hpp"
#include "storage/order_units.hpp"
#include "storage/outbox_dispatcher.hpp"
#include "storage/schema.hpp"
#include "storage/seed.hpp"
#include "storage/sqlite.hpp"
#include "storage/writer.hpp"
#include "support/process.hpp"
#include "support/seeded_db.hpp"
#include "support/temp_dir.hpp"
#include "support/wait.hpp"

using namespace actorshop;
using namespace actorshop::storage;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

namespace {

/// A temp dir with a migrated, seeded database.
struct seeded_db {
  actorshop::test::temp_dir dir;
  std::string path = actorshop::test::seeded_database(dir);
  std::int64_t query(const std::string& sql) const {
    connection db(path, SQLITE_OPEN_READONLY);
    return db.query_int64(sql);
  }
};

domain::status commit(writer& w, const char* label, unit_fn unit) {
  std::promise<domain::status> done;
  w.submit(label, std::move(unit), [&done](domain::status s) { done.set_value(s); });
  return done.get_future().get();
}

// Creates and pays `n` orders (with their outbox rows if `record_event`) (two lines: products 5001
// and 5003) as the actors would, with the service's units; returns the payment ids.
std::set<domain::id_t> pay_orders(writer& w, int n, bool record_event = true) {
  static std::atomic<domain::id_t> next_id{1};
  std::set<domain::id_t> ids;
  for (int i = 0; i < n; ++i) {
    const domain::timestamp now = domain::now_ms();
    auto o = std::make_shared<domain::order>();
    o->id = next_id++;
    o->customer_id = seed_first_customer + i;
    o->created_at = now;
    o->expires_at = now + 600'000;
    o->lines = {{5001, 6001, "p1", "S", 1, 1000, 1000}, {5003, 6007, "p3", "S", 2, 1000, 2000}};
    o->total_price = 3000;
    REQUIRE(commit(w, create_order_label, create_order(o)));
    domain::payment_job job;
    job.payment = {.id = o->id,
                   .order_id = o->id,
                   .customer_id = o->customer_id,
                   .coupon_id = std::nullopt,
                   .original_price = 3000,
                   .discount_amount = 0,
                   .discounted_price = 3000,
                   .paid_at = now};
    job.lines = o->lines;
    REQUIRE(commit(w, pay_order_label, pay_order(std::move(job), record_event)));
    ids.insert(o->id);
  }
  return ids;
}

/// Records the dispatcher's rounds; wait() blocks until `ready` holds (or a minute passes, so a
/// broken dispatcher fails the test instead of hanging it).
class round_log {
public:
  outbox_dispatcher::round_fn hook() {
    return [this](bool ok, std::uint64_t delivered) {
      {
        std::lock_guard lock(mutex_);
        failed_ += ok ? 0 : 1;
        delivered_ = delivered;
        ++rounds_;
      }
      cv_.notify_all();
    };
  }
  template <class Pred> bool wait(Pred ready) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, std::chrono::minutes(1), [&] { return ready(failed_, delivered_); });
  }
  int failed() {
    std::lock_guard lock(mutex_);
    return failed_;
  }
  /// Waits for `n` more rounds than have run now.
  bool wait_rounds(int n) {
    std::unique_lock lock(mutex_);
    const int target = rounds_ + n;
    return cv_.wait_for(lock, std::chrono::minutes(1), [&] { return rounds_ >= target; });
  }

private:
  std::mutex mutex_;
  std::condition_variable cv_;
  int failed_ = 0;
  int rounds_ = 0;
  std::uint64_t delivered_ = 0;
};

/// The process's log lines while it lives (the default logger, replaced and then restored).
class captured_log {
public:
  captured_log() : previous_(spdlog::default_logger()) {
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("test", sink_));
  }
  ~captured_log() { spdlog::set_default_logger(previous_); }
  int count(const std::string& needle) const {
    int n = 0;
    for (const auto& line : sink_->last_formatted())
      n += line.find(needle) != std::string::npos ? 1 : 0;
    return n;
  }

private:
  std::shared_ptr<spdlog::logger> previous_;
  std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> sink_ =
      std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(1000);
};

std::set<domain::id_t> event_ids_in(const std::string& text) {
  std::set<domain::id_t> ids;
  std::regex re("\"eventId\":([0-9]+)");
  for (std::sregex_iterator it(text.begin(), text.end(), re), end; it != end; ++it)
    ids.insert(std::stoll((*it)[1]));
  return ids;
}

// A data-platform stand-in: answers 200 to every POST and records the bodies.
class sink_server {
public:
  explicit sink_server(unsigned short port)
      : acceptor_(ioc_, tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port)) {
    thread_ = std::thread([this] { serve(); });
  }
  ~sink_server() {
    stop_ = true;
    // A blocking accept() is not woken by close(): connect once to let the loop see stop_.
    beast::error_code ec;
    boost::asio::io_context ioc;
    tcp::socket poke(ioc);
    poke.connect(acceptor_.local_endpoint(), ec);
    poke.close(ec);
    thread_.join();
  }
  std::string bodies() {
    std::lock_guard<std::mutex> lock(mutex_);
    return bodies_;
  }

private:
  void serve() {
    while (!stop_) {
      beast::error_code ec;
      tcp::socket sock(ioc_);
      acceptor_.accept(sock, ec);
      if (ec || stop_)
        return;
      beast::flat_buffer buf;
      for (;;) {
        http::request<http::string_body> req;
        http::read(sock, buf, req, ec);
        if (ec)
          break;
        {
          std::lock_guard<std::mutex> lock(mutex_);
          bodies_ += req.body() + "\n";
          if (req["Idempotency-Key"].empty())
            bodies_ += "MISSING-KEY\n";
        }
        http::response<http::string_body> res{http::status::ok, 11};
        res.body() = "{}";
        res.prepare_payload();
        http::write(sock, res, ec);
        if (ec)
          break;
      }
    }
  }
  boost::asio::io_context ioc_;
  tcp::acceptor acceptor_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex mutex_;
  std::string bodies_;
};

} // namespace

TEST_CASE("every PaymentCompleted event reaches a file sink", "[storage][events]") {
  seeded_db db;
  writer w({.path = db.path});
  round_log rounds;
  const std::string file = (db.dir.path / "events.jsonl").string();
  outbox_dispatcher dispatcher(db.path, "file:" + file, w, rounds.hook());
  auto paid = pay_orders(w, 20);
  REQUIRE(rounds.wait([](int, std::uint64_t delivered) { return delivered >= 20; }));
  std::ifstream in(file);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(event_ids_in(text) == paid);
  CHECK(text.find("\"eventType\":\"PaymentCompleted\"") != std::string::npos);
  // The event is composed from the payment and order_item rows at dispatch: every field, the
  // items as a JSON array (not a quoted string), one line per event.
  std::regex event_re(
      "\\{\"eventId\":([0-9]+),\"eventType\":\"PaymentCompleted\",\"paymentId\":\\1,"
      "\"orderId\":[0-9]+,\"customerId\":1[0-9]{3},\"couponId\":null,"
      "\"originalPrice\":[0-9]+,\"discountAmount\":0,\"discountedPrice\":[0-9]+,"
      "\"paidAt\":\"20[0-9-]{8}T[0-9:.]{12}Z\",\"items\":\\[\\{\"productId\":5001,"
      "\"productOptionId\":[0-9]+,\"quantity\":[0-9]+,\"subtotalPrice\":[0-9]+\\},"
      "\\{\"productId\":5003,[^\\]]*\\}\\]\\}");
  std::istringstream lines(text);
  int events = 0;
  for (std::string line; std::getline(lines, line); ++events) {
    INFO(line);
    CHECK(std::regex_match(line, event_re));
  }
  CHECK(events == 20);
  CHECK(db.query("SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL") == 0);
}

TEST_CASE("events wait in the outbox while the HTTP sink is down and all arrive once it is up",
          "[storage][events][loopback]") {
  seeded_db db;
  writer w({.path = db.path});
  round_log rounds;
  const auto port = actorshop::test::free_port();
  outbox_dispatcher dispatcher(db.path, "http://127.0.0.1:" + std::to_string(port) + "/events", w,
                               rounds.hook());
  auto paid = pay_orders(w, 10); // payments succeed while the sink is down
  const int failed = rounds.failed();
  REQUIRE(rounds.wait([&](int f, std::uint64_t) { return f > failed; })); // a round saw them all
  CHECK(db.query("SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL") == 10);
  sink_server server(port);
  auto more = pay_orders(w, 5);
  paid.insert(more.begin(), more.end());
  REQUIRE(rounds.wait([](int, std::uint64_t delivered) { return delivered >= 15; }));
  CHECK(event_ids_in(server.bodies()) == paid);
  CHECK(server.bodies().find("MISSING-KEY") == std::string::npos);
  CHECK(db.query("SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL") == 0);
}

TEST_CASE("a payment without an event sink writes no outbox row", "[storage][events][outbox]") {
  seeded_db db;
  writer w({.path = db.path});
  outbox_dispatcher dispatcher(db.path, "", w); // no sink: no thread
  pay_orders(w, 25, false);
  CHECK(db.query("SELECT COUNT(*) FROM payment") == 25);
  CHECK(db.query("SELECT COUNT(*) FROM outbox") == 0);
  CHECK(dispatcher.pending() == 0);
}

TEST_CASE("delivered events are deleted after the retention, a small batch per writer unit",
          "[storage][events][outbox]") {
  seeded_db db;
  writer w({.path = db.path});
  auto clock = std::make_shared<domain::manual_clock>();
  outbox_options options;
  options.retention = std::chrono::hours(1);
  options.purge_batch = 7; // 30 rows take several units
  options.clock = clock;
  round_log rounds;
  const std::string file = (db.dir.path / "events.jsonl").string();
  outbox_dispatcher dispatcher(db.path, "file:" + file, w, rounds.hook(), options);
  pay_orders(w, 30);
  REQUIRE(rounds.wait([](int, std::uint64_t delivered) { return delivered >= 30; }));
  // Delivered but young: kept, whatever the number of rounds.
  REQUIRE(rounds.wait_rounds(3));
  CHECK(db.query("SELECT COUNT(*) FROM outbox") == 30);
  CHECK(dispatcher.purged() == 0);

  clock->advance(3'600'001);
  REQUIRE(actorshop::test::wait_for_state([&] { return dispatcher.purged() == 30; }));
  CHECK(db.query("SELECT COUNT(*) FROM outbox") == 0);

  // The next events are delivered and stay until their own retention ends: the table holds at
  // most an hour of delivered events.
  pay_orders(w, 10);
  REQUIRE(rounds.wait([](int, std::uint64_t delivered) { return delivered >= 40; }));
  CHECK(db.query("SELECT COUNT(*) FROM outbox WHERE delivered_at IS NOT NULL") == 10);
  clock->advance(3'600'001);
  REQUIRE(actorshop::test::wait_for_state([&] { return dispatcher.purged() == 40; }));
  CHECK(db.query("SELECT COUNT(*) FROM outbox") == 0);
}

TEST_CASE("undelivered events are never deleted, and a backlog is logged once a minute",
          "[storage][events][outbox][loopback]") {
  captured_log log;
  seeded_db db;
  writer w({.path = db.path});
  auto clock = std::make_shared<domain::manual_clock>();
  outbox_options options;
  options.retention = std::chrono::milliseconds(0);
  options.max_backlog = 5;
  options.clock = clock;
  round_log rounds;
  const auto port = actorshop::test::free_port(); // nobody listens: the sink is down
  outbox_dispatcher dispatcher(db.path, "http://127.0.0.1:" + std::to_string(port) + "/events", w,
                               rounds.hook(), options);
  pay_orders(w, 8); // payments go on while the sink is down
  int failed = rounds.failed();
  REQUIRE(rounds.wait([&](int f, std::uint64_t) { return f > failed + 2; }));
  CHECK(dispatcher.pending() == 8);
  CHECK(db.query("SELECT COUNT(*) FROM outbox") == 8); // retention 0 deletes delivered rows only
  CHECK(log.count("outbox backlog") == 1);
  CHECK(log.count("above events.max_backlog 5") == 1);
  clock->advance(60'000);
  failed = rounds.failed();
  REQUIRE(rounds.wait([&](int f, std::uint64_t) { return f > failed; }));
  CHECK(log.count("outbox backlog") == 2);
}
