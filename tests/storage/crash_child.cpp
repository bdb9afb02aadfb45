// Helper of crash_test.cpp: submits outbox inserts as fast as the writer takes them and prints the
// id of each unit only after its done_fn reported success, until it is killed.
// Usage: storage_crash_child DB FIRST_ID [full|full_pipelined]
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <thread>

#include "storage/sqlite.hpp"
#include "storage/writer.hpp"

using namespace actorshop;

int main(int argc, char** argv) {
  if (argc != 3 && argc != 4) {
    std::fprintf(stderr, "usage: %s DB FIRST_ID [full|full_pipelined]\n", argv[0]);
    return 2;
  }
  storage::configure_process();
  bool pipelined = argc == 4 && std::string_view(argv[3]) == "full_pipelined";
  storage::writer w(
      {.path = argv[1],
       .sync = pipelined ? storage::sync_mode::full_pipelined : storage::sync_mode::full});
  std::atomic<int> in_flight{0};
  for (std::int64_t id = std::atoll(argv[2]);; ++id) {
    while (in_flight.load() >= 2048) // load pacing, not a wait for an event
      std::this_thread::sleep_for(std::chrono::microseconds(100));
    in_flight.fetch_add(1);
    w.submit(
        "row",
        [id](storage::write_context& ctx) {
          ctx.prepare("INSERT INTO outbox (id, event_type, aggregate_id, payload, created_at) "
                      "VALUES (?, 'crash', ?, '{}', 'now')")
              .bind(1, id)
              .bind(2, id)
              .run();
          return domain::status::ok();
        },
        [id, &in_flight](domain::status s) {
          // Buffered: an id reaches the pipe only after its commit, which is all the test needs.
          if (s)
            std::printf("%lld\n", static_cast<long long>(id));
          in_flight.fetch_sub(1);
        });
  }
}
