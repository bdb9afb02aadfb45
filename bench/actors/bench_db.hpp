// actor_bench's settings and its fresh, seeded, temporary database per run.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "actors/shop.hpp"

namespace actorshop::bench {

struct settings {
  int runs = 3;
  int threads = 2;
  std::string dir = "/var/tmp";
  long decisions = 2'000'000;
  long issuances = 200'000;
  int clients = 100;
  double seconds = 5.0;
  std::string sync = "full";
  std::string only; // empty: every scenario
};

/// A fresh seeded database with `extra` synthetic customers; removed on destruction.
struct bench_db {
  std::filesystem::path dir;
  std::string path;
  bench_db(const settings& s, std::int64_t extra);
  ~bench_db();
  bench_db(const bench_db&) = delete;
  bench_db& operator=(const bench_db&) = delete;
  /// Returns the shop's options for this database and the run's threads and sync mode.
  actors::shop_options options(const settings& s) const;
};

} // namespace actorshop::bench
