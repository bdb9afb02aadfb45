// Start-up order: logging, limits, seed, shop (opens, migrates, recovers), then listen.
#include "daemon/serve.hpp"

#include <signal.h>
#include <sqlite3.h>

#include <cstdio>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "actors/shop.hpp"
#include "daemon/open_files.hpp"
#include "daemon/signals.hpp"
#include "daemon/systemd_notify.hpp"
#include "domain/time.hpp"
#include "http/server.hpp"
#include "storage/schema.hpp"
#include "storage/seed.hpp"
#include "storage/sqlite.hpp"

namespace actorshop::daemon {
namespace {

void seed_database(const std::string& path) {
  storage::connection db(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  storage::migrate(db);
  storage::seed(db, domain::now_ms());
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
              "open_files=%llu recovered_orders=%llu config=%s\n",
              s.server.address.c_str(), port, s.shop.db_path.c_str(), sync_name(s.shop.sync),
              s.seed ? " (seeded)" : "", s.server.io_threads, s.shop.actor_threads,
              static_cast<unsigned long long>(open_files),
              static_cast<unsigned long long>(recovered_orders),
              s.config_path.empty() ? "(defaults)" : s.config_path.c_str());
  std::fflush(stdout);
}

} // namespace

int serve(const settings& s) {
  // stdout carries only the start line (scripts read it); logs go to stderr.
  spdlog::set_default_logger(spdlog::stderr_color_mt("actorshop"));
  ::signal(SIGPIPE, SIG_IGN); // a closed stdout or peer must not kill the daemon
  spdlog::set_level(spdlog::level::from_str(s.log_level));
  auto files = raise_open_file_limit();
  if (s.seed)
    seed_database(s.shop.db_path);
  actors::shop shop(s.shop); // opens, migrates and recovers before we listen
  http::server srv(shop, s.server, {s.max_in_flight, s.admin_token});
  {
    signal_watch signals([&srv] {
      systemd::notify_stopping();
      srv.drain();
    });
    print_start_line(s, srv.port(), files, shop.stats().live_order_sagas);
    systemd::notify_ready(srv.port()); // the socket listens: connections queue until run()
    systemd::watchdog watchdog(srv.io_context());
    srv.run();
  }
  shop.shutdown(); // flushes the writer: every acknowledged write is on disk
  spdlog::info("stopped");
  return 0;
}

} // namespace actorshop::daemon
