// The run actorshop-bench drives: profile, target, run, summary, exports, report and audit.
// Exit codes are k6's (errext/exitcodes) where they apply, plus the audit's own 98.
#pragma once

namespace actorshop::bench {

/// The audit found an inconsistency. actorshop's own code: k6 uses 98 only for its cloud
/// (CloudFailedToGetProgress), which a local run never returns.
inline constexpr int exit_audit_failed = 98;
inline constexpr int exit_threshold_failed = 99; ///< k6 ThresholdsHaveFailed
inline constexpr int exit_generic_engine =
    103; ///< k6 GenericEngine: the target or an output failed
inline constexpr int exit_invalid_config = 104; ///< k6 InvalidConfig: flags, options, thresholds
inline constexpr int exit_external_abort = 105; ///< k6 ExternalAbort: SIGINT or SIGTERM

/// Runs actorshop-bench with `argv`; returns the process exit code.
int run_app(int argc, char** argv);

} // namespace actorshop::bench
