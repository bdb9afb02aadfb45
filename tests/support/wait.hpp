// The one way a test waits: for a state, polled, with a generous bound so that a slow machine
// passes and a broken build fails instead of hanging. Never a sleep standing in for an event.
#pragma once

#include <chrono>
#include <functional>

namespace actorshop::test {

/// Returns whether `state` holds, polling it every 10 ms for at most `limit`.
bool wait_for_state(const std::function<bool()>& state,
                    std::chrono::milliseconds limit = std::chrono::seconds(30));

} // namespace actorshop::test
