// tsan_canary: proves that the TSan build still catches races between actors, and between an
// actor and a thread, although actor_telemetry.hpp tells TSan about CAF's hand-offs and
// config/sanitizers/tsan.supp is in force. Each scenario runs one small actor program:
//   actor_vs_thread  a thread reads an actor's state while the actor writes it (no message between)
//   actor_vs_actor   two actors write one shared counter, each told to by its own message
//   message_chain    the same writes ordered by messages (A writes, then tells B): no report
//                    (scheduled actors: a detached one's private thread is freed inside
//                    libcaf_core, which TSan reports, and our code cannot annotate)
// check.sh runs each one and checks that TSan reports the first two and not the third.
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <string_view>
#include <thread>

#include <caf/all.hpp>

#include "actors/actor_telemetry.hpp"

namespace {

using namespace actorshop::actors;
using bump_atom = caf::atom_constant<caf::atom("bump")>;

int shared_counter = 0; // written by actors without synchronisation in the racy scenarios

struct canary_state {
  int value = 0;
  static inline const char* name = "canary";
  static constexpr actor_kind kind = actor_kind::stock;
};
using canary_actor = instrumented_actor<canary_state>;

std::atomic<int*> published_value{nullptr}; // relaxed: publishes the address, orders nothing
std::atomic<int> bumps{0};                  // relaxed: a progress signal, orders nothing

// Wakes main() through a mutex, i.e. with a happens-before edge TSan sees.
struct done_signal {
  std::mutex m;
  std::condition_variable cv;
  bool done = false;
  void set() {
    std::lock_guard lock{m};
    done = true;
    cv.notify_one();
  }
  void wait() {
    std::unique_lock lock{m};
    cv.wait(lock, [&] { return done; });
  }
};

caf::behavior value_owner(canary_actor* self) {
  published_value.store(&self->state.value, std::memory_order_relaxed);
  return {[=](bump_atom) {
    ++self->state.value;
    bumps.fetch_add(1, std::memory_order_relaxed);
  }};
}

caf::behavior counter_bumper(canary_actor*) {
  return {[](bump_atom) {
    ++shared_counter;
    bumps.fetch_add(1, std::memory_order_relaxed);
  }};
}

// Bumps the shared counter, then passes the turn to `next` (or signals main() at the end).
caf::behavior chain_link(canary_actor*, caf::actor next, done_signal* done) {
  return {[=](bump_atom) {
    ++shared_counter;
    if (next)
      caf::anon_send(next, bump_atom::value);
    else
      done->set();
  }};
}

void wait_for_bumps(int n) {
  while (bumps.load(std::memory_order_relaxed) < n)
    std::this_thread::yield();
}

int read_actor_state_unsynchronised(caf::actor_system& sys) {
  auto owner = sys.spawn(value_owner);
  caf::anon_send(owner, bump_atom::value);
  wait_for_bumps(1);
  int* value = published_value.load(std::memory_order_relaxed);
  return *value; // races with the handler's ++value
}

int bump_from_two_actors(caf::actor_system& sys) {
  // Detached: each runs on its own thread, so no shared worker orders the two writes.
  auto a = sys.spawn<caf::detached>(counter_bumper);
  auto b = sys.spawn<caf::detached>(counter_bumper);
  caf::anon_send(a, bump_atom::value);
  caf::anon_send(b, bump_atom::value);
  wait_for_bumps(2);
  return 0;
}

int bump_along_a_message_chain(caf::actor_system& sys) {
  done_signal done;
  auto last = sys.spawn(chain_link, caf::actor{}, &done);
  auto first = sys.spawn(chain_link, last, &done);
  caf::anon_send(first, bump_atom::value);
  done.wait();
  return shared_counter == 2 ? 0 : 1;
}

} // namespace

int main(int argc, char** argv) {
  const std::string_view scenario = argc > 1 ? argv[1] : "";
  caf::actor_system_config cfg;
  cfg.set("scheduler.max-threads", 2);
  cfg.set("scheduler.policy", caf::atom("sharing")); // as the shop runs it (shop_impl.cpp)
  cfg.set("logger.verbosity", caf::atom("quiet"));
  caf::actor_system sys{cfg};
  if (scenario == "actor_vs_thread")
    return read_actor_state_unsynchronised(sys) == 1 ? 0 : 1;
  if (scenario == "actor_vs_actor")
    return bump_from_two_actors(sys);
  if (scenario == "message_chain")
    return bump_along_a_message_chain(sys);
  std::fprintf(stderr, "usage: tsan_canary actor_vs_thread|actor_vs_actor|message_chain\n");
  return 2;
}
