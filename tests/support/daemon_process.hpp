// The real actorshop daemon as a child process: started with arguments on a free loopback port
// (read from its start line), stopped with SIGTERM (exit status) or SIGKILL; and one-shot runs
// of its command line.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace actorshop::test {

/// The actorshop binary running as a child process, its port read from its start line.
class daemon_process {
public:
  /// Starts ACTORSHOP_BIN with `args` (plus --port 0 unless given); waits for the start line.
  /// Its stderr goes to `stderr_file` if given (tests that read the log), else it is inherited.
  explicit daemon_process(std::vector<std::string> args, std::vector<std::string> env = {},
                          const std::string& stderr_file = {});
  ~daemon_process(); ///< SIGKILL if still running
  unsigned short port() const { return port_; }
  pid_t pid() const { return pid_; }
  /// Sends SIGTERM and returns the exit status (-1 if it did not exit within `wait`).
  int terminate(std::chrono::milliseconds wait = std::chrono::seconds(20));
  const std::string& start_line() const { return line_; }

private:
  pid_t pid_ = -1;
  unsigned short port_ = 0;
  std::string line_;
};

/// What a finished run of the actorshop binary printed and returned.
struct run_result {
  int exit_code = -1; ///< 128 + signal if it was killed
  std::string out, err;
};

/// Runs ACTORSHOP_BIN with `args` to completion (stdin is /dev/null) and returns its exit code and
/// what it printed on stdout and stderr.
run_result run_actorshop(const std::vector<std::string>& args);

/// Standard arguments for a seeded daemon on `db` with test-friendly timeouts.
std::vector<std::string> seeded_args(const std::string& dir, const std::string& db);

} // namespace actorshop::test
