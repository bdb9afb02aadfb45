// actor_bench: the actor system's throughput with FULL durability, in process (no HTTP):
//   sold-out  coupon issue decisions/s once the coupon is gone (the 409 path, no storage)
//   durable   coupon issuances/s on a coupon with enough copies (each one committed)
//   pairs     order + payment pairs/s with closed-loop clients, and the pairs' p50/p99 latency
// Each scenario runs --runs times on a fresh seeded database; the table shows median and spread.
// The scenarios live in coupon_scenarios.cpp and pair_scenario.cpp; this file runs and prints.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "bench/actors/scenarios.hpp"
#include "storage/sqlite.hpp"

using namespace actorshop::bench;

namespace {

struct stat_line {
  double median, min, max;
};
stat_line summarize(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return {v[v.size() / 2], v.front(), v.back()};
}

void print(const char* name, const char* unit, std::vector<double> v, const char* target) {
  auto st = summarize(std::move(v));
  std::printf("| %-34s | %12.0f | %12.0f | %12.0f | %-7s | %-18s |\n", name, st.median, st.min,
              st.max, unit, target);
}
void print_ms(const char* name, std::vector<double> v, const char* target) {
  auto st = summarize(std::move(v));
  std::printf("| %-34s | %12.2f | %12.2f | %12.2f | %-7s | %-18s |\n", name, st.median, st.min,
              st.max, "ms", target);
}

void add_flags(CLI::App& app, settings& s) {
  app.add_option("--runs", s.runs, "runs per scenario (median and spread)")
      ->check(CLI::PositiveNumber);
  app.add_option("--threads", s.threads, "CAF scheduler threads")->check(CLI::PositiveNumber);
  app.add_option("--dir", s.dir, "directory for the temporary databases");
  app.add_option("--decisions", s.decisions, "sold-out issue requests per run");
  app.add_option("--issuances", s.issuances, "durable issuances per run");
  app.add_option("--clients", s.clients, "closed-loop order+payment clients");
  app.add_option("--seconds", s.seconds, "duration of the order+payment run");
  app.add_option("--sync", s.sync, "full (default), full_pipelined (as durable) or normal")
      ->check(CLI::IsMember({"full", "full_pipelined", "normal"}));
  app.add_option("--only", s.only, "run one scenario: sold-out, durable or pairs")
      ->check(CLI::IsMember({"sold-out", "durable", "pairs"}));
}

/// Every run's figure per scenario (empty when the scenario was not wanted).
struct results {
  std::vector<double> sold_out, durable, pairs, p50, p99;
};

results run_all(const settings& s) {
  auto wanted = [&](const char* name) { return s.only.empty() || s.only == name; };
  results r;
  for (int i = 0; i < s.runs; ++i) {
    if (wanted("sold-out"))
      r.sold_out.push_back(sold_out_decisions(s));
    if (wanted("durable"))
      r.durable.push_back(durable_issuances(s));
    if (wanted("pairs")) {
      auto p = order_payment_pairs(s);
      r.pairs.push_back(p.per_second);
      r.p50.push_back(p.p50_ms);
      r.p99.push_back(p.p99_ms);
    }
  }
  return r;
}

void print_table(const settings& s, const results& r) {
  std::printf("actor_bench: %d runs, %d CAF threads, sync %s, db dir %s\n", s.runs, s.threads,
              s.sync.c_str(), s.dir.c_str());
  std::printf("| %-34s | %12s | %12s | %12s | %-7s | %-18s |\n", "scenario", "median", "min", "max",
              "unit", "target");
  std::printf("|%s|\n", std::string(116, '-').c_str());
  if (!r.sold_out.empty())
    print("coupon issue decisions (sold out)", "ops/s", r.sold_out, ">= 500,000/s");
  if (!r.durable.empty())
    print("durable coupon issuances", "ops/s", r.durable, ">= 50,000/s");
  if (!r.pairs.empty()) {
    print("order+payment pairs (closed loop)", "pairs/s", r.pairs, ">= 20,000/s");
    print_ms("order+payment pair latency p50", r.p50, "");
    print_ms("order+payment pair latency p99", r.p99, "<= 10 ms");
  }
}

} // namespace

int main(int argc, char** argv) {
  // Process-wide SQLite settings only take before the first SQLite call.
  actorshop::storage::configure_process();
  settings s;
  CLI::App app{"actor_bench: actor-level throughput with FULL durability"};
  add_flags(app, s);
  CLI11_PARSE(app, argc, argv);
  print_table(s, run_all(s));
  return 0;
}
