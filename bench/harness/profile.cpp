#include "bench/harness/profile.hpp"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <simdjson.h>

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
    if (v < 0)
      throw std::invalid_argument("negative duration '" + text + "'");
  }
  return seconds_d{total};
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
  if (used != text.size() - colon - 1 || s.target < 0)
    throw std::invalid_argument("stage '" + text + "' has an invalid target");
  return s;
}

std::string format_duration(seconds_d d) {
  double s = d.count();
  char buf[64];
  if (s >= 60) {
    const int m = static_cast<int>(s / 60);
    const double rest = s - m * 60;
    if (rest < 0.0005)
      std::snprintf(buf, sizeof buf, "%dm", m);
    else
      std::snprintf(buf, sizeof buf, "%dm%gs", m, std::round(rest * 1000) / 1000);
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
  return e == executor_kind::ramping_vus ? "ramping-vus" : "ramping-arrival-rate";
}

namespace {

namespace dom = simdjson::dom;

[[noreturn]] void bad(const std::string& why) {
  throw std::invalid_argument("profile JSON: " + why);
}

std::string get_string(dom::element e, const char* what) {
  std::string_view v;
  if (e.get(v))
    bad(std::string(what) + " must be a string");
  return std::string(v);
}

seconds_d json_duration(dom::element e) {
  if (e.is_string())
    return parse_duration(get_string(e, "duration"));
  double v = 0;
  if (e.get(v))
    bad("duration must be a string like \"30s\" or a number of seconds");
  return seconds_d{v};
}

std::int64_t get_int(dom::element e, const char* what) {
  std::int64_t v = 0;
  if (e.get(v))
    bad(std::string(what) + " must be an integer");
  return v;
}

/// Reads {"metric": ["expr", {"threshold": "expr", "abortOnFail": false}, ...]}.
void read_thresholds(dom::object obj, profile& p) {
  p.thresholds.clear();
  for (dom::key_value_pair kv : obj) {
    auto& list = p.thresholds[std::string(kv.key)];
    auto add = [&](dom::element e) {
      dom::element inner;
      if (e.is_object() && !e.at_key("threshold").get(inner))
        list.push_back(get_string(inner, "threshold"));
      else
        list.push_back(get_string(e, "threshold"));
    };
    dom::array arr;
    if (!kv.value.get(arr)) {
      for (dom::element e : arr)
        add(e);
    } else {
      add(kv.value);
    }
  }
}

void read_stages(dom::array arr, profile& p) {
  for (dom::element st : arr) {
    dom::element d, t;
    if (st.at_key("duration").get(d) || st.at_key("target").get(t))
      bad("every stage needs a duration and a target");
    p.stages.push_back({json_duration(d), get_int(t, "target")});
  }
}

void read_options(dom::object obj, profile& p) {
  dom::element e;
  if (!obj.at_key("name").get(e))
    p.name = get_string(e, "name");
  p.scenario = p.name;
  if (!obj.at_key("scenario").get(e))
    p.scenario = get_string(e, "scenario");
  if (!obj.at_key("executor").get(e))
    p.executor = parse_executor(get_string(e, "executor"));
  dom::array stages;
  if (obj.at_key("stages").get(e) || e.get(stages))
    bad("\"stages\" must be an array of {duration, target}");
  read_stages(stages, p);
  dom::object th;
  if (!obj.at_key("thresholds").get(e)) {
    if (e.get(th))
      bad("\"thresholds\" must be an object");
    read_thresholds(th, p);
  }
  const std::pair<const char*, std::int64_t*> ints[] = {{"startVUs", &p.start_vus},
                                                        {"startRate", &p.start_rate},
                                                        {"preAllocatedVUs", &p.pre_allocated_vus},
                                                        {"maxVUs", &p.max_vus}};
  for (auto [key, out] : ints)
    if (!obj.at_key(key).get(e))
      *out = get_int(e, key);
  if (!obj.at_key("gracefulRampDown").get(e))
    p.graceful_ramp_down = json_duration(e);
  if (!obj.at_key("gracefulStop").get(e))
    p.graceful_stop = json_duration(e);
}

} // namespace

profile parse_profile_json(const std::string& json, const std::string& fallback_name) {
  dom::parser parser;
  dom::element doc;
  if (auto err = parser.parse(json).get(doc))
    bad(simdjson::error_message(err));
  dom::object obj;
  if (doc.get(obj))
    bad("the top level must be an object");
  profile p;
  p.name = fallback_name;
  read_options(obj, p);
  return p;
}

profile load_profile_file(const std::string& path) {
  std::ifstream in(path);
  if (!in)
    throw std::invalid_argument("cannot read profile file '" + path + "'");
  std::stringstream ss;
  ss << in.rdbuf();
  auto stem = path.substr(path.find_last_of('/') + 1);
  stem = stem.substr(0, stem.rfind('.'));
  return parse_profile_json(ss.str(), stem);
}

std::int64_t planned_vus(const profile& p, seconds_d t) {
  std::int64_t from = p.start_vus;
  double start = 0;
  for (const auto& s : p.stages) {
    const double d = s.duration.count();
    const double end = start + d;
    if (t.count() < end && d > 0) {
      const std::int64_t diff = s.target - from;
      const auto steps = static_cast<std::int64_t>(
          std::floor(static_cast<double>(std::llabs(diff)) * (t.count() - start) / d + 1e-9));
      return from + (diff >= 0 ? steps : -steps);
    }
    from = s.target;
    start = end;
  }
  return from;
}

namespace {
/// Calls f(start, duration, r0, r1) for each stage until it returns true.
template <class F> void for_each_rate_stage(const profile& p, F&& f) {
  double start = 0;
  double r0 = static_cast<double>(p.start_rate);
  for (const auto& s : p.stages) {
    const double r1 = static_cast<double>(s.target);
    if (f(start, s.duration.count(), r0, r1))
      return;
    start += s.duration.count();
    r0 = r1;
  }
}
} // namespace

double planned_iterations(const profile& p, seconds_d t) {
  double total = 0;
  for_each_rate_stage(p, [&](double start, double d, double r0, double r1) {
    const double tau = std::min(std::max(t.count() - start, 0.0), d);
    if (d > 0)
      total += r0 * tau + (r1 - r0) * tau * tau / (2 * d);
    return t.count() <= start + d;
  });
  return total;
}

double iteration_due(const profile& p, double n) {
  double cum = 0;
  double due = -1;
  for_each_rate_stage(p, [&](double start, double d, double r0, double r1) {
    const double in_stage = d > 0 ? (r0 + r1) * d / 2 : 0;
    if (n < cum + in_stage) {
      const double rem = n - cum;
      const double a = (r1 - r0) / (2 * d);
      const double disc = std::max(r0 * r0 + 4 * a * rem, 0.0);
      const double denom = r0 + std::sqrt(disc);
      due = start + (denom > 0 ? 2 * rem / denom : 0);
      return true;
    }
    cum += in_stage;
    return false;
  });
  return due;
}

} // namespace actorshop::bench
