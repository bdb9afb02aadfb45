// Start-up order: logging, limits, seed, shop (opens, migrates, recovers), then listen.
#include "daemon/serve.hpp"

#include <signal.h>
#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <stdexcept>

#include <spdlog/spdlog.h>

#include "actors/cluster/node.hpp"
#include "actors/shop.hpp"
#include "daemon/auth_secret.hpp"
#include "daemon/build_info.hpp"
#include "daemon/cluster_file.hpp"
#include "daemon/open_files.hpp"
#include "daemon/reload.hpp"
#include "daemon/signals.hpp"
#include "daemon/startup_log.hpp"
#include "daemon/systemd_notify.hpp"
#include "domain/time.hpp"
#include "http/server.hpp"
#include "storage/logging.hpp"
#include "storage/schema.hpp"
#include "storage/seed.hpp"
#include "storage/sqlite.hpp"
#include "storage/telemetry.hpp"

namespace actorshop::daemon {
namespace {

void seed_database(const std::string& path, const storage::ownership& owns) {
  storage::connection db(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  storage::migrate(db);
  storage::seed(db, domain::now_ms(), owns);
}

/// Cluster mode (scale-out preview): the validated cluster file and this node's place in it.
struct cluster_membership {
  std::shared_ptr<const domain::static_shard_map> map;
  std::size_t self = 0;
  std::chrono::milliseconds heartbeat_interval{0};
  std::chrono::milliseconds connection_timeout{0};
  std::chrono::milliseconds step_deadline{0}; ///< the saga's, the same on every node
};

/// Reads --cluster-file and finds --node in it; nothing without a cluster file (one node, as
/// before). Throws (exit 1, one line) on an invalid file or an unknown node.
std::optional<cluster_membership> load_membership(const settings& s) {
  if (s.cluster_file.empty())
    return std::nullopt;
  auto file = load_cluster_file(s.cluster_file);
  auto map = std::make_shared<const domain::static_shard_map>(std::move(file.map));
  auto self = map->find_node(s.node_name);
  if (!self)
    throw std::runtime_error(s.cluster_file + ": --node '" + s.node_name +
                             "' is not one of its [[nodes]]");
  const auto& me = map->nodes()[*self];
  if (s.server.port != me.http_port)
    throw std::runtime_error(s.cluster_file + ": node '" + s.node_name + "' listens on http_port " +
                             std::to_string(me.http_port) + ", not on --port " +
                             std::to_string(s.server.port) + ": peers and clients use the file's");
  spdlog::info("cluster: node '{}' of {} nodes, cluster file version {}, {} shards", s.node_name,
               map->nodes().size(), map->version(), map->shard_count());
  return cluster_membership{std::move(map), *self,
                            std::chrono::milliseconds(file.spec.heartbeat_interval_ms),
                            std::chrono::milliseconds(file.spec.connection_timeout_ms),
                            std::chrono::milliseconds(file.spec.step_deadline_ms)};
}

storage::ownership ownership_of(const std::optional<cluster_membership>& c) {
  if (!c)
    return {};
  return [map = c->map, self = c->self](domain::entity_kind kind, domain::id_t id) {
    return map->owner_of(kind, id) == self;
  };
}

std::unique_ptr<actors::cluster::node> join_cluster(const std::optional<cluster_membership>& c,
                                                    actors::shop& shop) {
  if (!c)
    return nullptr;
  actors::cluster::node_options o;
  o.map = c->map;
  o.self = c->self;
  o.heartbeat_interval = c->heartbeat_interval;
  o.connection_timeout = c->connection_timeout;
  o.step_deadline = c->step_deadline;
  return std::make_unique<actors::cluster::node>(shop, std::move(o));
}

/// Throws (exit 1, one line) if --db is another application's database, unless adopted.
void refuse_foreign_database(const settings& s) {
  if (s.adopt_database)
    return;
  if (auto why = storage::foreign_database_reason(s.shop.db_path); !why.empty())
    throw std::runtime_error("refusing to migrate " + why);
}

const char* sync_name(storage::sync_mode m) {
  switch (m) {
  case storage::sync_mode::full:
    return "FULL";
  case storage::sync_mode::full_pipelined:
    return "FULL_PIPELINED";
  default:
    return "NORMAL";
  }
}

/// Prints the one start line on stdout: scripts and tests wait for it and read the port from it.
void print_start_line(const settings& s, unsigned short port, std::uint64_t open_files,
                      std::uint64_t recovered_orders) {
  std::printf("actorshop listening on http://%s:%u db=%s sync=%s%s io_threads=%d actor_threads=%d "
              "open_files=%llu recovered_orders=%llu auth=%s config=%s\n",
              s.server.address.c_str(), port, s.shop.db_path.c_str(), sync_name(s.shop.sync),
              s.seed ? " (seeded)" : "", s.server.io_threads, s.shop.actor_threads,
              static_cast<unsigned long long>(open_files),
              static_cast<unsigned long long>(recovered_orders),
              s.auth.mode == auth_mode::token ? "token" : "open",
              s.config_path.empty() ? "(defaults)" : s.config_path.c_str());
  std::fflush(stdout);
}

/// Returns the customer tokens' signer in token mode (throws without a usable secret), else null.
std::shared_ptr<const auth::token_signer> customer_token_signer(const settings& s) {
  if (s.auth.mode != auth_mode::token)
    return nullptr;
  auto signer = load_token_signer(s.auth);
  if (auto warning = secret_file_warning(s.auth); !warning.empty())
    spdlog::warn("{}", warning);
  spdlog::info("auth.mode = token: customer endpoints need a customer token");
  return signer;
}

/// Applies a SIGHUP: logs and applies what changed; a config that no longer parses is logged and
/// changes nothing (a reload never stops the daemon).
void reload(settings& running, const std::vector<std::string>& args, http::server& srv) {
  try {
    const auto reread = reload_settings(args);
    const auto changes = reload_changes(running, reread);
    apply_reloadable(running, reread);
    storage::set_log_level(running.log_level);
    srv.set_admin_token(running.admin_token);
    for (const auto& line : changes)
      spdlog::warn("{}", line);
    spdlog::warn("reload: done, {} setting(s) changed", changes.size());
  } catch (const std::exception& e) {
    spdlog::error("reload failed, the running settings stay: {}", e.what());
  }
}

} // namespace

int serve(const settings& s, const std::vector<std::string>& args) {
  // stdout carries only the start line (scripts read it); logs go to stderr.
  storage::setup_logging(
      storage::parse_log_format(s.log_format).value_or(storage::log_format::text), s.log_level);
  ::signal(SIGPIPE, SIG_IGN); // a closed stdout or peer must not kill the daemon
  ::signal(SIGHUP, SIG_IGN);  // nor a SIGHUP before the signal watch (recovery) or after it
  // Token mode without a usable secret stops here (exit 1, one line): serving the open API
  // instead would be the one outcome its operator asked not to have.
  const auto customer_tokens = customer_token_signer(s);
  log_configuration(s);
  auto files = raise_open_file_limit();
  refuse_foreign_database(s);
  const auto membership = load_membership(s);
  if (s.seed)
    seed_database(s.shop.db_path, ownership_of(membership));
  storage::telemetry::set_enabled(s.metrics_enabled); // before any actor or writer thread runs
  auto shop_options = s.shop;
  shop_options.owns = ownership_of(membership); // cluster mode: this node's shards
  if (membership)
    shop_options.step_deadline = membership->step_deadline; // the cluster file's, on every node
  actors::shop shop(shop_options); // opens, migrates and recovers before we listen
  log_recovery(shop.recovery());
  // Cluster mode: resumes the sagas in flight, then publishes the gateway, before we listen:
  // neither a peer nor our own front-end reaches the shop before its recovery ran.
  auto cluster = join_cluster(membership, shop);
  auto server_options = s.server;
  server_options.access_log = s.log_access;
  http::server srv(shop, server_options,
                   {s.max_in_flight, s.admin_token, customer_tokens, nullptr, cluster.get()});
  srv.set_build_info({build_info::version, build_info::git_commit, build_info::build_type});
  settings running = s; // touched only on the signal watch's thread once serving
  {
    signal_watch signals(
        [&srv] {
          systemd::notify_stopping();
          srv.drain();
        },
        [&] { reload(running, args, srv); });
    print_start_line(s, srv.port(), files, shop.stats().live_order_sagas);
    systemd::notify_ready(srv.port()); // the socket listens: connections queue until run()
    systemd::watchdog watchdog(srv.io_context());
    srv.run();
  }
  ::signal(SIGHUP, SIG_IGN); // the watch restored the default action, which terminates
  shop.shutdown();           // flushes the writer: every acknowledged write is on disk
  if (cluster)
    cluster->stop();            // after the shop: the gateway's last answers are delivered
  storage::flush_limited_log(); // the counts of the last second of a burst
  spdlog::info("stopped");
  return 0;
}

} // namespace actorshop::daemon
