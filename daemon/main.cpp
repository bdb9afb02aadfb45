// actorshop daemon: reads the settings and hands them to serve(), which wires the components.
// Nothing else lives here.
#include <exception>

#include <spdlog/spdlog.h>

#include "daemon/serve.hpp"
#include "daemon/settings.hpp"
#include "storage/sqlite.hpp"

int main(int argc, char** argv) {
  using namespace actorshop;
  // Process-wide SQLite settings only take before the first SQLite call (--seed opens one).
  storage::configure_process();
  try {
    int code = 0;
    auto s = daemon::load_settings(argc, argv, code);
    if (!s)
      return code;
    return daemon::serve(*s);
  } catch (const std::exception& e) {
    spdlog::critical("actorshop: {}", e.what());
    return 1;
  }
}
