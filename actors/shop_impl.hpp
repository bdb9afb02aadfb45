// shop::impl: what one shop owns (the writer, the actor system, the outbox dispatcher, the order
// expiry timer) around the context its actors share. Private to the shop_*.cpp files.
#pragma once

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>

#include <atomic>
#include <memory>

#include "actors/context.hpp"
#include "actors/order_expiry.hpp"
#include "actors/shop.hpp"
#include "storage/outbox_dispatcher.hpp"
#include "storage/reader.hpp"

namespace actorshop::actors {

struct shop::impl {
  std::shared_ptr<domain::clock> clock;
  context ctx;
  std::unique_ptr<storage::writer> writer;
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> system;
  std::unique_ptr<storage::outbox_dispatcher> events;
  std::unique_ptr<order_expiry_timer> expiries;
  std::shared_ptr<void> clock_jumps; ///< our on_jump listener while it lives
  std::atomic<bool> accepting{false};
  std::atomic<bool> stopped{false};
  recovery_summary recovered;
  std::atomic<std::uint64_t> saga_recovery_skipped{0}; ///< shop_stats::saga_recovery_skipped

  impl(shop_options o, std::shared_ptr<domain::clock> c);
  void start_writer();
  void start_actor_system();
  void on_clock_jump();
  template <class T> answer_once<T> make_answer(callback<T> cb) {
    answer_once<T> a(std::move(cb), ctx.inflight);
    if (storage::telemetry::enabled())
      a.stamp(); // the command is sent right after: its mailbox time starts here
    return a;
  }
  void stop();
  /// Cluster recovery: warns about, counts and closes a "paying" saga log row whose order is no
  /// longer open (see shop.cpp for why that is safe).
  void skip_stale_paying_log(const storage::saga_record& r);
  /// The next id of `counter`; in cluster mode the next one whose (kind, id) this node owns, so
  /// that ids allocated on different nodes never collide and route back here.
  domain::id_t next_owned_id(std::atomic<domain::id_t>& counter,
                             domain::entity_kind kind = domain::entity_kind::order) {
    domain::id_t id = ++counter;
    if (ctx.clustered())
      while (!ctx.options.owns(kind, id))
        id = ++counter;
    return id;
  }
};

} // namespace actorshop::actors
