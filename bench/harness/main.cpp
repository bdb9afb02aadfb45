// actorshop-bench: replays the seed's k6 profiles against the daemon or the actors in-process.
// main only parses flags and wires the pieces of actorshop_bench_core together.
#include "bench/harness/app.hpp"
#ifdef ACTORSHOP_BENCH_WITH_ACTORS
#include "storage/sqlite.hpp"
#endif

int main(int argc, char** argv) {
#ifdef ACTORSHOP_BENCH_WITH_ACTORS
  // Process-wide SQLite settings only take before the first SQLite call (--target actors seeds).
  actorshop::storage::configure_process();
#endif
  return actorshop::bench::run_app(argc, argv);
}
