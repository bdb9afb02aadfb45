#include "storage/step_units.hpp"

#include <sstream>

#include "domain/time.hpp"
#include "storage/order_units.hpp"
#include "storage/unit_support.hpp"

namespace actorshop::storage {

using domain::errc;
using domain::status;
using unit_support::changed_one;

namespace {

std::uint8_t outcome_code(errc e) { return static_cast<std::uint8_t>(e); }

// A compensation that found nothing to undo records its undone step as refused with this code:
// a copy of that step arriving later then answers it instead of applying.
constexpr errc aborted = errc::unavailable;

/// Moves a stock row's units: the row must hold `need` in the column the move takes from.
/// {available, reserved, sold} deltas; `from` is the column checked.
status move_stock(write_context& ctx, const step& s, const char* sql) {
  ctx.prepare(sql).bind(1, s.qty).bind(2, s.entity).run();
  if (changed_one(ctx))
    return {};
  auto& exists = ctx.prepare("SELECT 1 FROM stock WHERE product_option_id = ?");
  exists.bind(1, s.entity);
  return exists.step() ? errc::stock_insufficient : errc::product_option_not_found;
}

// Each takes ?1 = qty from one column and gives it to another, if the column holds it.
constexpr const char* reserve_sql = "UPDATE stock SET quantity = quantity - ?1, reserved = "
                                    "reserved + ?1 WHERE product_option_id = ?2 AND quantity >= ?1";
constexpr const char* release_sql = "UPDATE stock SET quantity = quantity + ?1, reserved = "
                                    "reserved - ?1 WHERE product_option_id = ?2 AND reserved >= ?1";
constexpr const char* sell_sql = "UPDATE stock SET reserved = reserved - ?1, sold = sold + ?1 "
                                 "WHERE product_option_id = ?2 AND reserved >= ?1";
constexpr const char* unsell_sql = "UPDATE stock SET reserved = reserved + ?1, sold = sold - ?1 "
                                   "WHERE product_option_id = ?2 AND sold >= ?1";

/// Reads the coupon's terms; coupon's expiry checked against the step's time.
status coupon_terms(write_context& ctx, const step& s, step_outcome& out) {
  auto& q =
      ctx.prepare("SELECT discount_type, discount_amount, expired_at FROM coupon WHERE id = ?");
  q.bind(1, s.entity);
  if (!q.step())
    return errc::customer_coupon_not_found;
  out.type = domain::parse_discount_type(q.column_view(0)).value_or(domain::discount_type::fixed);
  out.discount_amount = q.column_int64(1);
  const auto expires = domain::parse_iso8601(q.column_view(2));
  if (expires && s.at > *expires)
    return errc::coupon_expired;
  return {};
}

status use_coupon_copy(write_context& ctx, const step& s, step_outcome& out) {
  if (auto t = coupon_terms(ctx, s, out); !t)
    return t;
  ctx.prepare("UPDATE customer_coupon SET status = 'USED', used_at = ? "
              "WHERE customer_id = ? AND coupon_id = ? AND status = 'AVAILABLE'")
      .bind(1, domain::format_iso8601(s.at))
      .bind(2, s.customer)
      .bind(3, s.entity)
      .run();
  if (changed_one(ctx))
    return {};
  auto& held = ctx.prepare("SELECT 1 FROM customer_coupon WHERE customer_id = ? AND coupon_id = ?");
  held.bind(1, s.customer).bind(2, s.entity);
  return held.step() ? errc::coupon_already_used : errc::customer_coupon_not_found;
}

status unuse_coupon_copy(write_context& ctx, const step& s) {
  ctx.prepare("UPDATE customer_coupon SET status = 'AVAILABLE', used_at = NULL "
              "WHERE customer_id = ? AND coupon_id = ? AND status = 'USED'")
      .bind(1, s.customer)
      .bind(2, s.entity)
      .run();
  return changed_one(ctx) ? status{} : status{errc::coupon_invalid};
}

/// The effect of a step whose id is new; its outcome (a refusal is an outcome, not a failure).
status effect(write_context& ctx, const step& s, step_outcome& out) {
  switch (s.kind) {
  case step_kind::reserve:
    return move_stock(ctx, s, reserve_sql);
  case step_kind::release:
    return move_stock(ctx, s, release_sql);
  case step_kind::sell:
    return move_stock(ctx, s, sell_sql);
  case step_kind::unsell:
    return move_stock(ctx, s, unsell_sql);
  case step_kind::use_coupon:
    return use_coupon_copy(ctx, s, out);
  case step_kind::unuse_coupon:
    return unuse_coupon_copy(ctx, s);
  }
  return errc::invalid_request;
}

std::optional<std::uint8_t> recorded(write_context& ctx, const std::string& id) {
  auto& q = ctx.prepare("SELECT outcome FROM applied_step WHERE step_id = ?");
  q.bind(1, id);
  if (!q.step())
    return std::nullopt;
  return static_cast<std::uint8_t>(q.column_int64(0));
}

void record(write_context& ctx, const std::string& id, std::uint8_t outcome, const char* kind) {
  ctx.prepare("INSERT INTO applied_step (step_id, outcome, kind) VALUES (?, ?, ?)")
      .bind(1, id)
      .bind(2, static_cast<std::int64_t>(outcome))
      .bind(3, kind)
      .run();
}

const char* kind_name(step_kind k) {
  switch (k) {
  case step_kind::reserve:
    return "reserve";
  case step_kind::release:
    return "release";
  case step_kind::sell:
    return "sell";
  case step_kind::unsell:
    return "unsell";
  case step_kind::use_coupon:
    return "use_coupon";
  case step_kind::unuse_coupon:
    return "unuse_coupon";
  }
  return "?";
}

/// A compensation applies only if the step it undoes applied; if that one never arrived, a
/// tombstone keeps it from applying later. Nothing to undo is a success.
status compensate(write_context& ctx, const step& s, step_outcome& out) {
  const auto undone = recorded(ctx, s.undoes);
  if (!undone) {
    record(ctx, s.undoes, outcome_code(aborted), "aborted");
    return {};
  }
  if (*undone != 0)
    return {};
  return effect(ctx, s, out);
}

} // namespace

bool on_stock(step_kind k) noexcept {
  return k == step_kind::reserve || k == step_kind::release || k == step_kind::sell ||
         k == step_kind::unsell;
}

bool is_compensation(step_kind k) noexcept {
  return k == step_kind::release || k == step_kind::unsell || k == step_kind::unuse_coupon;
}

void create_step_tables(connection& db) {
  db.exec("CREATE TABLE IF NOT EXISTS applied_step ("
          " step_id TEXT PRIMARY KEY, outcome INTEGER NOT NULL, kind TEXT NOT NULL);"
          "CREATE TABLE IF NOT EXISTS saga_log ("
          " order_id INTEGER PRIMARY KEY, phase TEXT NOT NULL, attempt INTEGER NOT NULL,"
          " coupon_id INTEGER NOT NULL, customer_id INTEGER NOT NULL, lines TEXT NOT NULL);");
}

unit_fn apply_step(step s, std::shared_ptr<step_outcome> out) {
  return [s = std::move(s), out = std::move(out)](write_context& ctx) -> status {
    *out = {};
    if (auto first = recorded(ctx, s.id)) {
      out->code = *first;
      if (*first == 0 && s.kind == step_kind::use_coupon)
        (void)coupon_terms(ctx, s, *out); // terms are immutable: the first answer's again
      return {};
    }
    const auto applied = is_compensation(s.kind) ? compensate(ctx, s, *out) : effect(ctx, s, *out);
    out->code = applied ? 0 : outcome_code(applied.error());
    record(ctx, s.id, out->code, kind_name(s.kind));
    return {};
  };
}

std::optional<std::uint8_t> applied_outcome(connection& db, const std::string& step_id) {
  auto q = db.prepare("SELECT outcome FROM applied_step WHERE step_id = ?");
  q.bind(1, step_id);
  if (!q.step())
    return std::nullopt;
  return static_cast<std::uint8_t>(q.column_int64(0));
}

namespace {

std::string encode_lines(const saga_record& r) {
  std::string out;
  for (const auto& [option, qty] : r.lines)
    out += std::to_string(option) + ':' + std::to_string(qty) + ',';
  return out;
}

std::vector<std::pair<domain::id_t, domain::quantity>> decode_lines(const std::string& text) {
  std::vector<std::pair<domain::id_t, domain::quantity>> lines;
  std::istringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    const auto colon = item.find(':');
    if (colon != std::string::npos)
      lines.emplace_back(std::stoll(item.substr(0, colon)), std::stoll(item.substr(colon + 1)));
  }
  return lines;
}

void write_log(write_context& ctx, const saga_record& r) {
  ctx.prepare("INSERT OR REPLACE INTO saga_log (order_id, phase, attempt, coupon_id, customer_id, "
              "lines) VALUES (?, ?, ?, ?, ?, ?)")
      .bind(1, r.order_id)
      .bind(2, r.phase)
      .bind(3, static_cast<std::int64_t>(r.attempt))
      .bind(4, r.coupon_id)
      .bind(5, r.customer_id)
      .bind(6, encode_lines(r))
      .run();
}

} // namespace

unit_fn log_saga(saga_record r) {
  return [r = std::move(r)](write_context& ctx) -> status {
    write_log(ctx, r);
    return {};
  };
}

void close_saga_log(write_context& ctx, domain::id_t order_id) {
  ctx.prepare("UPDATE saga_log SET phase = 'done' WHERE order_id = ?").bind(1, order_id).run();
}

unit_fn end_saga_log(domain::id_t order_id) {
  return [order_id](write_context& ctx) -> status {
    close_saga_log(ctx, order_id);
    return {};
  };
}

unit_fn end_stale_paying_log(domain::id_t order_id, std::uint64_t attempt) {
  return [order_id, attempt](write_context& ctx) -> status {
    ctx.prepare("UPDATE saga_log SET phase = 'done' WHERE order_id = ? AND phase = 'paying' AND "
                "attempt = ? AND NOT EXISTS (SELECT 1 FROM orders WHERE id = ? AND status = "
                "'CREATED')")
        .bind(1, order_id)
        .bind(2, static_cast<std::int64_t>(attempt))
        .bind(3, order_id)
        .run();
    return {};
  };
}

std::vector<saga_record> saga_records(connection& db) {
  auto q =
      db.prepare("SELECT order_id, phase, attempt, coupon_id, customer_id, lines FROM saga_log "
                 "WHERE phase <> 'done' ORDER BY 1");
  std::vector<saga_record> out;
  while (q.step())
    out.push_back({q.column_int64(0), q.column_text(1),
                   static_cast<std::uint64_t>(q.column_int64(2)), q.column_int64(3),
                   q.column_int64(4), decode_lines(q.column_text(5))});
  return out;
}

domain::id_t max_logged_order(connection& db) {
  return db.query_int64("SELECT COALESCE(MAX(order_id), 0) FROM saga_log");
}

unit_fn create_order_clustered(std::shared_ptr<const domain::order> o) {
  return [o = std::move(o)](write_context& ctx) -> status {
    if (auto s = insert_order(ctx, *o, false); !s)
      return s;
    close_saga_log(ctx, o->id);
    return {};
  };
}

unit_fn expire_order_clustered(saga_record releasing, std::shared_ptr<bool> expired) {
  return [r = std::move(releasing), expired = std::move(expired)](write_context& ctx) -> status {
    *expired = false;
    ctx.prepare("UPDATE orders SET status = 'EXPIRED' WHERE id = ? AND status = 'CREATED'")
        .bind(1, r.order_id)
        .run();
    if (!changed_one(ctx))
      return {};
    write_log(ctx, r);
    *expired = true;
    return {};
  };
}

} // namespace actorshop::storage
