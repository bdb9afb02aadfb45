// actorshop daemon: reads the settings and wires them into the components (storage seed, the
// shop facade, the HTTP server). Nothing else lives here.
#include <signal.h>
#include <sqlite3.h>

#include <cstdio>
#include <exception>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "actors/shop.hpp"
#include "domain/time.hpp"
#include "http/server.hpp"
#include "http/settings.hpp"
#include "storage/sqlite.hpp"
#include "storage/schema.hpp"
#include "storage/seed.hpp"
#include "storage/sqlite.hpp"

namespace {

using namespace actorshop;

void seed_database(const std::string& path) {
  storage::connection db(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  storage::migrate(db);
  storage::seed(db, domain::now_ms());
}

int serve(const http::settings& s) {
  // stdout carries only the start line (scripts read it); logs go to stderr.
  spdlog::set_default_logger(spdlog::stderr_color_mt("actorshop"));
  ::signal(SIGPIPE, SIG_IGN); // a closed stdout or peer must not kill the daemon
  spdlog::set_level(spdlog::level::from_str(s.log_level));
  auto files = http::raise_open_file_limit();
  if (s.seed)
    seed_database(s.shop.db_path);
  actors::shop shop(s.shop); // opens, migrates and recovers before we listen
  http::server srv(shop, s.server, {s.max_in_flight, s.admin_token});
  auto st = shop.stats();
  std::printf("actorshop listening on http://%s:%u db=%s sync=%s%s io_threads=%d actor_threads=%d "
              "open_files=%llu recovered_orders=%llu config=%s\n",
              s.server.address.c_str(), srv.port(), s.shop.db_path.c_str(),
              s.shop.sync == storage::sync_mode::full             ? "FULL"
              : s.shop.sync == storage::sync_mode::full_pipelined ? "FULL_PIPELINED"
                                                                  : "NORMAL",
              s.seed ? " (seeded)" : "", s.server.io_threads, s.shop.actor_threads,
              static_cast<unsigned long long>(files),
              static_cast<unsigned long long>(st.live_order_sagas),
              s.config_path.empty() ? "(defaults)" : s.config_path.c_str());
  std::fflush(stdout);
  srv.run();
  shop.shutdown(); // flushes the writer: every acknowledged write is on disk
  spdlog::info("stopped");
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  // Process-wide SQLite settings only take before the first SQLite call (--seed opens one).
  storage::configure_process();
  try {
    int code = 0;
    auto s = http::load_settings(argc, argv, code);
    if (!s)
      return code;
    return serve(*s);
  } catch (const std::exception& e) {
    spdlog::critical("actorshop: {}", e.what());
    return 1;
  }
}
