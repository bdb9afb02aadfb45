// The database schema as a list of versioned migrations (PRAGMA user_version), and the pragmas
// every write connection runs with.
#pragma once

#include <string>

#include "storage/sqlite.hpp"

namespace actorshop::storage {

/// The schema version this build migrates to.
int latest_schema_version();

/// Puts the database in WAL mode and applies every migration above its user_version, each in its
/// own IMMEDIATE transaction. Re-opening a migrated database changes nothing. Returns the version.
/// Throws error (e.g. a database newer than this build, a read-only file, a lock held too long).
int migrate(connection& db);

/// Returns why the file at `path` must not be migrated, or an empty string: a SQLite database with
/// tables but no actorshop schema (user_version 0) belongs to another application, and migrating
/// it would add our tables, switch it to WAL and stamp a version on it. A missing or empty file is
/// fine (it is created). Opens read-only: the file is not changed. Throws error if unreadable.
std::string foreign_database_reason(const std::string& path);

/// As migrate(), but stops at version `target` (tests of a later migration build older files).
int migrate(connection& db, int target);

} // namespace actorshop::storage
