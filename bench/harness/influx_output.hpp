// The InfluxDB v1 output of --out influxdb=http://HOST:8086/DB (k6's measurements and tags).
#pragma once

#include <string>

#include "bench/harness/outputs.hpp"

namespace actorshop::bench {

/// Returns a sink that writes each second to the database of `url` ("k6" when the URL has none).
second_sink influx_sink(const std::string& url, const output_context& ctx);

} // namespace actorshop::bench
