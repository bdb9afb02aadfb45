// See influx_lines.hpp. Runs on the InfluxDB writer thread, millions of lines per run: every
// line is appended into a reused buffer, and what all points of a sample share (the fields after
// `value` and the timestamp) is formatted once per sample.
#include "bench/harness/influx_lines.hpp"

#include <charconv>

#include "bench/harness/sample_points.hpp"

namespace actorshop::bench {

namespace {

void append_number(std::string& out, float v) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v); // shortest form: "0.123", "1"
  out.append(buf, end);
}

void append_int(std::string& out, std::int64_t v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, end);
}

/// Appends "<measurement><tags> value=<v><suffix>": suffix holds the other fields, timestamp, \n.
void line(std::string& out, std::string_view measurement, std::string_view tags, float v,
          const std::string& suffix) {
  out.append(measurement).append(tags).append(" value=");
  append_number(out, v);
  out.append(suffix);
}

/// k6's error_code of an HTTP status: 1000 + status for 4xx and 5xx; 1000 (unknown) when the
/// transport failed; none otherwise.
int error_code_of(int status) {
  if (status == 0)
    return 1000;
  return status >= 400 ? 1000 + status : 0;
}

} // namespace

std::string influx_tag_escape(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == ',' || c == ' ' || c == '=')
      out += '\\';
    out += c;
  }
  return out;
}

influx_lines::influx_lines(std::string base_url, std::string scenario, scenario_metrics names,
                           const std::map<std::string, std::string>& extra_tags,
                           system_tag_set system_tags)
    : base_url_(std::move(base_url)), enabled_(system_tags), ip_(ip_tag_of(base_url_)),
      names_(std::move(names)) {
  if (enabled_.has(system_tag::scenario))
    scenario_tag_ = ",scenario=" + influx_tag_escape(scenario);
  // --tag tags ride with the scenario tag on every point (out of key order: InfluxDB sorts them).
  for (const auto& [k, v] : extra_tags)
    scenario_tag_ += "," + influx_tag_escape(k) + "=" + influx_tag_escape(v);
  for (const auto& c : names_.checks) {
    std::string t;
    if (enabled_.has(system_tag::check))
      t.append(",check=").append(influx_tag_escape(c));
    check_tags_.push_back(t.append(scenario_tag_));
  }
}

// Tags in key order (InfluxDB sorts them otherwise): error_code, expected_response, ip, method,
// name, proto, scenario, status; each only if --system-tags has it. `name` is the URL.
const std::string& influx_lines::request_tags(endpoint ep, int status) {
  auto [it, fresh] = request_tags_.try_emplace(static_cast<int>(ep) * 1000 + status);
  if (fresh) {
    std::string& t = it->second;
    const auto on = [&](system_tag tag) { return enabled_.has(tag); };
    if (const int code = error_code_of(status); code && on(system_tag::error_code))
      t += ",error_code=" + std::to_string(code);
    if (on(system_tag::expected_response))
      t += std::string(",expected_response=") + (status >= 200 && status < 400 ? "true" : "false");
    if (on(system_tag::ip) && !ip_.empty())
      t += ",ip=" + ip_;
    if (on(system_tag::method))
      t += ",method=POST";
    if (on(system_tag::name))
      t += ",name=" + influx_tag_escape(base_url_ + endpoint_paths[static_cast<int>(ep)]);
    if (on(system_tag::proto))
      t += ",proto=HTTP/1.1";
    t += scenario_tag_;
    if (on(system_tag::status))
      t += ",status=" + std::to_string(status);
  }
  return it->second;
}

std::size_t influx_lines::append(const raw_sample& s, std::string& out) {
  // The fields after `value`: url (a request's, as k6's tagsAsFields moves it), then vu and iter
  // as integers when --system-tags enables them. Off by default, as in k6: they cost InfluxDB a
  // third more CPU per point here (~165 against ~105 us of influxd CPU per coupon-peak request).
  suffix_.clear();
  if (s.kind == sample_kind::request && enabled_.has(system_tag::url))
    suffix_.append(",url=\"")
        .append(base_url_)
        .append(endpoint_paths[static_cast<int>(s.ep)])
        .append("\"");
  if (s.kind != sample_kind::dropped) { // a dropped iteration belongs to no VU
    if (enabled_.has(system_tag::vu))
      suffix_.append(",vu="), append_int(suffix_, s.vu), suffix_.push_back('i');
    if (enabled_.has(system_tag::iter))
      suffix_.append(",iter="), append_int(suffix_, s.iter), suffix_.push_back('i');
  }
  suffix_.push_back(' ');
  append_int(suffix_, s.unix_ns);
  suffix_.push_back('\n');
  return s.kind == sample_kind::request ? append_request(s, out) : append_other(s, out);
}

std::size_t influx_lines::append_request(const raw_sample& s, std::string& out) {
  const std::string& tags = request_tags(s.ep, s.status);
  line(out, "http_reqs", tags, 1, suffix_);
  for (std::size_t i = 0; i < request_trends.size(); ++i) {
    line(out, request_trends[i], tags, s.ms[i], suffix_);
    if (i == 2) // plain HTTP: no TLS handshake, k6 still records 0
      line(out, "http_req_tls_handshaking", tags, 0, suffix_);
  }
  line(out, "http_req_failed", tags, s.status >= 200 && s.status < 400 ? 0 : 1, suffix_);
  return 3 + request_trends.size();
}

std::size_t influx_lines::append_other(const raw_sample& s, std::string& out) {
  switch (s.kind) {
  case sample_kind::iteration:
    line(out, "data_sent", scenario_tag_, static_cast<float>(s.sent), suffix_);
    line(out, "data_received", scenario_tag_, static_cast<float>(s.received), suffix_);
    line(out, "iteration_duration", scenario_tag_, s.ms[0], suffix_);
    line(out, "iterations", scenario_tag_, 1, suffix_);
    return 4;
  case sample_kind::check:
    if (s.status >= names_.checks.size())
      return 0;
    line(out, "checks", check_tags_[s.status], s.ok ? 1 : 0, suffix_);
    return 1;
  case sample_kind::outcome: {
    std::size_t n = 0;
    if (s.status < names_.counters.size())
      line(out, names_.counters[s.status], scenario_tag_, 1, suffix_), ++n;
    for (std::size_t i = 0; i < names_.rates.size(); ++i, ++n)
      line(out, names_.rates[i], scenario_tag_, i == s.status ? 1 : 0, suffix_);
    return n;
  }
  case sample_kind::dropped: // k6: a 1 per dropped iteration, with the scenario tag
    line(out, "dropped_iterations", scenario_tag_, 1, suffix_);
    return 1;
  case sample_kind::request:
    break;
  }
  return 0;
}

void influx_lines::append_gauge(const char* metric, double value, std::int64_t ns,
                                std::string& out) {
  out.append(metric).append(" value=");
  append_number(out, static_cast<float>(value));
  out.push_back(' ');
  append_int(out, ns);
  out.push_back('\n');
}

} // namespace actorshop::bench
