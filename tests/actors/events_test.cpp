#include <catch2/catch.hpp>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "shop_fixture.hpp"

using namespace actorshop;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

namespace {

// Creates and pays `n` orders; returns the payment ids.
std::set<domain::id_t> pay_orders(actors::shop& shop, int n) {
  std::set<domain::id_t> ids;
  for (int i = 0; i < n; ++i) {
    auto o = test::call<domain::order>(
        [&](auto cb) { shop.create_order(1001 + i, test::two_lines(5001, 5003), cb); });
    REQUIRE(o.has_value());
    auto p = test::call<domain::payment>([&](auto cb) { shop.pay(o->id, std::nullopt, cb); });
    REQUIRE(p.has_value());
    ids.insert(p->id);
  }
  return ids;
}

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

unsigned short free_port() {
  boost::asio::io_context ioc;
  tcp::acceptor a(ioc, tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
  return a.local_endpoint().port();
}

} // namespace

TEST_CASE("every PaymentCompleted event reaches a file sink", "[actors][events]") {
  test::seeded_db db;
  auto opt = db.options();
  const std::string file = (db.dir / "events.jsonl").string();
  opt.event_sink = "file:" + file;
  actors::shop shop{opt};
  auto paid = pay_orders(shop, 20);
  REQUIRE(test::eventually([&] { return shop.stats().events_delivered >= 20; }));
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
  REQUIRE(test::eventually(
      [&] { return db.query("SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL") == 0; }));
}

TEST_CASE("events wait in the outbox while the HTTP sink is down and all arrive once it is up",
          "[actors][events]") {
  test::seeded_db db;
  auto opt = db.options();
  const auto port = free_port();
  opt.event_sink = "http://127.0.0.1:" + std::to_string(port) + "/events";
  actors::shop shop{opt};
  auto paid = pay_orders(shop, 10); // payments succeed while the sink is down
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  CHECK(db.query("SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL") == 10);
  sink_server server(port);
  auto more = pay_orders(shop, 5);
  paid.insert(more.begin(), more.end());
  REQUIRE(test::eventually([&] { return event_ids_in(server.bodies()) == paid; },
                           std::chrono::seconds(20)));
  CHECK(server.bodies().find("MISSING-KEY") == std::string::npos);
  REQUIRE(test::eventually(
      [&] { return db.query("SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL") == 0; }));
}
