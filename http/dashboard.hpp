// dashboard: the daemon's live view. GET /dashboard is one self-contained page (live.js, a
// canvas renderer, and the page script inlined, nothing fetched but its data); GET /dashboard/data
// is the compact JSON of every Prometheus family (docs: the metric names contract), polled by the
// page once a second.
#pragma once

#include <string>
#include <vector>

#include <prometheus/metric_family.h>

namespace actorshop::http {

/// Returns {"t": unix_time, "families": {name: {"type", "series": [...]}}}: a counter or gauge
/// series is {"labels", "value"}, a histogram {"labels", "count", "sum", "buckets": [[le,
/// cumulative], ...]} with the last le "+Inf"; summaries and untyped families are skipped, and so
/// are histogram series without observations (absent means 0); every family is there.
std::string dashboard_json(const std::vector<prometheus::MetricFamily>& families, double unix_time);

/// Returns the /dashboard page, built once.
const std::string& dashboard_page();

} // namespace actorshop::http
