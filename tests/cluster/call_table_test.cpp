// The requester's call table (actors/cluster/requester.hpp): every call ends exactly once, with
// its reply, its link's loss, its deadline or the node's stop, whichever comes first.
#include <catch2/catch.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <vector>

#include "actors/cluster/requester.hpp"

namespace {

using actorshop::actors::cluster::call_table;
using actorshop::actors::cluster::pending_call;
using actorshop::domain::errc;

/// Records how a call ended.
struct ending {
  std::optional<int> reply;
  std::optional<errc> error;
  int endings = 0;
};

class recording_call final : public pending_call {
public:
  explicit recording_call(ending& e) : e_(e) {}
  void answer(const std::type_info& type, const void* reply) override {
    ++e_.endings;
    if (type == typeid(int))
      e_.reply = *static_cast<const int*>(reply);
  }
  void fail(errc e) override {
    ++e_.endings;
    e_.error = e;
  }

private:
  ending& e_;
};

const auto t0 = call_table::clock::time_point{} + std::chrono::hours(1);
const auto later = t0 + std::chrono::seconds(5);

void end_all(std::vector<std::unique_ptr<pending_call>> calls, errc e) {
  for (auto& c : calls)
    c->fail(e);
}

} // namespace

TEST_CASE("a call's reply reaches it once, and a second reply with its id finds nothing") {
  call_table t;
  ending e;
  const auto id = t.add(1, 1, later, std::make_unique<recording_call>(e)).id;
  auto c = t.take(id);
  REQUIRE(c);
  const int reply = 42;
  c->answer(typeid(int), &reply);
  CHECK_FALSE(t.take(id));
  end_all(t.take_all(), errc::shard_unavailable);
  CHECK(e.reply == 42);
  CHECK(e.endings == 1);
}

TEST_CASE("a dropped link fails its own calls only, not those of the peer's next link") {
  call_table t;
  ending old_link, new_link, other_peer;
  const auto lost = t.add(1, 1, later, std::make_unique<recording_call>(old_link)).id;
  t.add(1, 2, later, std::make_unique<recording_call>(new_link));
  t.add(2, 1, later, std::make_unique<recording_call>(other_peer));
  end_all(t.take_link(1, 1), errc::shard_unavailable);
  CHECK(old_link.error == errc::shard_unavailable);
  CHECK(new_link.endings == 0);
  CHECK(other_peer.endings == 0);
  CHECK_FALSE(t.take(lost)); // its late reply is dropped
}

TEST_CASE("the sweep fails the calls past their deadline and stops once none is pending") {
  call_table t;
  ending soon, late;
  CHECK(t.add(1, 1, t0, std::make_unique<recording_call>(soon)).start_sweep);
  CHECK_FALSE(t.add(1, 1, later, std::make_unique<recording_call>(late)).start_sweep);
  bool again = false;
  end_all(t.take_expired(t0, again), errc::timeout);
  CHECK(soon.error == errc::timeout);
  CHECK(late.endings == 0);
  CHECK(again);
  end_all(t.take_expired(later, again), errc::timeout);
  CHECK(late.error == errc::timeout);
  CHECK_FALSE(again);
  ending next;
  CHECK(t.add(1, 1, later, std::make_unique<recording_call>(next)).start_sweep);
  end_all(t.take_all(), errc::shard_unavailable);
  CHECK(next.error == errc::shard_unavailable);
}
