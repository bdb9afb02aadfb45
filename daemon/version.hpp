// version: the text `actorshop --version` prints: our version and commit, the build type and the
// versions of the libraries the binary runs with, so a bug report names exactly what ran.
#pragma once

#include <string>

namespace actorshop::daemon {

/// Returns the multi-line version text (SQLite's is the runtime library's, the others are those
/// the binary was compiled against).
std::string version_text();

} // namespace actorshop::daemon
