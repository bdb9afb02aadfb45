// Cluster mode (issue 13): the participant's side of a cross-shard saga. A step (reserve a stock
// line, sell it, use a coupon, and the compensations of each) is applied at most once per step
// id: its outcome is recorded in `applied_step` in the SAME unit as its effect, and a repeated id
// answers the recorded outcome without touching anything. A compensation names the step it
// undoes; if that step never arrived it leaves a tombstone (the undone id, refused), so a late
// copy of the undone step cannot apply after its compensation. The order node keeps its saga's
// progress in `saga_log` (one row per order, written before its first step), marked done in the
// commit that ends the phase, so recovery knows what to compensate; the row stays so that an
// order id, which names its steps, is never handed out twice, even if its order never committed.
// Neither table exists in single-node mode.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "domain/model.hpp"
#include "storage/sqlite.hpp"
#include "storage/writer.hpp"

namespace actorshop::storage {

/// Labels, for metrics and writer::inject_failure.
inline constexpr const char* step_label = "step";
inline constexpr const char* saga_log_label = "saga_log";

/// What a step does on its participant. The compensations are release (of reserve), unsell (of
/// sell) and unuse_coupon (of use_coupon).
enum class step_kind : std::uint8_t {
  reserve = 1,
  release = 2,
  sell = 3,
  unsell = 4,
  use_coupon = 5,
  unuse_coupon = 6
};

/// True for the kinds that act on a stock row (sharded by option id), false for coupon kinds.
bool on_stock(step_kind k) noexcept;
/// True for the compensations (which carry the id of the step they undo).
bool is_compensation(step_kind k) noexcept;

struct step {
  std::string id; ///< deterministic: order, attempt, kind, line
  step_kind kind = step_kind::reserve;
  domain::id_t entity = 0;   ///< the option id (stock kinds) or the coupon id
  domain::id_t customer = 0; ///< the coupon's holder (coupon kinds)
  domain::quantity qty = 0;  ///< stock kinds
  std::string undoes;        ///< compensations: the id of the step undone
  domain::timestamp at = 0;  ///< when the saga issued it (coupon expiry, used_at)
};

/// The first outcome of a step: `code` 0 applied, else the domain::errc that refused it. A
/// use_coupon that applied carries the coupon's discount terms.
struct step_outcome {
  std::uint8_t code = 0;
  domain::discount_type type = domain::discount_type::fixed;
  domain::money discount_amount = 0;
};

/// Creates applied_step and saga_log if missing (cluster mode only; outside the numbered
/// migrations, so a single-node database is unchanged).
void create_step_tables(connection& db);

/// Applies `s` at most once (see above) and stores its first outcome in `*out`. The unit itself
/// succeeds for a refusal too (the refusal is recorded): only a storage failure fails it.
unit_fn apply_step(step s, std::shared_ptr<step_outcome> out);

/// Returns the recorded outcome code of a step, if any (tests, audits).
std::optional<std::uint8_t> applied_outcome(connection& db, const std::string& step_id);

// --- the saga log of the order node ---

/// One saga in flight: `phase` "reserving" (order not committed yet), "paying" (payment attempt
/// `attempt` with `coupon_id`, not committed yet) or "releasing" (order expired, its reservations
/// being given back). `lines` are (option id, qty) in line order.
struct saga_record {
  domain::id_t order_id = 0;
  std::string phase;
  std::uint64_t attempt = 0;
  domain::id_t coupon_id = 0; ///< 0: none
  domain::id_t customer_id = 0;
  std::vector<std::pair<domain::id_t, domain::quantity>> lines;
};

/// Writes (or replaces) the saga's log row.
unit_fn log_saga(saga_record r);
/// Marks the saga's log row done (its phase ended).
unit_fn end_saga_log(domain::id_t order_id);
/// Marks a "paying" row done that recovery found with its order no longer open, only if it is
/// still that attempt's "paying" row and the order is still not CREATED when it commits.
unit_fn end_stale_paying_log(domain::id_t order_id, std::uint64_t attempt);
/// The SQL of end_saga_log, for units that end a phase in the commit of its effect.
void close_saga_log(write_context& ctx, domain::id_t order_id);
/// Every log row not done (recovery).
std::vector<saga_record> saga_records(connection& db);
/// The highest order id ever logged (committed or not): new ids start above it.
domain::id_t max_logged_order(connection& db);

/// Cluster mode's order creation: the order and its lines, without stock (reserved by steps on
/// the stock owners), and the end of its "reserving" log row, in one unit.
unit_fn create_order_clustered(std::shared_ptr<const domain::order> o);
/// Cluster mode's expiry: the order EXPIRED and a "releasing" log row in one unit; a no-op
/// (`*expired` false) if the order is not CREATED.
unit_fn expire_order_clustered(saga_record releasing, std::shared_ptr<bool> expired);

} // namespace actorshop::storage
