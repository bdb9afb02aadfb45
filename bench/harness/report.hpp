// The --report file: one self-contained HTML page (dygraphs and our chart scripts inlined from
// actorshop_http_assets, the run as embedded JSON, no network) with interactive time series of
// the run, the latency histogram, the per-stage table, the threshold verdicts and the audit.
#pragma once

#include <string>
#include <vector>

#include "bench/harness/audit.hpp"
#include "bench/harness/summary.hpp"

namespace actorshop::bench {

/// Everything the report shows.
struct report_input {
  const run_totals& run;
  const profile& prof;
  const std::vector<threshold_result>& verdicts;
  std::string target;
  std::string text_summary;
  bool audited = false;
  audit_result audit;
};

/// Returns the charts of the run as the JSON report.js draws: {"markers": [{x, label}],
/// "charts": [{kind, title, ylabel, labels, data, thresholds, ...}]}.
json report_charts(const report_input& in);

/// Returns the whole HTML report.
std::string html_report(const report_input& in);

} // namespace actorshop::bench
