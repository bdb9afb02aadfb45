// A migrated, seeded SQLite file (storage/seed.hpp) in a temp dir: the data every layer tests on.
#pragma once

#include <string>

#include "domain/time.hpp"
#include "support/temp_dir.hpp"

namespace actorshop::test {

/// Creates `name` in `dir`, migrated and seeded as of `now`; returns its path.
std::string seeded_database(const temp_dir& dir, const std::string& name = "shop.db",
                            domain::timestamp now = domain::now_ms() - 1000);

} // namespace actorshop::test
