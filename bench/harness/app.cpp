#include "bench/harness/app.hpp"

#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <unistd.h>

#include <CLI/CLI.hpp>

#include "bench/harness/audit.hpp"
#include "bench/harness/collector.hpp"
#include "bench/harness/http_client.hpp"
#include "bench/harness/outputs.hpp"
#include "bench/harness/proc_stats.hpp"
#include "bench/harness/report.hpp"
#include "bench/harness/runner.hpp"
#include "bench/harness/summary.hpp"
#ifdef ACTORSHOP_BENCH_WITH_ACTORS
#include "bench/harness/actors_driver.hpp"
#endif

namespace actorshop::bench {

namespace {

struct app_config {
  std::string profile_name = "coupon-peak";
  std::string target = "http://127.0.0.1:8080";
  std::vector<std::string> stages, thresholds, outs;
  std::string profile_file, executor, summary_export, report, db;
  double time_scale = 1.0;
  std::uint64_t seed = 0;
  bool quiet = false, out_samples = false, out_aggregate = false, no_audit = false;
  int io_threads = 1, actor_threads = 2, server_pid = 0;
  std::int64_t stock = 0;   // --target actors: at least this many units per stock row (0: seed's)
  std::int64_t balance = 0; // --target actors: at least this much per customer (0: seed's)
  std::int64_t pre_allocated_vus = -1, max_vus = -1;
};

void add_flags(CLI::App& app, app_config& c) {
  app.add_option("--profile", c.profile_name, "coupon-peak or order-payment")
      ->check(CLI::IsMember({"coupon-peak", "order-payment"}));
  app.add_option("--target", c.target, "http://HOST:PORT or 'actors' (in-process)");
  app.add_option("--stage", c.stages, "DURATION:TARGET, repeatable; replaces the profile's stages");
  app.add_option("--profile-file", c.profile_file, "k6-options-shaped JSON profile");
  app.add_option("--time-scale", c.time_scale, "multiply every stage duration by X")
      ->check(CLI::PositiveNumber);
  app.add_option("--executor", c.executor, "ramping-vus or ramping-arrival-rate")
      ->check(CLI::IsMember({"ramping-vus", "ramping-arrival-rate"}));
  app.add_option("--pre-allocated-vus", c.pre_allocated_vus, "arrival-rate VU pool at start");
  app.add_option("--max-vus", c.max_vus, "arrival-rate VU pool bound");
  app.add_option("--threshold", c.thresholds, "METRIC:EXPR, e.g. 'http_req_duration:p(95)<500'");
  app.add_option("--summary-export", c.summary_export, "write k6's --summary-export JSON here");
  app.add_option("--out", c.outs, "csv=FILE, json=FILE or influxdb=http://HOST:8086/DB");
  app.add_flag("--out-aggregate", c.out_aggregate,
               "--out writes one aggregate per metric and second instead of every sample");
  app.add_flag("--out-samples", c.out_samples,
               "accepted for older scripts; does nothing (every sample is the default)");
  app.add_option("--report", c.report, "write a self-contained HTML report here");
  app.add_option("--seed", c.seed, "random seed (same seed, same customer/product choices)");
  app.add_option("--db", c.db, "SQLite database: audit it (HTTP) or run the actors on it");
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
  app.add_flag("-q,--quiet", c.quiet, "no progress line");
}

profile build_profile(const app_config& c) {
  profile p =
      c.profile_file.empty() ? builtin_profile(c.profile_name) : load_profile_file(c.profile_file);
  if (!c.stages.empty()) {
    p.stages.clear();
    for (const auto& s : c.stages)
      p.stages.push_back(parse_stage(s));
  }
  if (!c.executor.empty())
    p.executor = parse_executor(c.executor);
  if (c.pre_allocated_vus >= 0)
    p.pre_allocated_vus = c.pre_allocated_vus;
  if (c.max_vus >= 0)
    p.max_vus = c.max_vus;
  p.scale_time(c.time_scale);
  if (p.stages.empty())
    throw std::invalid_argument("the profile has no stages");
  return p;
}

/// Returns true when a run of `s` reports `metric` (k6 rejects thresholds on unknown metrics).
bool known_metric(const std::string& metric, scenario_kind s) {
  static const char* builtin[] = {"checks",
                                  "data_received",
                                  "data_sent",
                                  "http_req_blocked",
                                  "http_req_connecting",
                                  "http_req_duration",
                                  "http_req_duration{expected_response:true}",
                                  "http_req_failed",
                                  "http_req_receiving",
                                  "http_req_sending",
                                  "http_req_tls_handshaking",
                                  "http_req_waiting",
                                  "http_reqs",
                                  "iteration_duration",
                                  "iterations",
                                  "vus",
                                  "vus_max",
                                  "dropped_iterations"};
  for (const char* b : builtin)
    if (metric == b)
      return true;
  const auto m = metrics_of(s);
  for (const auto* list : {&m.counters, &m.rates})
    for (const auto& name : *list)
      if (metric == name)
        return true;
  return false;
}

std::vector<threshold> build_thresholds(const app_config& c, const profile& p) {
  std::vector<threshold> out;
  for (const auto& [metric, exprs] : p.thresholds)
    for (const auto& e : exprs)
      out.push_back(parse_threshold(metric, e));
  for (const auto& f : c.thresholds)
    out.push_back(parse_threshold_flag(f));
  for (const auto& t : out)
    if (!known_metric(t.metric, parse_scenario(p.scenario)))
      throw std::invalid_argument("threshold '" + t.expression + "' is on unknown metric '" +
                                  t.metric + "'");
  return out;
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  if (!out)
    throw std::runtime_error("cannot write '" + path + "'");
  out << text;
}

audit_input audit_input_of(const run_totals& run, scenario_kind s) {
  audit_input in;
  in.scenario = s;
  const auto& c = run.all.custom;
  if (s == scenario_kind::coupon_peak)
    in.coupon_201 = c.counters.empty() ? 0 : c.counters[0];
  else
    in.orders_201 = c.check_pass.empty() ? 0 : c.check_pass[0];
  in.paid_orders = run.all.paid_orders;
  return in;
}

/// What the run talks to: the daemon over HTTP or the actors in-process, and the database to
/// audit (the actors' own, or --db next to a daemon; empty: audit over HTTP).
struct target_setup {
  bool actors = false;
  std::optional<http_target> http;
  client_factory factory;
  std::string db_path;
#ifdef ACTORSHOP_BENCH_WITH_ACTORS
  std::unique_ptr<actors_target> shop;
#endif
};

target_setup open_target(const app_config& c) {
  target_setup t;
  t.actors = c.target == "actors";
  t.db_path = c.db;
#ifdef ACTORSHOP_BENCH_WITH_ACTORS
  if (t.actors) {
    t.shop = std::make_unique<actors_target>(c.db, c.actor_threads, c.stock, c.balance);
    t.db_path = t.shop->db_path();
    t.factory = t.shop->factory();
  }
#else
  if (t.actors)
    throw std::invalid_argument("this build has no actors driver (actorshop_actors missing)");
#endif
  if (!t.actors && (c.stock > 0 || c.balance > 0))
    throw std::invalid_argument("--stock and --balance work with --target actors only (the "
                                "daemon owns its database: seed it instead)");
  if (!t.actors) {
    t.http = parse_http_target(c.target);
    t.factory = make_http_factory(*t.http);
  }
  return t;
}

/// The outputs, the progress line and the server's RSS/CPU probe of a run.
collect_options collect_options_of(const app_config& c, const target_setup& t, scenario_kind s,
                                   std::shared_ptr<std::atomic<std::uint64_t>>& failed_writes) {
  collect_options co;
  co.progress = !c.quiet && isatty(STDERR_FILENO);
  output_context oc;
  oc.base_url = t.actors ? "actors://shop" : t.http->url();
  oc.every_sample = !c.out_aggregate;
  oc.names = metrics_of(s);
  failed_writes = oc.failed_writes;
  for (const auto& o : c.outs)
    co.sinks.push_back(make_output(o, oc));
  std::optional<int> pid = c.server_pid > 0 ? std::optional<int>(c.server_pid)
                           : t.actors       ? std::optional<int>(getpid())
                                            : pid_listening_on(t.http->port);
  if (pid) {
    auto sampler = std::make_shared<proc_sampler>(*pid);
    co.probe = [sampler] { return sampler->sample(); };
  }
  return co;
}

/// Stops the actors (so the database is quiet) and audits it against the snapshot before.
audit_result audit_after(target_setup& t, const audit_snapshot& before, const audit_input& in) {
#ifdef ACTORSHOP_BENCH_WITH_ACTORS
  if (t.shop)
    t.shop->shutdown();
#endif
  return !t.db_path.empty() ? audit_db(t.db_path, before, in) : audit_http(*t.http, before, in);
}

int run_checked(const app_config& c) {
  profile prof = build_profile(c);
  const auto thresholds = build_thresholds(c, prof);
  const auto scenario = parse_scenario(prof.scenario);
  target_setup t = open_target(c);
  std::optional<audit_snapshot> before;
  if (!c.no_audit)
    before = !t.db_path.empty() ? db_snapshot(t.db_path) : http_snapshot(*t.http, scenario);

  std::shared_ptr<std::atomic<std::uint64_t>> failed_writes;
  collect_options co = collect_options_of(c, t, scenario, failed_writes);
  // Raw samples are kept only for an output that writes each of them.
  run_options ro{prof, c.io_threads, !c.outs.empty() && !c.out_aggregate, c.seed};
  runner r(ro, t.factory);
  const run_totals run = collect(r, co);
  co.sinks.clear(); // flushes the outputs: the InfluxDB writer drains its queue before we go on

  const auto metrics = collect_metrics(run);
  const auto verdicts = evaluate(metrics, thresholds);
  const std::string summary = text_summary(run, prof, metrics, verdicts);
  std::cout << summary;
  if (!c.summary_export.empty())
    write_file(c.summary_export, summary_export_json(run, metrics, verdicts));

  audit_result audit;
  if (before) {
    audit = audit_after(t, *before, audit_input_of(run, scenario));
    std::cout << "\n  audit (" << (t.db_path.empty() ? "over HTTP" : t.db_path) << "):\n"
              << audit.text;
  }
  if (!c.report.empty())
    write_file(c.report, html_report(run, prof, verdicts, c.target, summary, audit.text));
  if (const auto failed = failed_writes->load()) {
    std::cerr << "actorshop-bench: " << failed << " output writes failed (see above)\n";
    return exit_output_failed;
  }
  for (const auto& v : verdicts)
    if (!v.ok) {
      std::cerr << "some thresholds have failed\n";
      return exit_threshold_failed;
    }
  return audit.ok ? 0 : exit_audit_failed;
}

} // namespace

int run_app(int argc, char** argv) {
  CLI::App app{"actorshop-bench: replays the seed's k6 load profiles against actorshop"};
  app_config c;
  add_flags(app, c);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  try {
    return run_checked(c);
  } catch (const std::exception& e) {
    std::cerr << "actorshop-bench: " << e.what() << "\n";
    return 1;
  }
}

} // namespace actorshop::bench
