// Resource use of a process on this machine from /proc: RSS and CPU share per interval, and the
// pid of the process listening on a loopback TCP port (via /proc/net/tcp and /proc/*/fd).
#pragma once

#include <optional>
#include <utility>

namespace actorshop::bench {

/// Returns the pid of the process that listens on TCP `port`, if it can be seen.
std::optional<int> pid_listening_on(unsigned short port);
/// Returns the resident set size of `pid` in MB, or -1.
double rss_mb(int pid);

/// Samples a process's CPU time; each call returns (RSS MB, CPU % since the previous call).
class proc_sampler {
public:
  explicit proc_sampler(int pid);
  std::pair<double, double> sample();
  int pid() const { return pid_; }

private:
  int pid_;
  double last_cpu_s_ = -1;
  double last_wall_s_ = 0;
};

} // namespace actorshop::bench
