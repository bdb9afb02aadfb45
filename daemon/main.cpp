// actorshop: parses the command line and runs the subcommand (serve by default). Nothing else
// lives here. Exit codes follow Unix tools: 0 done (serve: drained), 1 a runtime failure (the
// database cannot open, the port is taken), 2 a usage error.
#include <exception>

#include <spdlog/spdlog.h>

#include "daemon/commands.hpp"
#include "daemon/serve.hpp"
#include "daemon/settings.hpp"
#include "storage/logging.hpp"
#include "storage/sqlite.hpp"

int main(int argc, char** argv) {
  using namespace actorshop;
  // Process-wide SQLite settings only take before the first SQLite call (--seed opens one).
  storage::configure_process();
  // Every diagnostic goes to stderr, also before serve() sets the configured format (spdlog's
  // own default logger writes to stdout, which scripts read for the start line).
  storage::setup_logging(storage::log_format::text, "info");
  try {
    int code = 0;
    auto inv = daemon::parse_command_line(argc, argv, code);
    if (!inv)
      return code;
    switch (inv->cmd) {
    case daemon::command::backup:
      return daemon::run_backup(*inv);
    case daemon::command::check:
      return daemon::run_check(*inv);
    case daemon::command::token:
      return daemon::run_token(*inv);
    case daemon::command::audit:
      return daemon::run_audit(*inv);
    default:
      return daemon::serve(inv->s, inv->args);
    }
  } catch (const std::exception& e) {
    spdlog::critical("actorshop: {}", e.what());
    return 1;
  }
}
