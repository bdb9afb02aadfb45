// The actor-level driver: the same scenarios through actorshop::actors::shop in-process, on a
// temporary seeded database unless one is given. Facade callbacks are posted back to the VU's
// io thread, so scenarios and recording work exactly as with HTTP.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "bench/harness/client.hpp"

namespace actorshop::actors {
class shop;
}

namespace actorshop::bench {

/// Returns the HTTP status the API maps domain error `code` (errc value) to.
int status_of_error(int errc_value);

/// Owns the in-process shop (and its temporary database) for the length of a run.
class actors_target {
public:
  /// Seeds `db_path` (idempotent; "" = a new temporary file), raises every stock row to at least
  /// `stock` available units and every balance to at least `balance` (0: leave them), and opens
  /// the shop on it.
  actors_target(const std::string& db_path, int actor_threads, std::int64_t stock = 0,
                std::int64_t balance = 0);
  ~actors_target(); ///< shuts the shop down and removes a temporary database
  actors_target(const actors_target&) = delete;
  actors_target& operator=(const actors_target&) = delete;

  const std::string& db_path() const { return path_; }
  client_factory factory();
  /// Stops the shop (flushes the writer) so the database can be audited.
  void shutdown();

private:
  std::string path_;
  std::string temp_dir_;
  std::unique_ptr<actors::shop> shop_;
};

} // namespace actorshop::bench
