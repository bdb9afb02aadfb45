// actorshop-bench: replays the seed's k6 profiles against the daemon or the actors in-process.
// main only parses flags and wires the pieces of actorshop_bench_core together.
#include "bench/harness/app.hpp"

int main(int argc, char** argv) { return actorshop::bench::run_app(argc, argv); }
