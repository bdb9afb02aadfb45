// Chart pages (the bench's --report, the daemon's /dashboard) as Debian's headless Chromium draws
// them: tests/support/chart_check.js drives Chromium over the DevTools protocol, waits for the
// page's own self-check (charts.js, or live.js on the dashboard) to say every chart drew data, and
// reports what it saw.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace actorshop::test {

struct chart_check_options {
  int min_polls = 0;      ///< the dashboard's refreshes to wait for
  bool zoom = false;      ///< zoom the first chart and check that the time series follow
  bool detail = false;    ///< click the first dashboard chart, check its detail view, press Esc
  std::string screenshot; ///< a PNG to write once the charts drew (empty: none)
  int deadline_s = 90;    ///< the bound of the wait (polling, not a sleep)
};

struct chart_state {
  std::string kind, title;
  std::int64_t rows = 0;
  bool drawn = false;               ///< its plotting canvas holds painted pixels
  std::vector<std::string> missing; ///< families the daemon does not expose (dashboard)
};

struct chart_check_result {
  bool ok = false; ///< every chart drew before the deadline
  std::vector<chart_state> charts;
  std::vector<std::string> errors; ///< JavaScript exceptions and console errors
  std::vector<std::string> items;  ///< the page's list items ("ok ✓ http_req_duration ...")
  std::int64_t polls = 0;
  bool zoom_synced = false;
  std::int64_t zoomed_charts = 0;
  /// The dashboard's detail view of the first chart (with options.detail): whether the click
  /// opened it, its dygraphs chart's title, rows and drawn (charts.js's self-check), whether a
  /// poll added a row to it, and whether Esc removed the view and its chart.
  struct detail_state {
    bool opened = false;
    std::string title;
    std::int64_t rows = 0;
    bool drawn = false, grew = false, closed = false;
  } detail;
  std::string json; ///< everything, for INFO
};

/// Loads `url` in headless Chromium and returns what chart_check.js saw (files in `work_dir`).
chart_check_result check_charts(const std::string& url, const std::string& work_dir,
                                const chart_check_options& options = {});

} // namespace actorshop::test
