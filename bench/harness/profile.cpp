// Profiles: stage arithmetic, k6 durations, the built-in seed profiles and executor names.
#include "bench/harness/profile.hpp"

#include <algorithm>
#include <cctype>

#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace actorshop::bench {

seconds_d profile::total_duration() const {
  seconds_d total{0};
  for (const auto& s : stages)
    total += s.duration;
  return total;
}

std::size_t profile::stage_at(seconds_d t) const {
  seconds_d end{0};
  for (std::size_t i = 0; i < stages.size(); ++i) {
    end += stages[i].duration;
    if (t < end)
      return i;
  }
  return stages.empty() ? 0 : stages.size() - 1;
}

void profile::scale_time(double factor) {
  for (auto& s : stages)
    s.duration *= factor;
}

std::int64_t profile::max_target() const {
  std::int64_t m = executor == executor_kind::ramping_vus ? start_vus : start_rate;
  for (const auto& s : stages)
    m = std::max(m, s.target);
  return m;
}

seconds_d checked_duration(double seconds, const std::string& what) {
  // Written so that NaN fails too.
  if (!(seconds >= 0 && seconds <= max_duration_s))
    throw std::invalid_argument("duration " + what + " must be between 0 and 365 days");
  return seconds_d{seconds};
}

seconds_d parse_duration(const std::string& text) {
  if (text.empty())
    throw std::invalid_argument("empty duration");
  double total = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t used = 0;
    double v = 0;
    try {
      v = std::stod(text.substr(i), &used);
    } catch (const std::exception&) {
      throw std::invalid_argument("invalid duration '" + text + "'");
    }
    i += used;
    std::size_t j = i;
    while (j < text.size() && std::isalpha(static_cast<unsigned char>(text[j])))
      ++j;
    const std::string unit = text.substr(i, j - i);
    i = j;
    if (unit == "ms")
      total += v / 1000;
    else if (unit == "s" || (unit.empty() && i == text.size()))
      total += v;
    else if (unit == "m")
      total += v * 60;
    else if (unit == "h")
      total += v * 3600;
    else
      throw std::invalid_argument("invalid duration unit in '" + text + "'");
    if (!(v >= 0)) // NaN too
      throw std::invalid_argument("negative duration '" + text + "'");
  }
  return checked_duration(total, "'" + text + "'");
}

stage parse_stage(const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos)
    throw std::invalid_argument("stage '" + text + "' is not DURATION:TARGET");
  stage s;
  s.duration = parse_duration(text.substr(0, colon));
  std::size_t used = 0;
  try {
    s.target = std::stoll(text.substr(colon + 1), &used);
  } catch (const std::exception&) {
    throw std::invalid_argument("stage '" + text + "' has no integer target");
  }
  if (used != text.size() - colon - 1 || s.target < 0 || s.target > max_vus_or_rate)
    throw std::invalid_argument("stage '" + text + "' has an invalid target");
  return s;
}

std::string format_duration(seconds_d d) {
  double s = d.count();
  char buf[64];
  if (s >= 60) {
    // A sum of stages may exceed one duration's bound (and an int's minutes): long long.
    const auto m = static_cast<long long>(s / 60);
    const double rest = s - static_cast<double>(m) * 60;
    if (rest < 0.0005)
      std::snprintf(buf, sizeof buf, "%lldm", m);
    else
      std::snprintf(buf, sizeof buf, "%lldm%gs", m, std::round(rest * 1000) / 1000);
  } else {
    std::snprintf(buf, sizeof buf, "%gs", std::round(s * 1000) / 1000);
  }
  return buf;
}

profile builtin_profile(const std::string& name) {
  profile p;
  p.name = name;
  p.scenario = name;
  using s = seconds_d;
  if (name == "coupon-peak") {
    p.stages = {{s{1}, 10}, {s{2}, 500}, {s{3}, 1500}, {s{3}, 1000}, {s{1}, 10}};
    p.thresholds["http_req_duration"] = {"p(95)<500"};
    p.thresholds["checks"] = {"rate>=0.99"};
  } else if (name == "order-payment") {
    p.stages = {{s{60}, 10}, {s{60}, 50}, {s{60}, 100}, {s{60}, 50}, {s{60}, 10}};
    p.thresholds["http_req_duration"] = {"p(90)<1000"};
    p.thresholds["http_req_failed"] = {"rate<0.001"};
  } else {
    throw std::invalid_argument("unknown profile '" + name +
                                "' (expected coupon-peak or order-payment)");
  }
  return p;
}

executor_kind parse_executor(const std::string& text) {
  if (text == "ramping-vus")
    return executor_kind::ramping_vus;
  if (text == "ramping-arrival-rate")
    return executor_kind::ramping_arrival_rate;
  throw std::invalid_argument("unknown executor '" + text + "'");
}

std::string to_string(executor_kind e) {
  switch (e) {
  case executor_kind::ramping_vus:
    return "ramping-vus";
  case executor_kind::ramping_arrival_rate:
    return "ramping-arrival-rate";
  case executor_kind::constant_vus:
    return "constant-vus";
  case executor_kind::shared_iterations:
    return "shared-iterations";
  case executor_kind::per_vu_iterations:
    return "per-vu-iterations";
  }
  return "?";
}

std::vector<stage> parse_stages(const std::string& list) {
  std::vector<stage> out;
  std::size_t from = 0;
  for (std::size_t comma; (comma = list.find(',', from)) != std::string::npos; from = comma + 1)
    out.push_back(parse_stage(list.substr(from, comma - from)));
  out.push_back(parse_stage(list.substr(from)));
  return out;
}

} // namespace actorshop::bench
