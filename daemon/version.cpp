// CAF and Boost are header-versioned; SQLite is a shared library that can be upgraded under us,
// so its version is asked at run time.
#include "daemon/version.hpp"

#include <sqlite3.h>

#include <caf/config.hpp>

#include "daemon/build_info.hpp"

namespace actorshop::daemon {

std::string version_text() {
  const auto caf = std::to_string(CAF_VERSION / 10000) + "." +
                   std::to_string(CAF_VERSION / 100 % 100) + "." +
                   std::to_string(CAF_VERSION % 100);
  std::string t = "actorshop " + std::string(build_info::version) + " (commit " +
                  build_info::git_commit + ", " + build_info::build_type + ")\n";
  t += "CAF " + caf + "\n";
  t += "Boost " + std::string(build_info::boost_version) + "\n";
  t += "SQLite " + std::string(sqlite3_libversion()) + "\n";
  t += "simdjson " + std::string(build_info::simdjson_version) + "\n";
  return t;
}

} // namespace actorshop::daemon
