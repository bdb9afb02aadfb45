#include "storage/logging.hpp"

#include <atomic>

#include <nlohmann/json.hpp>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace actorshop::storage {
namespace {

std::atomic<log_format> current_format{log_format::text};

// The fields of the message being logged on this thread: spdlog formats synchronously on the
// caller's thread, so the JSON formatter finds them here.
thread_local const log_field_list* current_fields = nullptr;

spdlog::level::level_enum spdlog_level(log_level l) {
  switch (l) {
  case log_level::debug:
    return spdlog::level::debug;
  case log_level::info:
    return spdlog::level::info;
  case log_level::warn:
    return spdlog::level::warn;
  default:
    return spdlog::level::err;
  }
}

/// One JSON object per line: ts, level, msg, then the message's fields.
class json_formatter final : public spdlog::formatter {
public:
  void format(const spdlog::details::log_msg& m, spdlog::memory_buf_t& dest) override {
    nlohmann::ordered_json j;
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(m.time.time_since_epoch()).count();
    j["ts"] = domain::format_iso8601(ms);
    const auto level = spdlog::level::to_string_view(m.level);
    j["level"] = std::string_view(level.data(), level.size());
    j["msg"] = std::string_view(m.payload.data(), m.payload.size());
    if (current_fields)
      for (const auto& [key, value] : *current_fields)
        std::visit([&j, &key = key](const auto& v) { j[key] = v; }, value);
    // A message is not always UTF-8 (a client's target): replace what is not, never throw.
    const auto text = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    dest.append(text.data(), text.data() + text.size());
    dest.push_back('\n');
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<json_formatter>();
  }
};

void append_text_field(std::string& out, const std::string& key, const log_value& value) {
  out += ' ';
  out += key;
  out += '=';
  if (const auto* n = std::get_if<std::int64_t>(&value)) {
    out += std::to_string(*n);
    return;
  }
  const auto& s = std::get<std::string>(value);
  if (s.empty() || s.find_first_of(" \"=") != std::string::npos)
    out += nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  else
    out += s;
}

log_limiter& process_limiter() {
  static log_limiter limiter(std::make_shared<domain::system_clock>());
  return limiter;
}

std::string seconds_text(std::int64_t ms) {
  const auto s = (ms + 500) / 1000;
  return std::to_string(s < 1 ? 1 : s);
}

} // namespace

std::optional<log_format> parse_log_format(std::string_view s) {
  if (s == "text")
    return log_format::text;
  if (s == "json")
    return log_format::json;
  return std::nullopt;
}

void setup_logging(log_format format, std::string_view level) {
  std::shared_ptr<spdlog::logger> logger;
  if (format == log_format::json) {
    logger = std::make_shared<spdlog::logger>("actorshop",
                                              std::make_shared<spdlog::sinks::stderr_sink_mt>());
    logger->set_formatter(std::make_unique<json_formatter>());
  } else {
    // Colours only on a terminal (spdlog checks isatty).
    logger = std::make_shared<spdlog::logger>(
        "actorshop", std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
  }
  current_format = format;
  spdlog::set_default_logger(std::move(logger));
  set_log_level(level);
}

void set_log_level(std::string_view level) {
  spdlog::set_level(spdlog::level::from_str(std::string(level)));
}

void log_fields(log_level level, std::string_view msg, const log_field_list& fields) {
  const auto l = spdlog_level(level);
  if (!spdlog::should_log(l))
    return;
  if (current_format.load() == log_format::text) {
    std::string line(msg);
    for (const auto& [key, value] : fields)
      append_text_field(line, key, value);
    spdlog::log(l, "{}", line);
    return;
  }
  current_fields = &fields;
  try {
    spdlog::log(l, "{}", msg);
  } catch (...) {
    current_fields = nullptr;
    throw;
  }
  current_fields = nullptr;
}

log_limiter::log_limiter(std::shared_ptr<const domain::clock> clock) : clock_(std::move(clock)) {}

log_limiter::decision log_limiter::admit(std::string_view code,
                                         std::chrono::milliseconds interval) {
  const auto now = clock_->now();
  std::lock_guard lock(mutex_);
  auto it = entries_.find(std::string(code));
  if (it == entries_.end()) {
    entries_.emplace(std::string(code), entry{now, 0});
    return {true, 0, 0};
  }
  auto& e = it->second;
  if (now - e.last_logged >= interval.count()) {
    decision d{true, e.suppressed, now - e.last_logged};
    e.last_logged = now;
    e.suppressed = 0;
    return d;
  }
  ++e.suppressed;
  return {false, e.suppressed, now - e.last_logged};
}

std::vector<std::pair<std::string, std::uint64_t>> log_limiter::take_suppressed() {
  const auto now = clock_->now();
  std::lock_guard lock(mutex_);
  std::vector<std::pair<std::string, std::uint64_t>> out;
  for (auto& [code, e] : entries_) {
    if (e.suppressed == 0)
      continue;
    out.emplace_back(code, e.suppressed);
    e.suppressed = 0;
    e.last_logged = now;
  }
  return out;
}

void log_limited(log_level level, std::string_view code, std::string_view msg,
                 std::chrono::milliseconds interval) {
  if (!spdlog::should_log(spdlog_level(level)))
    return;
  const auto d = process_limiter().admit(code, interval);
  if (!d.log)
    return;
  // A text line names its code already; JSON has it as a field.
  const bool text = current_format.load() == log_format::text;
  if (d.suppressed == 0)
    return log_fields(level, msg,
                      text ? log_field_list{} : log_field_list{{"code", std::string(code)}});
  const auto line = std::string(code) + ": " + with_thousands(d.suppressed) + " more in the last " +
                    seconds_text(d.window_ms) + " s; latest: " + std::string(msg);
  log_fields(level, line,
             text ? log_field_list{}
                  : log_field_list{{"code", std::string(code)},
                                   {"suppressed", static_cast<std::int64_t>(d.suppressed)}});
}

void flush_limited_log() {
  const bool text = current_format.load() == log_format::text;
  for (const auto& [code, count] : process_limiter().take_suppressed())
    log_fields(
        log_level::warn, code + ": " + with_thousands(count) + " more not logged",
        text ? log_field_list{}
             : log_field_list{{"code", code}, {"suppressed", static_cast<std::int64_t>(count)}});
}

std::string with_thousands(std::uint64_t n) {
  auto digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0)
      out += ',';
    out += digits[i];
  }
  return out;
}

} // namespace actorshop::storage
