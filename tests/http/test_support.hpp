// Helpers for the HTTP tests: a temp dir, a small synchronous Beast client (and a raw-bytes
// client for malformed traffic), and the real actorshop daemon as a child process.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace actorshop::http::test {

/// A fresh directory under /tmp, removed with its contents on destruction.
struct temp_dir {
  temp_dir();
  ~temp_dir();
  std::string path;
};

struct response {
  unsigned status = 0;
  std::string body;
  std::map<std::string, std::string> headers; ///< lower-case names
  std::string header(const std::string& name) const;
};

/// One keep-alive HTTP/1.1 connection to 127.0.0.1:port.
class client {
public:
  explicit client(unsigned short port);
  ~client();
  client(const client&) = delete;
  client& operator=(const client&) = delete;

  /// Sends a request with a JSON body (if any) and returns the reply; throws on I/O errors.
  response request(const std::string& method, const std::string& target,
                   const std::string& body = {},
                   const std::map<std::string, std::string>& headers = {},
                   const std::string& content_type = "application/json");
  response get(const std::string& target) { return request("GET", target); }
  response post(const std::string& target, const std::string& body) {
    return request("POST", target, body);
  }

private:
  struct impl;
  impl* impl_;
};

/// Writes `bytes` raw on a new connection (optionally in pieces with pauses) and returns the
/// reply, or nothing if the server closed the connection without one within `wait`.
std::optional<response> raw_exchange(unsigned short port, const std::string& bytes,
                                     std::chrono::milliseconds wait = std::chrono::seconds(5));

/// Writes `bytes` (several requests) at once on one connection and reads `count` replies.
std::vector<response> pipelined_exchange(unsigned short port, const std::string& bytes,
                                         std::size_t count);

/// True if the server closes a connection that sent `bytes` and then stayed silent, within `wait`.
bool closed_after(unsigned short port, const std::string& bytes, std::chrono::milliseconds wait);

/// The actorshop binary running as a child process, its port read from its start line.
class daemon_process {
public:
  /// Starts ACTORSHOP_BIN with `args` (plus --port 0 unless given); waits for the start line.
  explicit daemon_process(std::vector<std::string> args, std::vector<std::string> env = {});
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

/// Returns the integer value of the first `"key":N` in a JSON body; throws if there is none.
std::int64_t json_int_field(const std::string& body, const std::string& key);

/// Standard arguments for a seeded daemon on `db` with test-friendly timeouts.
std::vector<std::string> seeded_args(const std::string& dir, const std::string& db);

} // namespace actorshop::http::test
