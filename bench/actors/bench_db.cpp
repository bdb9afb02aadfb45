// actor_bench's temporary databases (see bench_db.hpp).
#include "bench/actors/bench_db.hpp"

#include <sqlite3.h>
#include <stdlib.h>

#include "storage/schema.hpp"
#include "storage/seed.hpp"
#include "storage/sqlite.hpp"

namespace actorshop::bench {

namespace {

storage::sync_mode parse_sync(const std::string& s) {
  if (s == "normal")
    return storage::sync_mode::normal;
  if (s == "full_pipelined")
    return storage::sync_mode::full_pipelined;
  return storage::sync_mode::full;
}

} // namespace

bench_db::bench_db(const settings& s, std::int64_t extra) {
  std::string tmpl = s.dir + "/actor_bench_XXXXXX";
  dir = mkdtemp(tmpl.data());
  path = (dir / "bench.db").string();
  storage::connection db{path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE};
  storage::migrate(db);
  storage::seed(db, domain::now_ms() - 1000);
  if (extra > 0)
    storage::seed_customers(db, 1'000'000, extra);
}

bench_db::~bench_db() { std::filesystem::remove_all(dir); }

actors::shop_options bench_db::options(const settings& s) const {
  actors::shop_options o;
  o.db_path = path;
  o.actor_threads = s.threads;
  o.sync = parse_sync(s.sync);
  return o;
}

} // namespace actorshop::bench
