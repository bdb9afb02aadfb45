// Profiles read from k6-options-shaped JSON files (see profile.hpp), with simdjson.
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <simdjson.h>

#include "bench/harness/profile.hpp"

namespace actorshop::bench {

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
  return checked_duration(v, std::to_string(v));
}

std::int64_t get_int(dom::element e, const char* what) {
  std::int64_t v = 0;
  if (e.get(v))
    bad(std::string(what) + " must be an integer");
  return v;
}

/// A number of VUs or a rate: an integer in [0, max_vus_or_rate].
std::int64_t get_count(dom::element e, const char* what) {
  const auto v = get_int(e, what);
  if (v < 0 || v > max_vus_or_rate)
    bad(std::string(what) + " must be between 0 and " + std::to_string(max_vus_or_rate));
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
    p.stages.push_back({json_duration(d), get_count(t, "target")});
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
  if (!obj.at_key("stages").get(e)) {
    if (e.get(stages))
      bad("\"stages\" must be an array of {duration, target}");
    read_stages(stages, p);
  }
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
      *out = get_count(e, key);
  if (!obj.at_key("gracefulRampDown").get(e))
    p.graceful_ramp_down = json_duration(e);
  if (!obj.at_key("gracefulStop").get(e))
    p.graceful_stop = json_duration(e);
}

std::vector<std::string> get_strings(dom::element e, const char* what) {
  dom::array arr;
  if (e.get(arr))
    bad(std::string(what) + " must be an array of strings");
  std::vector<std::string> out;
  for (dom::element x : arr)
    out.push_back(get_string(x, what));
  return out;
}

/// The k6 options beyond the profile's own: shortcuts and summary settings.
void read_k6_options(dom::object obj, profile& p) {
  dom::element e;
  if (!obj.at_key("vus").get(e))
    p.k6.vus = get_count(e, "vus");
  if (!obj.at_key("duration").get(e))
    p.k6.duration = json_duration(e);
  if (!obj.at_key("iterations").get(e))
    p.k6.iterations = get_int(e, "iterations");
  if (!obj.at_key("summaryTrendStats").get(e))
    p.summary_trend_stats = get_strings(e, "summaryTrendStats");
  if (!obj.at_key("summaryTimeUnit").get(e))
    p.summary_time_unit = get_string(e, "summaryTimeUnit");
  if (!obj.at_key("systemTags").get(e))
    p.system_tags = get_strings(e, "systemTags");
  if (!obj.at_key("noColor").get(e) && e.get(p.no_color))
    bad("noColor must be true or false");
  dom::object tags;
  if (!obj.at_key("tags").get(e)) {
    if (e.get(tags))
      bad("\"tags\" must be an object of strings");
    for (dom::key_value_pair kv : tags)
      p.tags[std::string(kv.key)] = get_string(kv.value, "a tag value");
  }
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
  read_k6_options(obj, p);
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

} // namespace actorshop::bench
