// The TOML layer of the daemon's settings: config/actorshop.toml's keys onto a settings value.
#include <stdexcept>
#include <string>

#include <toml++/toml.h>

#include "daemon/settings.hpp"

namespace actorshop::daemon {
namespace {

using ms = std::chrono::milliseconds;

template <class T> void read(const toml::table& t, std::string_view path, T& out) {
  auto node = t.at_path(path);
  if (!node)
    return;
  if constexpr (std::is_same_v<T, std::string>) {
    auto v = node.value<std::string>();
    if (!v)
      throw std::runtime_error(std::string(path) + " must be a string");
    out = *v;
  } else if constexpr (std::is_same_v<T, bool>) {
    auto v = node.value<bool>();
    if (!v)
      throw std::runtime_error(std::string(path) + " must be a boolean");
    out = *v;
  } else {
    auto v = node.value<std::int64_t>();
    if (!v || *v < 0)
      throw std::runtime_error(std::string(path) + " must be a non-negative integer");
    out = static_cast<T>(*v);
  }
}

void read_ms(const toml::table& t, std::string_view path, ms& out) {
  std::int64_t v = -1;
  read(t, path, v);
  if (v >= 0)
    out = ms(v);
}

void read_sync(const toml::table& t, std::string_view path, storage::sync_mode& out) {
  std::string v;
  read(t, path, v);
  if (v.empty())
    return;
  auto m = parse_sync(v);
  if (!m)
    throw std::runtime_error(std::string(path) + " must be FULL, FULL_PIPELINED or NORMAL");
  out = *m;
}

} // namespace

std::optional<storage::sync_mode> parse_sync(std::string_view s) {
  std::string up(s);
  for (auto& c : up)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (up == "FULL")
    return storage::sync_mode::full;
  if (up == "NORMAL")
    return storage::sync_mode::normal;
  if (up == "FULL_PIPELINED")
    return storage::sync_mode::full_pipelined;
  return std::nullopt;
}

std::optional<auth_mode> parse_auth_mode(std::string_view s) {
  if (s == "open")
    return auth_mode::open;
  if (s == "token")
    return auth_mode::token;
  return std::nullopt;
}

std::optional<std::chrono::seconds> parse_ttl(std::string_view s) {
  static constexpr std::pair<char, std::int64_t> units[] = {
      {'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86'400}};
  std::int64_t unit = 1;
  for (auto [suffix, seconds] : units)
    if (!s.empty() && s.back() == suffix) {
      unit = seconds;
      s.remove_suffix(1);
      break;
    }
  const auto n = domain::parse_id(s); // a positive integer, digits only
  if (n == 0 || n > max_token_ttl.count() / unit)
    return std::nullopt;
  return std::chrono::seconds(n * unit);
}

void apply_toml(settings& s, std::string_view text, std::string_view source) {
  toml::table t;
  try {
    t = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    throw std::runtime_error(std::string(source) + ": " + std::string(e.description()));
  }
  auto& sv = s.server;
  read(t, "server.listen", sv.address);
  read(t, "server.port", sv.port);
  read(t, "server.io_threads", sv.io_threads);
  read(t, "server.max_connections", sv.max_connections);
  read(t, "server.connection_reserve", sv.connection_reserve);
  read(t, "server.max_in_flight", s.max_in_flight);
  read(t, "server.body_limit", sv.body_limit);
  read_ms(t, "server.read_timeout_ms", sv.read_timeout);
  read_ms(t, "server.first_request_timeout_ms", sv.first_request_timeout);
  read_ms(t, "server.idle_timeout_ms", sv.idle_timeout);
  read_ms(t, "server.request_timeout_ms", sv.request_timeout);
  read_ms(t, "server.drain_timeout_ms", sv.drain_timeout);
  read(t, "server.log_level", s.log_level);
  read(t, "log.level", s.log_level);
  read(t, "log.format", s.log_format);
  if (s.log_format != "text" && s.log_format != "json")
    throw std::runtime_error("log.format must be \"text\" or \"json\"");
  read(t, "log.access", s.log_access);
  read(t, "actors.threads", s.shop.actor_threads);
  std::int64_t passivate = -1;
  read(t, "actors.passivate_after_s", passivate);
  if (passivate >= 0)
    s.shop.passivate_after = std::chrono::seconds(passivate);
  read(t, "storage.path", s.shop.db_path);
  read_sync(t, "storage.synchronous", s.shop.sync);
  read(t, "storage.max_pending_writes", s.shop.max_pending_writes);
  read(t, "storage.max_bytes", s.shop.max_db_bytes);
  std::int64_t ttl = -1;
  read(t, "orders.ttl_s", ttl);
  if (ttl >= 0)
    s.shop.order_ttl = std::chrono::seconds(ttl);
  read(t, "balance.max_charge", s.shop.max_charge);
  read(t, "events.sink", s.shop.event_sink);
  std::int64_t retention = -1;
  read(t, "events.retention_s", retention);
  if (retention >= 0)
    s.shop.event_retention = std::chrono::seconds(retention);
  read(t, "events.max_backlog", s.shop.event_max_backlog);
  read(t, "admin.token", s.admin_token);
  read(t, "metrics.enabled", s.metrics_enabled);
  std::string mode;
  read(t, "auth.mode", mode);
  if (!mode.empty()) {
    auto m = parse_auth_mode(mode);
    if (!m)
      throw std::runtime_error("auth.mode must be \"open\" or \"token\"");
    s.auth.mode = *m;
  }
  read(t, "auth.secret_file", s.auth.secret_file);
}

} // namespace actorshop::daemon
