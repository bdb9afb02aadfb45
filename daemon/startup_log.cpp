#include "daemon/startup_log.hpp"

#include "storage/logging.hpp"

namespace actorshop::daemon {
namespace {

using storage::log_field_list;

std::string sync_name(storage::sync_mode m) {
  switch (m) {
  case storage::sync_mode::full:
    return "FULL";
  case storage::sync_mode::full_pipelined:
    return "FULL_PIPELINED";
  default:
    return "NORMAL";
  }
}

std::int64_t ms(std::chrono::milliseconds d) { return static_cast<std::int64_t>(d.count()); }

log_field_list server_fields(const settings& s) {
  const auto& sv = s.server;
  return {{"server.listen", sv.address},
          {"server.port", static_cast<std::int64_t>(sv.port)},
          {"server.io_threads", static_cast<std::int64_t>(sv.io_threads)},
          {"server.max_connections", sv.max_connections},
          {"server.max_in_flight", s.max_in_flight},
          {"server.body_limit", static_cast<std::int64_t>(sv.body_limit)},
          {"server.read_timeout_ms", ms(sv.read_timeout)},
          {"server.idle_timeout_ms", ms(sv.idle_timeout)},
          {"server.request_timeout_ms", ms(sv.request_timeout)},
          {"server.drain_timeout_ms", ms(sv.drain_timeout)}};
}

log_field_list shop_fields(const settings& s) {
  const auto& sh = s.shop;
  return {{"storage.path", sh.db_path},
          {"storage.synchronous", sync_name(sh.sync)},
          {"storage.max_pending_writes", static_cast<std::int64_t>(sh.max_pending_writes)},
          {"storage.max_bytes", sh.max_db_bytes},
          {"actors.threads", static_cast<std::int64_t>(sh.actor_threads)},
          {"actors.passivate_after_s", static_cast<std::int64_t>(sh.passivate_after.count())},
          {"orders.ttl_s", static_cast<std::int64_t>(sh.order_ttl.count() / 1000)},
          {"balance.max_charge", static_cast<std::int64_t>(sh.max_charge)},
          {"events.sink", sh.event_sink.empty() ? std::string("(none)") : sh.event_sink},
          {"events.retention_s", static_cast<std::int64_t>(sh.event_retention.count())},
          {"events.max_backlog", static_cast<std::int64_t>(sh.event_max_backlog)}};
}

} // namespace

void log_configuration(const settings& s) {
  auto fields = server_fields(s);
  auto more = shop_fields(s);
  fields.insert(fields.end(), more.begin(), more.end());
  fields.insert(fields.end(),
                {{"log.level", s.log_level},
                 {"log.format", s.log_format},
                 {"log.access", std::string(s.log_access ? "true" : "false")},
                 // A secret: whether it is set, never its value.
                 {"admin.token", std::string(s.admin_token.empty() ? "(unset)" : "(set)")},
                 {"seed", std::string(s.seed ? "true" : "false")},
                 {"config", s.config_path.empty() ? std::string("(defaults)") : s.config_path}});
  storage::log_fields(storage::log_level::info, "configuration in effect", fields);
}

void log_recovery(const actors::recovery_summary& r) {
  storage::log_fields(storage::log_level::info, "recovery: entities loaded, unpaid orders re-armed",
                      {{"products", static_cast<std::int64_t>(r.products)},
                       {"stock_rows", static_cast<std::int64_t>(r.stock_rows)},
                       {"coupons", static_cast<std::int64_t>(r.coupons)},
                       {"customers", static_cast<std::int64_t>(r.customers)},
                       {"unpaid_orders", static_cast<std::int64_t>(r.unpaid_orders)},
                       {"took_ms", static_cast<std::int64_t>(r.took.count())}});
}

} // namespace actorshop::daemon
