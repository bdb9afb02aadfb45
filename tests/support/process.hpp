// Child processes for the tests that drive real programs (the daemon, influxd, chromium, ...):
// a free loopback port to give them, finding a tool, spawning and stopping one, and shell
// commands whose output the test reads.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace actorshop::test {

/// Returns a loopback port that was free a moment ago, from 20000-32000 (not the kernel's
/// ephemeral range, where an outgoing connection could take it before the daemon listens).
unsigned short free_port();

/// Returns the full path of `tool` in the usual bin dirs, or "" (a missing tool fails the test,
/// never skips it).
std::string find_tool(const std::string& tool);

/// A child process (stdout and stderr to `log`), SIGTERM then SIGKILL on scope exit, also when a
/// test fails; throws if it cannot be started.
class child_process {
public:
  child_process(std::vector<std::string> args, const std::string& log);
  ~child_process();
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  /// Sends SIGTERM and returns the exit status (128 + signal if killed), -1 if it did not exit
  /// within `wait`.
  int terminate(std::chrono::milliseconds wait = std::chrono::seconds(20));

  pid_t pid = -1;
};

/// Returns `pid`'s exit status (128 + signal if killed) once it exits within `wait`, else -1.
int wait_for_exit(pid_t pid, std::chrono::milliseconds wait);

/// Quotes `s` for /bin/sh.
std::string sh_quote(const std::string& s);

/// Runs `command` through /bin/sh and returns its stdout; `status` receives the exit code.
/// Callers bound the command themselves (timeout(1), curl --max-time).
std::string shell_output(const std::string& command, int& status);

} // namespace actorshop::test
