// A small synchronous Beast client for talking to the daemon on loopback, and raw-bytes exchanges
// for malformed or pipelined traffic.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace actorshop::test {

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

/// Returns the integer value of the first `"key":N` in a JSON body; throws if there is none.
std::int64_t json_int_field(const std::string& body, const std::string& key);

} // namespace actorshop::test
