// Cluster mode's order saga (issue 13): one actor per order in flight on the order's node (the
// customer's owner). Every stock line and the coupon are steps on their owners, sent through the
// step_transport with deterministic ids (order, payment attempt, kind, line); the saga's progress
// is in saga_log, written before the first step of a phase and closed in the commit that ends it.
//   create:  log "reserving" -> reserve every line (in parallel) -> order row + log closed
//   pay:     log "paying" -> use the coupon -> sell every line -> debit + payment + log closed
//            (the pivot, one commit on this node; the client's 201 comes after it)
//   expire:  order EXPIRED + log "releasing" -> release every line -> log closed
// A step that gets no answer is sent again (same id) until the step deadline (the cluster file's
// step_deadline_ms); then, at once if its owner is known to be down (SHARD_UNAVAILABLE: the
// client gets 503 within the failure detection time), or on a refusal, the saga compensates what it
// may have applied (release, unsell, unuse: every step of the phase, since a compensation of a step
// that never arrived only leaves a tombstone), and compensations are retried until acknowledged.
// Recovery resumes from the log: a phase not closed is compensated (creation, payment) or finished
// (expiry).
#pragma once

#include <optional>

#include "actors/context.hpp"
#include "storage/step_units.hpp"

namespace actorshop::actors {

/// Spawns and registers the saga of a new order (id owned by this node, lines priced); `r` gets
/// the order once it is durable here and its stock is reserved on its owners.
void spawn_new_cluster_saga(context& ctx, domain::order o, answer_once<domain::order> r);

/// Spawns the saga of an open order found at start; `paying`: its log row says a payment was in
/// flight, which is compensated first. It expires at o.expires_at.
void spawn_recovered_cluster_saga(context& ctx, domain::order o,
                                  std::optional<storage::saga_record> paying);

/// Spawns a saga that finishes what a log row of an order that is not open says: releases its
/// lines ("reserving": the order never committed; "releasing": it expired) and closes the row.
void spawn_log_cleanup(context& ctx, storage::saga_record r);

} // namespace actorshop::actors
