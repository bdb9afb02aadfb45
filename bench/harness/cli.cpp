// The command line of actorshop-bench (see cli.hpp).
#include "bench/harness/cli.hpp"

#include <cstdio>
#include <stdexcept>

#include <CLI/CLI.hpp>

#include "bench/harness/app.hpp"

namespace actorshop::bench {

namespace {

void add_k6_flags(CLI::App& app, app_config& c) {
  app.add_option("-u,--vus", c.vus, "k6: number of VUs (startVUs of stages)");
  app.add_option("-d,--duration", c.duration, "k6: run -u VUs for this long (constant-vus)");
  app.add_option("-i,--iterations", c.iterations, "k6: iterations shared by the VUs");
  app.add_option("-s,--stage", c.stages,
                 "k6: DURATION:TARGET[,DURATION:TARGET...], repeatable; replaces the stages");
  app.add_option("-o,--out", c.outs, "k6: csv=FILE, json=FILE or influxdb=http://HOST:8086/DB");
  app.add_option("-c,--config", c.config_file,
                 "k6: options JSON (stages, vus, duration, iterations, thresholds, tags, "
                 "summaryTrendStats...) over the profile, under the flags");
  app.add_option("--tag", c.tags, "k6: NAME=VALUE added to every sample, repeatable");
  app.add_option("-e,--env", c.env,
                 "k6: VAR=VALUE, repeatable; the built-in scenarios read none, the summary "
                 "JSON echoes them");
  app.add_option("--system-tags", c.system_tags,
                 "k6: the system tags samples carry, comma-separated (default: proto, subproto, "
                 "status, method, url, name, group, check, error, error_code, tls_version, "
                 "scenario, service, expected_response; also vu, iter, ip, ocsp_status)");
  app.add_flag("--no-thresholds", c.no_thresholds, "k6: do not evaluate thresholds");
  app.add_flag("--no-color", c.no_color, "k6: no colors (the summary has none anyway)");
  app.add_option("--threshold", c.thresholds,
                 "METRIC:EXPR, e.g. 'http_req_duration{expected_response:true}:p(95)<500'");
  app.add_option("--summary-export", c.summary_export, "k6: write the summary-export JSON here");
  app.add_option("--summary-json", c.summary_json,
                 "write the handleSummary(data) JSON here (what k6 reporters read)");
  app.add_option("--summary-trend-stats", c.trend_stats,
                 "k6: trend stats, default 'avg,min,med,max,p(90),p(95)'");
  app.add_option("--summary-time-unit", c.time_unit, "k6: fixed time unit (s, ms, us)");
  app.add_flag("-q,--quiet", c.quiet, "k6: no progress line");
}

void add_actorshop_flags(CLI::App& app, app_config& c) {
  app.add_option("--profile", c.profile_name, "coupon-peak or order-payment")
      ->check(CLI::IsMember({"coupon-peak", "order-payment"}));
  app.add_option("--target", c.target,
                 "http://HOST:PORT, or a cluster's nodes http://A,http://B,... (each VU on "
                 "one node, in turn), or 'actors' (in-process)");
  app.add_option("--profile-file", c.profile_file, "k6-options-shaped JSON profile");
  app.add_option("--time-scale", c.time_scale, "multiply every stage duration by X")
      ->check(CLI::PositiveNumber);
  app.add_option("--executor", c.executor, "ramping-vus or ramping-arrival-rate")
      ->check(CLI::IsMember({"ramping-vus", "ramping-arrival-rate"}));
  app.add_option("--pre-allocated-vus", c.pre_allocated_vus, "arrival-rate VU pool at start");
  app.add_option("--max-vus", c.max_vus, "arrival-rate VU pool bound");
  app.add_flag("--out-aggregate", c.out_aggregate,
               "--out writes one aggregate per metric and second instead of every sample");
  app.add_flag("--out-samples", c.out_samples,
               "accepted for older scripts; does nothing (every sample is the default)");
  app.add_option("--report", c.report, "write a self-contained HTML report here");
  app.add_option("--seed", c.seed, "random seed (same seed, same customer/product choices)");
  app.add_option("--db", c.db,
                 "SQLite database: audit it (HTTP) or run the actors on it; a cluster run: "
                 "every node's, comma-separated in --target order");
  app.add_option("--server-pid", c.server_pid, "pid of the daemon for RSS/CPU (default: by port)");
  app.add_option("--io-threads", c.io_threads, "load generator io threads")
      ->check(CLI::Range(1, 64));
  app.add_option("--actor-threads", c.actor_threads, "--target actors: CAF scheduler threads");
  app.add_option("--stock", c.stock,
                 "--target actors: raise every stock row to at least N available units first "
                 "(the seed's 100,000 per option sell out within order-payment at actor speed)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--balance", c.balance,
                 "--target actors: raise every customer's balance to at least N KRW first "
                 "(the seed's 50,000,000 run out within order-payment at actor speed)")
      ->check(CLI::NonNegativeNumber);
  app.add_flag("--no-audit", c.no_audit, "skip the after-run audit");
  app.add_option("--auth-secret-file", c.auth_secret_file,
                 "a daemon in auth.mode = \"token\": its secret; each request carries a token of "
                 "the customer it acts for");
}

/// The -c file as one options layer over `p`: shortcuts, thresholds, summary settings, tags.
shortcuts apply_config_file(const std::string& path, profile& p) {
  const profile cfg = load_profile_file(path);
  shortcuts layer = cfg.k6;
  if (!cfg.stages.empty())
    layer.stages = cfg.stages;
  if (!cfg.thresholds.empty())
    p.thresholds = cfg.thresholds;
  if (!cfg.summary_trend_stats.empty())
    p.summary_trend_stats = cfg.summary_trend_stats;
  if (!cfg.summary_time_unit.empty())
    p.summary_time_unit = cfg.summary_time_unit;
  p.no_color = p.no_color || cfg.no_color;
  for (const auto& [k, v] : cfg.tags)
    p.tags[k] = v;
  if (cfg.system_tags)
    p.system_tags = cfg.system_tags;
  return merge(p.k6, layer);
}

shortcuts flag_layer(const app_config& c) {
  shortcuts f;
  if (c.vus >= 0)
    f.vus = c.vus;
  if (!c.duration.empty())
    f.duration = parse_duration(c.duration);
  if (c.iterations >= 0)
    f.iterations = c.iterations;
  if (!c.stages.empty()) {
    f.stages.emplace();
    for (const auto& s : c.stages)
      for (const auto& st : parse_stages(s))
        f.stages->push_back(st);
  }
  return f;
}

} // namespace

std::optional<int> parse_command_line(int argc, char** argv, app_config& c) {
  CLI::App app{"actorshop-bench: replays the seed's k6 load profiles against actorshop"};
  add_k6_flags(app, c);
  add_actorshop_flags(app, c);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // CLI11's own codes (105 ...) would collide with k6's: a bad command line is InvalidConfig.
    return app.exit(e) == 0 ? 0 : exit_invalid_config;
  }
  return std::nullopt;
}

profile build_profile(const app_config& c) {
  profile p =
      c.profile_file.empty() ? builtin_profile(c.profile_name) : load_profile_file(c.profile_file);
  shortcuts layers = p.k6;
  if (!c.config_file.empty())
    layers = apply_config_file(c.config_file, p);
  p.k6 = merge(layers, flag_layer(c));
  derive_execution(p);
  if (!c.executor.empty())
    p.executor = parse_executor(c.executor);
  if (c.pre_allocated_vus >= 0)
    p.pre_allocated_vus = c.pre_allocated_vus;
  if (c.max_vus >= 0)
    p.max_vus = c.max_vus;
  p.scale_time(c.time_scale);
  if (p.stages.empty())
    throw std::invalid_argument("the profile has no stages");
  for (const auto& [k, v] : parse_pairs(c.tags, "--tag"))
    p.tags[k] = v;
  return p;
}

summary_options build_summary_options(const app_config& c, const profile& p) {
  summary_options so;
  if (!c.trend_stats.empty())
    so.trend_stats = parse_trend_stats(c.trend_stats);
  else if (!p.summary_trend_stats.empty()) {
    std::string joined;
    for (const auto& s : p.summary_trend_stats)
      joined += (joined.empty() ? "" : ",") + s;
    so.trend_stats = parse_trend_stats(joined);
  }
  so.time_unit = c.time_unit.empty() ? p.summary_time_unit : c.time_unit;
  if (!so.time_unit.empty() && so.time_unit != "s" && so.time_unit != "ms" && so.time_unit != "us")
    throw std::invalid_argument("summary time unit '" + so.time_unit + "' is not s, ms or us");
  so.no_color = c.no_color || p.no_color;
  for (const auto& [k, v] : parse_pairs(c.env, "-e"))
    so.env[k] = v;
  for (const auto& [k, v] : p.tags)
    so.tags[k] = v;
  return so;
}

system_tag_set build_system_tags(const app_config& c, const profile& p) {
  if (!c.system_tags && !p.system_tags)
    return {};
  std::vector<std::string> unknown;
  const auto set = c.system_tags ? parse_system_tags(*c.system_tags, &unknown)
                                 : system_tags_from(*p.system_tags, &unknown);
  // k6 ignores a name it does not know; say so, as a typo would silently drop a tag.
  for (const auto& u : unknown)
    std::fprintf(stderr, "actorshop-bench: ignoring unknown system tag '%s'\n", u.c_str());
  return set;
}

std::map<std::string, std::string> parse_pairs(const std::vector<std::string>& pairs,
                                               const char* flag) {
  std::map<std::string, std::string> out;
  for (const auto& p : pairs) {
    const auto eq = p.find('=');
    if (eq == std::string::npos || eq == 0)
      throw std::invalid_argument(std::string(flag) + " '" + p + "' is not NAME=VALUE");
    out[p.substr(0, eq)] = p.substr(eq + 1);
  }
  return out;
}

} // namespace actorshop::bench
