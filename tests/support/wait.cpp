// Implementation of the bounded wait for a state.
#include "support/wait.hpp"

#include <thread>

namespace actorshop::test {

bool wait_for_state(const std::function<bool()>& state, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (state())
      return true;
    // A bounded poll for the state, not a guess at how long the event takes.
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return state();
}

} // namespace actorshop::test
