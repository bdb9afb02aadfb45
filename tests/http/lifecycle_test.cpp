// Restart and drain: the database keeps everything across a restart, and SIGTERM under load
// loses no acknowledged request and exits 0.
#include <catch2/catch.hpp>

#include <atomic>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <thread>

#include "support/daemon_process.hpp"
#include "support/http_client.hpp"
#include "support/temp_dir.hpp"
#include "support/wait.hpp"

using namespace actorshop::test;

TEST_CASE("a restart on the same database keeps everything", "[http][e2e][lifecycle]") {
  temp_dir dir;
  auto db = dir.file("shop.db");
  std::string order_body, wallet, balance;
  {
    daemon_process d(seeded_args(dir.path, db));
    client c(d.port());
    REQUIRE(c.post("/coupons/issue", R"({"couponId":4001,"customerId":1500})").status == 201);
    REQUIRE(c.request("PATCH", "/balances/charge", R"({"customerId":1500,"amount":777})").status ==
            200);
    auto o = c.post(
        "/orders",
        R"({"customerId":1500,"items":[{"productId":5003,"productOptionId":6007,"quantity":3}]})");
    REQUIRE(o.status == 201);
    order_body = c.get("/orders/1").body;
    wallet = c.get("/coupons/customer/1500").body;
    balance = c.get("/balances/1500").body;
    CHECK(d.terminate() == 0);
  }
  daemon_process d(seeded_args(dir.path, db)); // --seed again: must not reset live data
  client c(d.port());
  CHECK(c.get("/orders/1").body == order_body);
  CHECK(c.get("/coupons/customer/1500").body == wallet);
  CHECK(c.get("/balances/1500").body == balance);
  CHECK(c.post("/coupons/issue", R"({"couponId":4001,"customerId":1500})").status == 409);
  CHECK(d.terminate() == 0);
}

namespace {
/// Every page of a customer's balance history, following X-Next-Cursor, concatenated.
std::string whole_history(client& c, int customer) {
  const auto path = "/balances/" + std::to_string(customer) + "/balance-histories?limit=500";
  std::string all;
  for (auto page = c.get(path);; page = c.get(path + "&before=" + page.header("x-next-cursor"))) {
    all += page.body;
    if (page.header("x-next-cursor").empty())
      return all;
  }
}
} // namespace

TEST_CASE("SIGTERM under load loses no acknowledged charge and exits 0", "[http][e2e][lifecycle]") {
  temp_dir dir;
  auto db = dir.file("shop.db");
  struct ack {
    int customer;
    std::string total;
  };
  std::vector<ack> acks;
  std::mutex mu;
  std::condition_variable acked;
  // SIGTERM arrives once this many charges were acknowledged, however long that takes.
  constexpr std::size_t acknowledged_before_sigterm = 200;
  {
    daemon_process d(seeded_args(dir.path, db));
    std::atomic<bool> stop{false};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
      threads.emplace_back([&, t] {
        int customer = 2001 + t;
        try {
          client c(d.port());
          while (!stop) {
            auto r = c.request("PATCH", "/balances/charge",
                               "{\"customerId\":" + std::to_string(customer) + ",\"amount\":1}");
            if (r.status != 200)
              break; // 503 while draining
            auto at = r.body.find("\"amount\":");
            std::lock_guard lock(mu);
            acks.push_back({customer, r.body.substr(at + 9, r.body.size() - at - 10)});
            acked.notify_all();
          }
        } catch (const std::exception&) {
          // the daemon closed the connection: what was acknowledged before counts
        }
      });
    {
      std::unique_lock lock(mu);
      acked.wait_for(lock, std::chrono::seconds(60),
                     [&] { return acks.size() >= acknowledged_before_sigterm; });
    }
    CHECK(d.terminate() == 0);
    stop = true;
    for (auto& t : threads)
      t.join();
  }
  REQUIRE(acks.size() >= acknowledged_before_sigterm);
  daemon_process d(seeded_args(dir.path, db));
  client c(d.port());
  std::map<int, std::string> histories;
  for (int t = 0; t < 4; ++t)
    histories[2001 + t] = whole_history(c, 2001 + t);
  std::size_t missing = 0;
  for (const auto& a : acks)
    if (histories[a.customer].find("\"totalAmount\":" + a.total + ",") == std::string::npos)
      ++missing;
  CHECK(missing == 0);
  CHECK(d.terminate() == 0);
}

TEST_CASE("a request the actors do not answer in time gets 504 and its late answer is dropped",
          "[http][e2e][lifecycle]") {
  temp_dir dir;
  auto args = seeded_args(dir.path, dir.file("shop.db"));
  std::ofstream(dir.file("zero.toml")) << "[server]\nrequest_timeout_ms = 0\n"
                                          "[storage]\nsynchronous = \"FULL\"\n";
  args[1] = dir.file("zero.toml"); // --config: a 0 ms budget, durable writes take longer
  daemon_process d(args);
  client c(d.port());
  int timeouts = 0;
  for (int i = 0; i < 5; ++i) {
    auto r = c.post(
        "/orders",
        R"({"customerId":1001,"items":[{"productId":5001,"productOptionId":6001,"quantity":1}]})");
    INFO(r.body);
    CHECK((r.status == 201 || r.status == 504));
    if (r.status == 504) {
      CHECK(r.body.find("REQUEST_TIMEOUT") != std::string::npos);
      ++timeouts;
    }
  }
  CHECK(timeouts > 0);
  // The late answers arrive: every order was created (ids 1..5), whether answered 201 or 504.
  CHECK(wait_for_state([&] { return c.get("/orders/5").status == 200; }));
  CHECK(c.get("/health").status == 200);
  CHECK(c.get("/orders/1").status == 200); // the work itself was done
  CHECK(d.terminate() == 0);
}

TEST_CASE("beyond the in-flight bound requests get 503 with Retry-After, never a queue",
          "[http][e2e][lifecycle]") {
  temp_dir dir;
  auto args = seeded_args(dir.path, dir.file("shop.db"));
  std::ofstream(dir.file("full.toml"))
      << "[server]\nio_threads = 2\n[storage]\nsynchronous = \"FULL\"\n";
  args[1] = dir.file("full.toml");
  args.insert(args.end(), {"--max-in-flight", "1"});
  daemon_process d(args);
  std::atomic<int> created{0}, refused{0}, other{0}, without_retry_after{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      client c(d.port());
      for (int i = 0; i < 15; ++i) {
        auto r = c.post(
            "/orders",
            "{\"customerId\":" + std::to_string(1100 + t) +
                ",\"items\":[{\"productId\":5001,\"productOptionId\":6001,\"quantity\":1}]}");
        if (r.status == 201)
          ++created;
        else if (r.status == 503) {
          ++refused;
          if (r.header("retry-after") != "1")
            ++without_retry_after;
        } else
          ++other;
      }
    });
  for (auto& t : threads)
    t.join();
  INFO("created " << created << ", refused " << refused);
  CHECK(other == 0);
  CHECK(created > 0);
  CHECK(refused > 0);
  CHECK(without_retry_after == 0);
  client c(d.port());
  CHECK(c.get("/health").status == 200);
  CHECK(d.terminate() == 0);
}

TEST_CASE("pipelined requests are answered in order on one connection", "[http][e2e][lifecycle]") {
  temp_dir dir;
  daemon_process d(seeded_args(dir.path, dir.file("shop.db")));
  const std::string issue = "POST /coupons/issue HTTP/1.1\r\nHost: x\r\nContent-Type: "
                            "application/json\r\nContent-Length: 35\r\n\r\n"
                            R"({"couponId":4001,"customerId":1007})";
  auto replies = pipelined_exchange(d.port(),
                                    "GET /balances/1007 HTTP/1.1\r\nHost: x\r\n\r\n" + issue +
                                        issue + "GET /health HTTP/1.1\r\nHost: x\r\n\r\n",
                                    4);
  REQUIRE(replies.size() == 4);
  CHECK(replies[0].body == R"({"customerId":1007,"amount":50000000})");
  CHECK(replies[1].status == 201);
  CHECK(replies[2].status == 409);
  CHECK(replies[3].body == R"({"status":"ok"})");
  CHECK(d.terminate() == 0);
}

TEST_CASE("connections beyond the limit are closed at once", "[http][e2e][lifecycle]") {
  temp_dir dir;
  auto args = seeded_args(dir.path, dir.file("shop.db"));
  args.insert(args.end(), {"--max-connections", "2"});
  daemon_process d(args);
  client a(d.port()), b(d.port());
  CHECK(a.get("/health").status == 200);
  CHECK(b.get("/health").status == 200);
  CHECK(closed_after(d.port(), "GET /health HTTP/1.1\r\nHost: x\r\n\r\n", std::chrono::seconds(3)));
  CHECK(a.get("/health").status == 200);
  CHECK(d.terminate() == 0);
}
