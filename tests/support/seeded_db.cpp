// Implementation of seeded_database.
#include "support/seeded_db.hpp"

#include <sqlite3.h>

#include "storage/schema.hpp"
#include "storage/seed.hpp"
#include "storage/sqlite.hpp"

namespace actorshop::test {

std::string seeded_database(const temp_dir& dir, const std::string& name, domain::timestamp now) {
  const auto path = dir.file(name);
  storage::connection db{path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE};
  storage::migrate(db);
  storage::seed(db, now);
  return path;
}

} // namespace actorshop::test
