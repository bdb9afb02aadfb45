// process_* families, as Prometheus' own client libraries export them, read from /proc/self.
#include "http/metrics.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace actorshop::http {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

MetricFamily one(std::string name, std::string help, MetricType type, double value) {
  ClientMetric m;
  (type == MetricType::Counter ? m.counter.value : m.gauge.value) = value;
  return {std::move(name), std::move(help), type, {std::move(m)}};
}

/// /proc/self/stat's fields from the third (state) on: the command name before them is in
/// parentheses and may hold spaces, so the split starts after its last ')'.
std::vector<std::string> stat_fields() {
  std::ifstream in("/proc/self/stat");
  std::string line;
  std::getline(in, line);
  std::vector<std::string> fields;
  auto close = line.rfind(')');
  if (close == std::string::npos)
    return fields;
  std::istringstream rest(line.substr(close + 1));
  for (std::string f; rest >> f;)
    fields.push_back(f);
  return fields;
}

double field(const std::vector<std::string>& fields, std::size_t number) {
  // `number` as proc(5) counts (1-based); fields[0] is number 3.
  return number >= 3 && number - 3 < fields.size() ? std::stod(fields[number - 3]) : 0.0;
}

double boot_time_seconds() {
  std::ifstream in("/proc/stat");
  for (std::string key; in >> key;) {
    if (key == "btime") {
      double t = 0;
      in >> t;
      return t;
    }
    in.ignore(std::numeric_limits<std::streamsize>::max(), '\n');
  }
  return 0;
}

double open_fds() {
  std::error_code ec;
  double n = 0;
  for (std::filesystem::directory_iterator it("/proc/self/fd", ec), end; !ec && it != end;
       it.increment(ec))
    ++n;
  return n > 0 ? n - 1 : 0; // minus the descriptor the iteration itself holds open
}

} // namespace

std::vector<MetricFamily> process_families() {
  const auto f = stat_fields();
  const double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(::sysconf(_SC_PAGESIZE));
  rlimit files{};
  ::getrlimit(RLIMIT_NOFILE, &files);
  std::vector<MetricFamily> out;
  out.push_back(one("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
                    MetricType::Counter, (field(f, 14) + field(f, 15)) / ticks));
  out.push_back(
      one("process_open_fds", "Number of open file descriptors.", MetricType::Gauge, open_fds()));
  out.push_back(one("process_max_fds", "Maximum number of open file descriptors.",
                    MetricType::Gauge, double(files.rlim_cur)));
  out.push_back(one("process_virtual_memory_bytes", "Virtual memory size in bytes.",
                    MetricType::Gauge, field(f, 23)));
  out.push_back(one("process_resident_memory_bytes", "Resident memory size in bytes.",
                    MetricType::Gauge, field(f, 24) * page));
  out.push_back(one("process_start_time_seconds",
                    "Start time of the process since unix epoch in seconds.", MetricType::Gauge,
                    boot_time_seconds() + field(f, 22) / ticks));
  return out;
}

} // namespace actorshop::http
