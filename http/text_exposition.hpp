// text_exposition: Prometheus' text format (0.0.4) of prometheus-cpp's MetricFamily vector,
// written into one std::string. It replaces prometheus::TextSerializer on GET /metrics because
// Debian's prometheus-cpp 1.0.1 writes through std::ostream, a sentry per insertion and one per
// character of a label value: ~9,000 instructions per line, 14 M per scrape of our ~1,500 lines
// (callgrind, bench/http/cpu_per_request.sh). Same lines, same order, same number formatting
// (%.16g, as TextSerializer's precision); label values and HELP are escaped as the format says.
#pragma once

#include <string>
#include <vector>

#include <prometheus/metric_family.h>

namespace actorshop::http {

/// Appends the text format of `families` to `out`.
void append_prometheus_text(std::string& out,
                            const std::vector<prometheus::MetricFamily>& families);

/// The text format of `families`.
std::string prometheus_text(const std::vector<prometheus::MetricFamily>& families);

} // namespace actorshop::http
