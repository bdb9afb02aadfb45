// The actorshop-bench command line (CLI11) and the run it drives: profile, target, run,
// summary, exports, report and audit. Exit codes: 0 ok, 1 usage or setup error, 99 a threshold
// failed (as k6), 98 the audit failed, 97 an output could not write (InfluxDB answered an error
// or nothing: a k6 user's dashboard would be missing points).
#pragma once

namespace actorshop::bench {

inline constexpr int exit_threshold_failed = 99;
inline constexpr int exit_audit_failed = 98;
inline constexpr int exit_output_failed = 97;

/// Runs actorshop-bench with `argv`; returns the process exit code.
int run_app(int argc, char** argv);

} // namespace actorshop::bench
