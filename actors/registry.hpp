// A sharded, mutex-protected map id -> actor handle. Sends go through `send_locked` so that the
// owner can retire its entry atomically: once an entry is erased under its shard's lock, no new
// message can be sent to that actor through the registry.
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <unordered_map>

#include <caf/actor.hpp>
#include <caf/actor_addr.hpp>

#include "domain/ids.hpp"

namespace actorshop::actors {

struct registry_entry {
  caf::actor handle;
  std::uint64_t sent = 0; ///< messages sent through the registry (passivation compares it)
};

class registry {
public:
  static constexpr std::size_t shard_count = 64;

  /// Returns the actor registered for `id`, if any.
  std::optional<caf::actor> find(domain::id_t id) {
    auto& s = shard_of(id);
    std::lock_guard<std::mutex> lock(s.mutex);
    auto it = s.map.find(id);
    if (it == s.map.end())
      return std::nullopt;
    return it->second.handle;
  }

  /// Under the shard lock: finds (or, if `make` is given and nothing is registered, creates) the
  /// actor of `id` and calls `send(actor)`. Returns false if there is no actor.
  template <class Make, class Send> bool send_locked(domain::id_t id, Make&& make, Send&& send) {
    auto& s = shard_of(id);
    std::lock_guard<std::mutex> lock(s.mutex);
    auto it = s.map.find(id);
    if (it == s.map.end()) {
      std::optional<caf::actor> made = make();
      if (!made)
        return false;
      it = s.map.emplace(id, registry_entry{std::move(*made), 0}).first;
      ++size_;
    }
    ++it->second.sent;
    send(it->second.handle);
    return true;
  }

  /// Erases `id` if its entry still is `self` and all `received` messages were the ones sent.
  bool retire(domain::id_t id, const caf::actor_addr& self, std::uint64_t received) {
    auto& s = shard_of(id);
    std::lock_guard<std::mutex> lock(s.mutex);
    auto it = s.map.find(id);
    if (it == s.map.end() || it->second.handle.address() != self || it->second.sent != received)
      return false;
    s.map.erase(it);
    --size_;
    return true;
  }

  /// Erases `id` unconditionally.
  void erase(domain::id_t id) {
    auto& s = shard_of(id);
    std::lock_guard<std::mutex> lock(s.mutex);
    if (s.map.erase(id))
      --size_;
  }

  /// Registers `handle` for `id`; returns false (and changes nothing) if `id` is taken.
  bool insert(domain::id_t id, caf::actor handle) {
    auto& s = shard_of(id);
    std::lock_guard<std::mutex> lock(s.mutex);
    if (!s.map.emplace(id, registry_entry{std::move(handle), 0}).second)
      return false;
    ++size_;
    return true;
  }

  std::uint64_t size() const {
    return static_cast<std::uint64_t>(
        std::max<std::int64_t>(0, size_.load(std::memory_order_relaxed)));
  }

  /// Calls `f(actor)` for every registered actor.
  template <class F> void for_each(F&& f) {
    for (auto& s : shards_) {
      std::lock_guard<std::mutex> lock(s.mutex);
      for (auto& [id, e] : s.map)
        f(e.handle);
    }
  }

  /// Removes every entry (shutdown).
  void clear() {
    for (auto& s : shards_) {
      std::lock_guard<std::mutex> lock(s.mutex);
      s.map.clear();
    }
    size_ = 0;
  }

private:
  struct shard {
    std::mutex mutex;
    std::unordered_map<domain::id_t, registry_entry> map;
  };
  shard& shard_of(domain::id_t id) { return shards_[static_cast<std::uint64_t>(id) % shard_count]; }
  std::array<shard, shard_count> shards_;
  std::atomic<std::int64_t> size_{0};
};

} // namespace actorshop::actors
