// sim_tests' main: `sim_tests --seed N [--steps M]` (or ACTORSHOP_SIM_SEED=N) replays one seed
// and prints its report; anything else goes to Catch.
#include "tests/catch_impl.hpp"

#include <cstdlib>
#include <cstring>
#include <iostream>
#include <optional>
#include <vector>

#include "sim_run.hpp"

namespace {

int replay(std::uint64_t seed, std::uint64_t steps) {
  actorshop::sim::sim_db db;
  actorshop::sim::sim_totals totals;
  try {
    totals.add(actorshop::sim::run_seed(db.path(), {seed, steps}));
  } catch (const actorshop::sim::sim_failure&) {
    return 1;
  }
  std::cout << totals.summary("seed " + std::to_string(seed)) << std::endl;
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  std::optional<std::uint64_t> seed;
  std::uint64_t steps = actorshop::sim::sim_options{}.steps;
  if (const char* s = std::getenv("ACTORSHOP_SIM_SEED"); s && *s)
    seed = std::strtoull(s, nullptr, 10);
  std::vector<char*> rest{argv[0]};
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--seed") == 0 && i + 1 < argc)
      seed = std::strtoull(argv[++i], nullptr, 10);
    else if (std::strcmp(argv[i], "--steps") == 0 && i + 1 < argc)
      steps = std::strtoull(argv[++i], nullptr, 10);
    else
      rest.push_back(argv[i]);
  }
  if (seed)
    return replay(*seed, steps);
  return actorshop::tests::run_catch(static_cast<int>(rest.size()), rest.data());
}
