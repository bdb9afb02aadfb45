// open_files: the process's open-file limit, raised at start because every connection and every
// SQLite connection holds a descriptor.
#pragma once

#include <cstdint>

namespace actorshop::daemon {

/// Raises RLIMIT_NOFILE's soft limit to the hard limit; returns the new soft limit (0 if unknown).
std::uint64_t raise_open_file_limit();

} // namespace actorshop::daemon
