#include "bench/harness/app.hpp"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <unistd.h>

#include "bench/harness/audit.hpp"
#include "bench/harness/cli.hpp"
#include "bench/harness/collector.hpp"
#include "bench/harness/http_client.hpp"
#include "bench/harness/outputs.hpp"
#include "bench/harness/proc_stats.hpp"
#include "bench/harness/report.hpp"
#include "bench/harness/runner.hpp"
#include "bench/harness/server_scrape.hpp"
#include "bench/harness/summary.hpp"
#ifdef ACTORSHOP_BENCH_WITH_ACTORS
#include "bench/harness/actors_driver.hpp"
#endif

namespace actorshop::bench {

namespace {

/// Set by SIGINT/SIGTERM; the runner stops at once and the run ends with k6's ExternalAbort.
std::atomic<bool> abort_requested{false};

extern "C" void on_abort_signal(int) {
  if (abort_requested.exchange(true))
    _exit(exit_external_abort); // a second signal: k6 also stops without a summary
}

/// Routes SIGINT and SIGTERM to abort_requested while alive, then restores the old handlers.
struct abort_on_signals {
  struct sigaction old_int {
  }, old_term{};
  abort_on_signals() {
    abort_requested.store(false);
    struct sigaction sa {};
    sa.sa_handler = on_abort_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
  }
  ~abort_on_signals() {
    sigaction(SIGINT, &old_int, nullptr);
    sigaction(SIGTERM, &old_term, nullptr);
  }
};

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
  if (c.no_thresholds)
    return out;
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
  std::shared_ptr<const token_book> tokens; ///< a daemon in token mode; null: the open API
  std::vector<http_target> nodes; ///< a cluster's targets (http is the first), one VU each in turn
  client_factory factory;
  std::vector<std::string> db_paths; ///< one per node, in --target order; empty: audit over HTTP
#ifdef ACTORSHOP_BENCH_WITH_ACTORS
  std::unique_ptr<actors_target> shop;
#endif
};

/// The run's tokens outlive its planned end (stages plus graceful stops) by an hour, and no more:
/// they are bearer credentials.
std::chrono::seconds token_ttl(const profile& p) {
  return std::chrono::ceil<std::chrono::seconds>(p.total_duration()) + std::chrono::hours(1);
}

/// A cluster run's databases: --db a.db,b.db,c.db in --target order. The HTTP audit cannot
/// serve a cluster (its per-customer reads span shards), so they are required unless --no-audit.
std::vector<std::string> cluster_databases(const app_config& c, std::size_t nodes) {
  std::vector<std::string> paths;
  for (std::size_t start = 0; !c.db.empty();) {
    const auto comma = c.db.find(',', start);
    paths.push_back(c.db.substr(start, comma == std::string::npos ? comma : comma - start));
    if (comma == std::string::npos)
      break;
    start = comma + 1;
  }
  if (c.no_audit && paths.empty())
    return paths;
  if (paths.size() != nodes)
    throw std::invalid_argument(
        "a run on " + std::to_string(nodes) + " targets audits every node's database: give --db " +
        "with " + std::to_string(nodes) + " comma-separated files in --target order (got " +
        std::to_string(paths.size()) + "), or --no-audit");
  return paths;
}

target_setup open_target(const app_config& c, const profile& prof) {
  target_setup t;
  t.actors = c.target == "actors";
  if (t.actors && !c.auth_secret_file.empty())
    throw std::invalid_argument("--auth-secret-file works with an http:// target only (the "
                                "actors have no HTTP edge to check tokens)");
  if (!c.db.empty())
    t.db_paths = {c.db};
#ifdef ACTORSHOP_BENCH_WITH_ACTORS
  if (t.actors) {
    t.shop = std::make_unique<actors_target>(c.db, c.actor_threads, c.stock, c.balance);
    t.db_paths = {t.shop->db_path()};
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
    t.nodes = parse_http_targets(c.target);
    t.http = t.nodes.front();
    if (!c.auth_secret_file.empty())
      t.tokens = std::make_shared<const token_book>(c.auth_secret_file, token_ttl(prof));
    t.factory = t.nodes.size() == 1 ? make_http_factory(*t.http, t.tokens)
                                    : make_http_factory(t.nodes, t.tokens);
    if (t.nodes.size() > 1)
      t.db_paths = cluster_databases(c, t.nodes.size());
  }
  return t;
}

/// The outputs, the progress line and the server's RSS/CPU probe of a run.
collect_options collect_options_of(const app_config& c, const target_setup& t, const profile& prof,
                                   const std::vector<threshold>& thresholds,
                                   const system_tag_set& system_tags,
                                   std::shared_ptr<std::atomic<std::uint64_t>>& failed_writes) {
  collect_options co;
  co.progress = !c.quiet && isatty(STDERR_FILENO);
  output_context oc;
  oc.base_url = t.actors ? "actors://shop" : t.http->url();
  oc.every_sample = !c.out_aggregate;
  oc.tags = prof.tags;
  oc.system_tags = system_tags;
  oc.names = metrics_of(parse_scenario(prof.scenario));
  for (const auto& th : thresholds)
    oc.thresholds[th.metric].push_back(th.expression);
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
  if (t.http && !c.report.empty()) { // the daemon's own figures for the report (its /metrics)
    auto scraper = std::make_shared<metrics_scraper>(*t.http);
    co.scrape = [scraper] { return scraper->sample(); };
  }
  return co;
}

std::string join(const std::vector<std::string>& paths) {
  std::string out;
  for (const auto& p : paths)
    out += (out.empty() ? "" : ", ") + p;
  return out;
}

/// Stops the actors (so the database is quiet) and audits it against the snapshot before.
audit_result audit_after(target_setup& t, const audit_snapshot& before, const audit_input& in) {
#ifdef ACTORSHOP_BENCH_WITH_ACTORS
  if (t.shop)
    t.shop->shutdown();
#endif
  return !t.db_paths.empty() ? audit_db(t.db_paths, before, in)
                             : audit_http(*t.http, before, in, 500, t.tokens);
}

int run_checked(const app_config& c) {
  profile prof = build_profile(c);
  const auto thresholds = build_thresholds(c, prof);
  const auto scenario = parse_scenario(prof.scenario);
  const summary_options so = build_summary_options(c, prof);
  target_setup t = open_target(c, prof);
  std::optional<audit_snapshot> before;
  if (!c.no_audit)
    before =
        !t.db_paths.empty() ? db_snapshot(t.db_paths) : http_snapshot(*t.http, scenario, t.tokens);

  std::shared_ptr<std::atomic<std::uint64_t>> failed_writes;
  const system_tag_set system_tags = build_system_tags(c, prof);
  collect_options co = collect_options_of(c, t, prof, thresholds, system_tags, failed_writes);
  // Raw samples are kept only for an output that writes each of them.
  run_options ro{prof,   c.io_threads,     !c.outs.empty() && !c.out_aggregate,
                 c.seed, &abort_requested, seconds_d{c.time_scale}};
  runner r(ro, t.factory);
  const run_totals run = collect(r, co);
  co.sinks.clear(); // flushes the outputs: the InfluxDB writer drains its queue before we go on

  const auto metrics = collect_metrics(run, system_tags.has(system_tag::expected_response));
  const auto verdicts = evaluate(metrics, thresholds);
  const std::string summary = text_summary(run, prof, metrics, verdicts, so);
  std::cout << summary;
  if (!c.summary_export.empty())
    write_file(c.summary_export, summary_export_json(run, metrics, verdicts, so));
  if (!c.summary_json.empty())
    write_file(c.summary_json, summary_data_json(run, metrics, verdicts, so));

  audit_result audit;
  if (before) {
    audit = audit_after(t, *before, audit_input_of(run, scenario));
    std::cout << "\n  audit (" << (t.db_paths.empty() ? "over HTTP" : join(t.db_paths)) << "):\n"
              << audit.text;
  }
  if (!c.report.empty())
    write_file(c.report,
               html_report({run, prof, verdicts, c.target, summary, before.has_value(), audit}));
  if (abort_requested.load()) {
    std::cerr << "the test run was aborted by a signal\n";
    return exit_external_abort;
  }
  if (const auto failed = failed_writes->load()) {
    std::cerr << "actorshop-bench: " << failed << " output writes failed (see above)\n";
    return exit_generic_engine;
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
  app_config c;
  if (const auto exit_code = parse_command_line(argc, argv, c))
    return *exit_code;
  abort_on_signals signals;
  try {
    return run_checked(c);
  } catch (const std::invalid_argument& e) {
    std::cerr << "actorshop-bench: " << e.what() << "\n";
    return exit_invalid_config;
  } catch (const std::exception& e) {
    std::cerr << "actorshop-bench: " << e.what() << "\n";
    return exit_generic_engine;
  }
}

} // namespace actorshop::bench
