// The database is opened read-only by both commands: they are meant to run next to a serving
// daemon and must never migrate or write its file.
#include "daemon/commands.hpp"

#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <exception>
#include <stdexcept>
#include <string>
#include <vector>

#include "daemon/auth_secret.hpp"
#include "daemon/cluster_file.hpp"
#include "http/auth/customer_token.hpp"
#include "storage/audit.hpp"
#include "storage/backup.hpp"
#include "storage/cluster_audit.hpp"
#include "storage/schema.hpp"
#include "storage/sqlite.hpp"

namespace actorshop::daemon {
namespace {

/// Progress for copies above ~32 MB (8,192 pages of 4 KiB), at every tenth of the copy: small
/// copies take well under a second and would only add noise.
std::function<void(int, int)> progress_printer() {
  return [last = -1](int remaining, int total) mutable {
    if (total < 8192)
      return;
    const int tenth = (total - remaining) * 10 / total;
    if (tenth == last)
      return;
    last = tenth;
    std::fprintf(stderr, "backup: %d%% (%d of %d pages)\n", tenth * 10, total - remaining, total);
  };
}

/// Throws unless `db` is at this build's schema version: the invariants are written against it,
/// and check opens read-only, so it cannot migrate an older file.
void require_current_schema(storage::connection& db) {
  const auto version = db.query_int64("PRAGMA user_version");
  const auto latest = storage::latest_schema_version();
  if (version > latest)
    throw std::runtime_error(db.path() + ": schema version " + std::to_string(version) +
                             " is newer than this build's " + std::to_string(latest));
  if (version < latest)
    throw std::runtime_error(db.path() + ": schema version " + std::to_string(version) +
                             " is older than this build's " + std::to_string(latest) +
                             ": start the daemon on it once to migrate it (check never writes)");
}

} // namespace

int run_backup(const invocation& inv) {
  const auto started = std::chrono::steady_clock::now();
  try {
    storage::backup_options o{inv.s.shop.db_path, inv.backup_to, inv.backup_pages_per_step,
                              progress_printer()};
    const auto r = storage::backup(o);
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
    std::printf("backup: %s -> %s: %d pages, %lld bytes, schema %lld, %d steps, %.2f s, "
                "integrity_check ok\n",
                o.from.c_str(), o.to.c_str(), r.pages, static_cast<long long>(r.bytes),
                static_cast<long long>(r.user_version), r.steps, took.count());
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "backup failed: %s\n", e.what());
    return 1;
  }
}

int run_check(const invocation& inv) {
  const auto& path = inv.s.shop.db_path;
  try {
    storage::connection db(path, SQLITE_OPEN_READONLY);
    db.busy_timeout(5000);
    require_current_schema(db);
    const auto problems = storage::integrity_problems(db);
    for (const auto& p : problems)
      std::printf("integrity_check: %s\n", p.c_str());
    const auto violations = storage::audit_invariants(db);
    for (const auto& v : violations)
      std::printf("%s: %s\n", v.invariant.c_str(), v.detail.c_str());
    if (!problems.empty() || !violations.empty()) {
      std::fprintf(stderr, "check: %s FAILED: %zu integrity problems, %zu invariant violations\n",
                   path.c_str(), problems.size(), violations.size());
      return 1;
    }
    std::printf("check: %s ok: integrity_check ok, %zu invariants hold (schema %lld)\n",
                path.c_str(), storage::invariant_names().size(),
                static_cast<long long>(db.query_int64("PRAGMA user_version")));
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "check failed: %s\n", e.what());
    return 1;
  }
}

int run_audit(const invocation& inv) {
  try {
    const auto cluster = load_cluster_file(inv.audit_cluster_file);
    const auto& nodes = cluster.map.nodes();
    if (inv.audit_dbs.size() != nodes.size())
      throw std::runtime_error(inv.audit_cluster_file + " names " + std::to_string(nodes.size()) +
                               " nodes but --db gives " + std::to_string(inv.audit_dbs.size()) +
                               " files (one per node, in [[nodes]] order)");
    std::vector<storage::node_database> dbs;
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      storage::connection db(inv.audit_dbs[i], SQLITE_OPEN_READONLY);
      require_current_schema(db);
      dbs.push_back({nodes[i].name, inv.audit_dbs[i]});
    }
    storage::cluster_audit_options o;
    o.map = &cluster.map;
    o.stock_initial = inv.audit_stock_initial;
    const auto r = storage::audit_cluster(dbs, o);
    for (const auto& p : r.integrity)
      std::printf("integrity_check: %s\n", p.c_str());
    for (const auto& v : r.violations)
      std::printf("%s: %s\n", v.invariant.c_str(), v.detail.c_str());
    if (!r.ok()) {
      std::fprintf(stderr, "audit: %zu nodes FAILED: %zu integrity problems, %zu violations\n",
                   dbs.size(), r.integrity.size(), r.violations.size());
      return 1;
    }
    std::printf("audit: %zu nodes ok: integrity_check ok, %zu invariants hold across them\n",
                dbs.size(), storage::cluster_invariant_names().size());
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "audit failed: %s\n", e.what());
    return 1;
  }
}

int run_token(const invocation& inv) {
  try {
    const auto signer = load_token_signer(inv.s.auth);
    if (auto warning = secret_file_warning(inv.s.auth); !warning.empty())
      std::fprintf(stderr, "warning: %s\n", warning.c_str());
    const domain::system_clock clock;
    const auto expires_at = auth::unix_seconds(clock) + inv.token_ttl.count();
    std::printf("%s\n", signer->mint(inv.token_customer, expires_at).c_str());
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "token failed: %s\n", e.what());
    return 1;
  }
}

} // namespace actorshop::daemon
