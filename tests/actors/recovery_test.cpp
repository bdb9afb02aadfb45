#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <random>
#include <sstream>

#include "shop_fixture.hpp"

using namespace actorshop;

TEST_CASE(
    "a new shop on a cleanly stopped database has every balance, coupon, stock and open order",
    "[actors][recovery]") {
  test::seeded_db db;
  auto opt = db.options();
  opt.order_ttl = std::chrono::milliseconds(2500);
  auto clock = std::make_shared<domain::manual_clock>();
  domain::id_t open_a = 0, open_b = 0;
  actors::stock_snapshot s6001, s6004;
  {
    actors::shop a{opt, clock};
    REQUIRE(test::call<domain::balance_view>([&](auto cb) { a.charge(1001, 5000, cb); }));
    for (int c = 1001; c <= 1010; ++c)
      REQUIRE(test::call<domain::issued_coupon>([&](auto cb) { a.issue_coupon(4001, c, cb); }));
    auto paid = test::call<domain::order>(
        [&](auto cb) { a.create_order(1001, test::two_lines(5001, 5002), cb); });
    REQUIRE(test::call<domain::payment>([&](auto cb) { a.pay(paid->id, 4001, cb); }));
    open_a = test::call<domain::order>([&](auto cb) {
               a.create_order(1002, test::two_lines(5001, 5002), cb);
             })->id;
    open_b = test::call<domain::order>([&](auto cb) {
               a.create_order(1003, test::two_lines(5001, 5002), cb);
             })->id;
    s6001 = *a.stock_in_memory(6001);
    s6004 = *a.stock_in_memory(6004);
    a.shutdown();
  }
  actors::shop b{opt, clock};
  CHECK(b.balance(1001)->amount == db.query("SELECT amount FROM balance WHERE customer_id = 1001"));
  auto c = b.coupon_in_memory(4001);
  REQUIRE(c);
  CHECK(c->coupon.current_quantity == 990);
  CHECK(c->holders == 10);
  auto again = test::call<domain::issued_coupon>([&](auto cb) { b.issue_coupon(4001, 1005, cb); });
  CHECK(again.error() == domain::errc::coupon_already_issued);
  CHECK(b.stock_in_memory(6001)->reserved == s6001.reserved);
  CHECK(b.stock_in_memory(6001)->sold == s6001.sold);
  CHECK(b.stock_in_memory(6004)->available == s6004.available);
  CHECK(b.stats().live_order_sagas == 2);
  // The recovered saga takes a payment; the other one expires within its remaining TTL.
  auto p = test::call<domain::payment>([&](auto cb) { b.pay(open_a, std::nullopt, cb); });
  CHECK(p.has_value());
  clock->advance(2500);
  const std::string expired =
      "SELECT status = 'EXPIRED' FROM orders WHERE id = " + std::to_string(open_b);
  CHECK(test::wait_for_state([&] { return db.query(expired) == 1; }));
  CHECK(test::wait_for_state([&] { return b.stock_in_memory(6001)->reserved == 0; }));
  CHECK(db.query("SELECT reserved FROM stock WHERE product_option_id = 6001") == 0);
}

namespace {

// The child: runs a shop under load and writes one line per acknowledged command to `fd`.
[[noreturn]] void run_child(const std::string& path, int fd) {
  auto opt = actors::shop_options{};
  opt.db_path = path;
  auto* shop = new actors::shop(opt); // never destroyed: the parent kills us
  auto ack = [fd](const std::string& line) {
    std::string l = line + "\n";
    (void)!::write(fd, l.data(), l.size());
  };
  std::atomic<int> in_flight{0};
  std::mt19937 rng{7};
  // The parent kills us once it has counted enough acknowledgements; the deadline only keeps an
  // orphan from running forever if the parent dies first.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(5);
  while (std::chrono::steady_clock::now() < deadline) {
    if (in_flight.load() >= 100) {
      // Load pacing, not a wait for an event: keep at most 100 commands in flight.
      std::this_thread::sleep_for(std::chrono::microseconds(100));
      continue;
    }
    const domain::id_t c = 1001 + rng() % 2000;
    ++in_flight;
    switch (rng() % 3) {
    case 0:
      shop->charge(c, 1000, [&, c](auto r) {
        if (r)
          ack("C " + std::to_string(c));
        --in_flight;
      });
      break;
    case 1:
      shop->issue_coupon(4001, c, [&, c](auto r) {
        if (r)
          ack("I " + std::to_string(c));
        --in_flight;
      });
      break;
    default:
      shop->create_order(c, test::two_lines(5001 + rng() % 20, 5001 + rng() % 20),
                         [&, shop](auto o) {
                           if (!o) {
                             --in_flight;
                             return;
                           }
                           ack("O " + std::to_string(o->id));
                           if (o->id % 2) { // leave every other order open
                             --in_flight;
                             return;
                           }
                           shop->pay(o->id, std::nullopt, [&, id = o->id](auto p) {
                             if (p)
                               ack("P " + std::to_string(id));
                             --in_flight;
                           });
                         });
    }
  }
  _exit(0);
}

// Appends what the child writes to `out` until it holds `lines` lines (0: until EOF), or EOF.
void read_lines(int fd, std::string& out, std::size_t lines) {
  char buf[65536];
  while (lines == 0 || static_cast<std::size_t>(std::count(out.begin(), out.end(), '\n')) < lines) {
    auto n = ::read(fd, buf, sizeof buf);
    if (n <= 0)
      return;
    out.append(buf, static_cast<std::size_t>(n));
  }
}

} // namespace

TEST_CASE("after SIGKILL under load every acknowledged command survives and the books balance",
          "[actors][recovery][crash]") {
  test::seeded_db db;
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::close(fds[0]);
    run_child(db.path, fds[1]);
  }
  ::close(fds[1]);
  // Kill the child once it has acknowledged a fixed number of commands, however long that takes.
  constexpr std::size_t acknowledged_before_kill = 300;
  std::string acks;
  read_lines(fds[0], acks, acknowledged_before_kill);
  ::kill(pid, SIGKILL);
  read_lines(fds[0], acks, 0);
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);

  std::istringstream lines(acks);
  std::string kind;
  domain::id_t id = 0;
  std::map<domain::id_t, int> charges;
  int n = 0;
  storage::connection check{db.path, SQLITE_OPEN_READONLY};
  auto count = [&](const std::string& sql) { return check.query_int64(sql); };
  while (lines >> kind >> id) {
    ++n;
    const auto s = std::to_string(id);
    if (kind == "C")
      ++charges[id];
    else if (kind == "I")
      CHECK(count("SELECT COUNT(*) FROM customer_coupon WHERE coupon_id = 4001 AND customer_id = " +
                  s) == 1);
    else if (kind == "O")
      CHECK(count("SELECT COUNT(*) FROM orders WHERE id = " + s) == 1);
    else if (kind == "P")
      CHECK(count("SELECT COUNT(*) FROM payment p JOIN orders o ON o.id = p.order_id "
                  "WHERE o.status = 'PAID' AND o.id = " +
                  s) == 1);
  }
  INFO("acknowledged commands: " << n);
  REQUIRE(static_cast<std::size_t>(n) >= acknowledged_before_kill);
  for (auto [c, k] : charges)
    CHECK(
        count(
            "SELECT COUNT(*) FROM balance_history WHERE change_type = 'CHARGE' AND customer_id = " +
            std::to_string(c)) >= k);
  CHECK(count("SELECT COUNT(*) FROM stock WHERE quantity + reserved + sold != 100000") == 0);
  CHECK(count("SELECT COUNT(*) FROM stock s WHERE reserved != (SELECT COALESCE(SUM(i.quantity), 0) "
              "FROM order_item i JOIN orders o ON o.id = i.order_id WHERE o.status = 'CREATED' "
              "AND i.product_option_id = s.product_option_id)") == 0);
  CHECK(count("SELECT COUNT(*) FROM stock s WHERE sold != (SELECT COALESCE(SUM(i.quantity), 0) "
              "FROM order_item i JOIN orders o ON o.id = i.order_id WHERE o.status = 'PAID' "
              "AND i.product_option_id = s.product_option_id)") == 0);
  CHECK(count("SELECT COUNT(*) FROM balance b WHERE amount != 50000000 + (SELECT COALESCE(SUM("
              "CASE change_type WHEN 'USE' THEN -change_amount ELSE change_amount END), 0) "
              "FROM balance_history h WHERE h.customer_id = b.customer_id)") == 0);
  CHECK(count("SELECT total_quantity - current_quantity FROM coupon WHERE id = 4001") ==
        count("SELECT COUNT(*) FROM customer_coupon WHERE coupon_id = 4001"));

  // A new shop recovers from it: memory equals the rows.
  actors::shop again{db.options()};
  auto mem = again.stock_in_memory(6001);
  REQUIRE(mem);
  CHECK(mem->reserved == count("SELECT reserved FROM stock WHERE product_option_id = 6001"));
  CHECK(again.coupon_in_memory(4001)->holders ==
        count("SELECT COUNT(*) FROM customer_coupon WHERE coupon_id = 4001"));
}
