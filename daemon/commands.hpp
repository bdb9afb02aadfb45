// commands: the subcommands that work on a database file instead of serving it. Each returns the
// process exit code: 0 done, 1 failed (the reason on stderr).
#pragma once

#include "daemon/settings.hpp"

namespace actorshop::daemon {

/// `actorshop backup --db DB --to FILE`: an online copy, progress on stderr, a summary on stdout.
int run_backup(const invocation& inv);

/// `actorshop token --customer N [--ttl 1h]`: prints a customer token (one line on stdout) signed
/// with the configured secret; exit 1 if there is no usable secret.
int run_token(const invocation& inv);

/// `actorshop check --db DB`: integrity_check and every invariant; one line per violation on
/// stdout and exit 1, or a one-line summary and exit 0.
int run_check(const invocation& inv);

/// `actorshop audit --cluster-file F --db a.db,b.db,c.db`: integrity_check of each node's file
/// and the invariants across all of them (storage/cluster_audit.hpp); one line per problem on
/// stdout and exit 1, or a one-line summary and exit 0.
int run_audit(const invocation& inv);

} // namespace actorshop::daemon
