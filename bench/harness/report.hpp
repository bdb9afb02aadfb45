// The --report file: one self-contained HTML page (inline SVG, no scripts, no network) with the
// run's charts over time and the threshold verdicts.
#pragma once

#include <string>
#include <vector>

#include "bench/harness/summary.hpp"

namespace actorshop::bench {

struct chart_series {
  std::string name;
  std::string color;
  std::vector<double> values; ///< one per second_point; negative values are gaps
};

/// Returns an inline SVG line chart of `series` over `times` (seconds).
std::string svg_chart(const std::string& title, const std::string& unit,
                      const std::vector<double>& times, const std::vector<chart_series>& series);

/// Returns the whole HTML report.
std::string html_report(const run_totals& run, const profile& prof,
                        const std::vector<threshold_result>& verdicts, const std::string& target,
                        const std::string& text_summary, const std::string& audit_text);

} // namespace actorshop::bench
