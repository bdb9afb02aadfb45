// Batching per peer (actors/cluster/outbox.hpp, wire.hpp): the elements queued while a flush is
// pending leave together, the first of a batch is the one that asks for the flush, a call alone
// in flight to its peer is told so (it leaves at once), a link's loss fails every call of a
// queued batch, and a batch round-trips through CAF's binary serializer and a CAF message.
#include <catch2/catch.hpp>

#include <memory>
#include <optional>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>
#include <caf/message.hpp>

#include "actors/cluster/outbox.hpp"
#include "actors/cluster/requester.hpp"
#include "actors/cluster/wire.hpp"

namespace {

using namespace actorshop::actors::cluster;
using actorshop::domain::errc;

class failing_call final : public pending_call {
public:
  explicit failing_call(std::optional<errc>& e) : e_(e) {}
  void answer(const std::type_info&, const void*) override {}
  void fail(errc e) override { e_ = e; }

private:
  std::optional<errc>& e_;
};

const auto deadline = call_table::clock::now() + std::chrono::hours(1);

/// A batch with one request of several kinds, strings and nested vectors included.
wire_batch sample_batch() {
  wire_batch b;
  b.calls.emplace_back(wire_charge{1001, 250, 7});
  b.calls.emplace_back(wire_balance_query{1002, 8});
  b.calls.emplace_back(wire_step{"o42-s1", 2, 4001, 1003, 1, "", 1'700'000'000'000, 9});
  b.calls.emplace_back(wire_create_order{1004, {{1, 11, 2}, {2, 21, 1}}, 10});
  b.calls.emplace_back(wire_stock_query{11});
  return b;
}

wire_reply_batch sample_replies() {
  wire_reply_batch r;
  r.replies.emplace_back(wire_balance{0, 1001, 750, 7});
  r.replies.emplace_back(wire_history{0, {{1, 250, 750, 1'700'000'000'000}}, 55, 8});
  r.replies.emplace_back(wire_issued{3, 0, 0, 0, 9});
  return r;
}

/// What CAF's binary serializer writes for `xs`: equal bytes, equal values (the wire types have
/// no operator==).
template <class... Ts> std::vector<char> bytes_of(Ts... xs) {
  std::vector<char> buf;
  caf::binary_serializer sink{nullptr, buf};
  REQUIRE_FALSE(sink(xs...));
  return buf;
}

/// The call ids of a batch's elements, in order.
template <class Variants> std::vector<std::uint64_t> ids_of(const Variants& xs) {
  std::vector<std::uint64_t> out;
  for (const auto& x : xs)
    out.push_back(caf::visit([](const auto& e) { return e.call; }, x));
  return out;
}

} // namespace

TEST_CASE("elements queued while a flush is pending leave together, and only the first asks") {
  outbox<wire_request> out;
  CHECK(out.empty());
  CHECK(out.push(wire_charge{1001, 10, 1}));          // empty before: ask for a flush
  CHECK_FALSE(out.push(wire_balance_query{1002, 2})); // a flush is pending: just wait
  CHECK_FALSE(out.push(wire_charge{1003, 10, 3}));
  const auto batch = out.take(); // the flush
  CHECK(ids_of(batch) == std::vector<std::uint64_t>{1, 2, 3});
  CHECK(out.empty());
  CHECK(out.take().empty());                 // a second flush request finds nothing to send
  CHECK(out.push(wire_charge{1004, 10, 4})); // the next batch asks again
}

TEST_CASE("a call is alone while no other call to its peer is pending") {
  call_table t;
  std::optional<errc> a, b, c;
  const auto first = t.add(1, 1, deadline, std::make_unique<failing_call>(a));
  CHECK(first.alone);
  CHECK_FALSE(t.add(1, 1, deadline, std::make_unique<failing_call>(b)).alone);
  CHECK(t.add(2, 1, deadline, std::make_unique<failing_call>(c)).alone); // another peer
  t.take(first.id);
  std::optional<errc> d;
  CHECK_FALSE(t.add(1, 1, deadline, std::make_unique<failing_call>(d)).alone); // b still pending
  for (auto& x : t.take_link(1, 1))
    x->fail(errc::shard_unavailable);
  std::optional<errc> e;
  CHECK(t.add(1, 2, deadline, std::make_unique<failing_call>(e)).alone); // the link took them
  for (auto& x : t.take_all())
    x->fail(errc::shard_unavailable);
}

TEST_CASE("a link lost with a batch queued fails every call of it, once") {
  call_table t;
  outbox<wire_request> out;
  std::vector<std::optional<errc>> endings(4);
  for (std::size_t i = 0; i < endings.size(); ++i) {
    const auto call = t.add(1, 1, deadline, std::make_unique<failing_call>(endings[i]));
    out.push(wire_charge{1001, 10, call.id});
  }
  // What node.cpp's link_down does under the peer's lock: drop the queue, fail its calls.
  out.take();
  for (auto& c : t.take_link(1, 1))
    c->fail(errc::shard_unavailable);
  for (const auto& e : endings)
    CHECK(e == errc::shard_unavailable);
  CHECK(out.empty());
  CHECK(t.take_all().empty());
}

TEST_CASE("a wire_batch and a wire_reply_batch round-trip through CAF's binary serializer") {
  const auto buf = bytes_of(sample_batch(), sample_replies());
  wire_batch batch;
  wire_reply_batch replies;
  caf::binary_deserializer source{nullptr, buf};
  REQUIRE_FALSE(source(batch, replies));
  CHECK(bytes_of(batch) == bytes_of(sample_batch()));
  CHECK(bytes_of(replies) == bytes_of(sample_replies()));
  CHECK(ids_of(batch.calls) == std::vector<std::uint64_t>{7, 8, 9, 10, 11});
  const auto* step = caf::get_if<wire_step>(&batch.calls[2]);
  REQUIRE(step);
  CHECK(step->id == "o42-s1");
  const auto* order = caf::get_if<wire_create_order>(&batch.calls[3]);
  REQUIRE(order);
  REQUIRE(order->lines.size() == 2);
  CHECK(order->lines[1].option_id == 21);
  const auto* history = caf::get_if<wire_history>(&replies.replies[1]);
  REQUIRE(history);
  REQUIRE(history->entries.size() == 1);
  CHECK(history->entries[0].total_amount == 750);
}

TEST_CASE("a batch crosses as a CAF message of its registered type, as BASP sends it") {
  caf::actor_system_config cfg;
  register_wire_types(cfg);
  caf::actor_system sys{cfg};
  auto msg = caf::make_message(sample_batch());
  std::vector<char> buf;
  {
    caf::binary_serializer sink{sys, buf};
    REQUIRE_FALSE(msg.save(sink));
  }
  caf::message back;
  caf::binary_deserializer source{sys, buf};
  REQUIRE_FALSE(back.load(source));
  REQUIRE(back.match_elements<wire_batch>());
  CHECK(bytes_of(back.get_as<wire_batch>(0)) == bytes_of(sample_batch()));
}
