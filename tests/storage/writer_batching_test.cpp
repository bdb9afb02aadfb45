// How the writer groups units into transactions: units queued behind a busy writer share one
// batch, and a lingering writer keeps a batch open for the producers it just answered.
#include <catch2/catch.hpp>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <fstream>
#include <functional>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "storage/writer.hpp"
#include "support/temp_dir.hpp"
#include "writer_support.hpp"

using namespace actorshop;
using namespace actorshop::storage;
using namespace actorshop::storage::testing;

TEST_CASE("units queued while the writer is busy are committed together in one batch",
          "[storage]") {
  actorshop::test::temp_dir dir;
  auto sync = GENERATE(sync_mode::full, sync_mode::normal, sync_mode::full_pipelined);
  writer w({.path = dir.file("shop.db"), .sync = sync});
  constexpr int queued = 100;
  outcomes out(queued);
  gate g;
  g.submit_to(w);
  for (int i = 0; i < queued; ++i)
    w.submit("row", insert_row(i + 1), out.slot(static_cast<std::size_t>(i)));
  auto batches_before = w.stats().batches;
  g.release();
  w.flush();
  CHECK(w.stats().batches - batches_before == 2); // the gate's batch, then the hundred together
  CHECK(w.stats().units_committed == queued + 1);
  CHECK(count_rows(dir.file("shop.db")) == queued);
}

// With a linger the writer runs units while it waits for more: closed-loop producers, some of
// whose units break a constraint mid-batch, still get exactly their own outcome.
TEST_CASE("a lingering writer runs arriving units in one batch and isolates a failing one",
          "[storage]") {
  actorshop::test::temp_dir dir;
  writer w({.path = dir.file("shop.db"), .linger_us = 5'000});
  constexpr int producers = 8;
  constexpr int per_producer = 200;
  std::atomic<int> ok{0};
  std::atomic<int> refused{0};
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int p = 0; p < producers; ++p)
    threads.emplace_back([&, p] {
      for (int i = 0; i < per_producer; ++i) {
        const std::int64_t id = p * per_producer + i + 1;
        const bool bad = i % 50 == 7;
        std::promise<domain::status> answer;
        w.submit(
            bad ? "bad" : "row",
            [id, bad](write_context& ctx) {
              insert_row(id)(ctx);
              if (bad) // rolled back with its unit, never the neighbours'
                ctx.prepare("INSERT INTO balance (customer_id, amount) VALUES (1, -1)").run();
              return domain::status::ok();
            },
            [&answer](domain::status s) { answer.set_value(s); });
        const domain::status s = answer.get_future().get();
        if (bad != !s)
          ++wrong;
        ++(s ? ok : refused);
      }
    });
  for (auto& t : threads)
    t.join();
  CHECK(wrong.load() == 0);
  CHECK(refused.load() == producers * (per_producer / 50));
  CHECK(count_rows(dir.file("shop.db")) == ok.load());
}

// The linger is far longer than the test, so nothing here depends on how fast the units arrive:
// the batch ends when as many units as the previous batch answered have run.
TEST_CASE("a lingering writer keeps its transaction open for as many units as it last answered",
          "[storage]") {
  actorshop::test::temp_dir dir;
  writer w({.path = dir.file("shop.db"), .linger_us = 600'000'000});
  constexpr int round = 8;
  gate g;
  g.submit_to(w);
  for (int i = 0; i < round; ++i)
    w.submit("row", insert_row(i + 1), [](domain::status) {});
  g.release();
  w.flush(); // the gate's batch, then the eight together: the writer answered eight
  auto batches_before = w.stats().batches;
  for (int i = 0; i < round; ++i)
    w.submit("row", insert_row(round + i + 1), [](domain::status) {});
  w.flush();
  CHECK(w.stats().batches - batches_before == 1);
  CHECK(count_rows(dir.file("shop.db")) == 2 * round);
}
