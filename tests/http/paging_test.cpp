// GET /balances/{id}/balance-histories over the daemon: pages newest first, the next page's
// cursor in X-Next-Cursor and Link, the original body shape, 400 {code, message} for bad paging.
#include <catch2/catch.hpp>

#include "support/daemon_process.hpp"
#include "support/http_client.hpp"
#include "support/temp_dir.hpp"

using namespace actorshop::test;

TEST_CASE("a balance history is read page by page over HTTP, following its cursor",
          "[http][e2e][paging]") {
  temp_dir dir;
  daemon_process d(seeded_args(dir.path, dir.file("shop.db")));
  client c(d.port());
  for (int amount = 1; amount <= 5; ++amount)
    REQUIRE(c.request("PATCH", "/balances/charge",
                      R"({"customerId":1001,"amount":)" + std::to_string(amount) + "}")
                .status == 200);
  std::vector<std::string> bodies;
  std::string target = "/balances/1001/balance-histories?limit=2";
  for (int pages = 0; pages < 10; ++pages) { // bound: 3 pages expected
    auto r = c.get(target);
    REQUIRE(r.status == 200);
    bodies.push_back(r.body);
    const auto next = r.header("x-next-cursor");
    if (next.empty()) {
      CHECK(r.header("link").empty());
      break;
    }
    CHECK(r.header("link") ==
          "</balances/1001/balance-histories?limit=2&before=" + next + ">; rel=\"next\"");
    target = "/balances/1001/balance-histories?limit=2&before=" + next;
  }
  REQUIRE(bodies.size() == 3);
  CHECK(bodies[0].rfind(R"([{"changeType":"CHARGE","changeAmount":5,"totalAmount":50000015,)", 0) ==
        0);
  CHECK(bodies[1].rfind(R"([{"changeType":"CHARGE","changeAmount":3,)", 0) == 0);
  CHECK(bodies[2].rfind(R"([{"changeType":"CHARGE","changeAmount":1,"totalAmount":50000001,)", 0) ==
        0);
  CHECK(bodies[2].find("},{") == std::string::npos); // one entry on the last page
  auto bad = c.get("/balances/1001/balance-histories?limit=501");
  CHECK(bad.status == 400);
  CHECK(bad.body ==
        R"({"code":"INVALID_REQUEST","message":"limit must be an integer from 1 to 500"})");
  CHECK(c.get("/balances/1002/balance-histories?before=1").status == 400);
  CHECK(d.terminate() == 0);
}
