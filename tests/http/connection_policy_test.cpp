// The connection policy (http/listener.hpp) against a flood of silent sockets at the connection
// limit: a new connection has only the first-request timeout, and silent connections cannot take
// the reserve, so /health and well-behaved clients still get in. Every wait is for an event,
// bounded far below the timeouts that would make the test pass by themselves.
#include <catch2/catch.hpp>

#include <poll.h>
#include <sys/socket.h>

#include <fstream>
#include <memory>
#include <optional>
#include <vector>

#include <boost/asio/ip/tcp.hpp>

#include "support/daemon_process.hpp"
#include "support/http_client.hpp"
#include "support/temp_dir.hpp"
#include "support/wait.hpp"

using namespace actorshop::test;

namespace {

namespace net = boost::asio;

/// A connection that never sends a byte.
struct silent_socket {
  net::io_context ioc;
  net::ip::tcp::socket sock{ioc};
  explicit silent_socket(unsigned short port) {
    sock.connect({net::ip::make_address("127.0.0.1"), port});
  }
  /// True once the server has closed it (EOF or reset is readable); does not block.
  bool closed_by_server() {
    pollfd p{sock.native_handle(), POLLIN, 0};
    if (poll(&p, 1, 0) <= 0)
      return false;
    char c;
    return ::recv(sock.native_handle(), &c, 1, MSG_PEEK | MSG_DONTWAIT) <= 0;
  }
};

std::vector<std::unique_ptr<silent_socket>> open_silent(unsigned short port, int n) {
  std::vector<std::unique_ptr<silent_socket>> v;
  for (int i = 0; i < n; ++i)
    v.push_back(std::make_unique<silent_socket>(port));
  return v;
}

/// A seeded daemon limited to `max_connections`, with the given policy settings.
std::vector<std::string> limited_args(const temp_dir& dir, int max_connections,
                                      int first_request_timeout_ms, int reserve) {
  const auto config = dir.file("policy.toml");
  std::ofstream(config) << "[server]\nio_threads = 1\nidle_timeout_ms = 60000\n"
                        << "first_request_timeout_ms = " << first_request_timeout_ms << "\n"
                        << "connection_reserve = " << reserve << "\n"
                        << "[storage]\nsynchronous = \"NORMAL\"\n";
  return {"--config",
          config,
          "--db",
          dir.file("shop.db"),
          "--seed",
          "--max-connections",
          std::to_string(max_connections)};
}

/// GET /health on a new connection, retried until it is answered or `limit` passes.
bool health_answered_within(unsigned short port, std::chrono::milliseconds limit) {
  return wait_for_state(
      [&] {
        try {
          client c(port);
          return c.get("/health").status == 200;
        } catch (const std::exception&) {
          return false; // refused or closed before the answer: try again
        }
      },
      limit);
}

} // namespace

TEST_CASE("silent connections at the connection limit are closed after the first-request "
          "timeout, not the idle timeout",
          "[http][e2e][connections]") {
  temp_dir dir;
  // No reserve: only the timeout frees the slots. 60 s idle timeout, 300 ms for a first request.
  daemon_process d(limited_args(dir, 8, 300, 0));
  auto flood = open_silent(d.port(), 8);
  // Each silent socket is closed by the server; 30 s is far below the 60 s idle timeout.
  for (auto& s : flood)
    CHECK(wait_for_state([&] { return s->closed_by_server(); }, std::chrono::seconds(30)));
  CHECK(health_answered_within(d.port(), std::chrono::seconds(30)));
  CHECK(d.terminate() == 0);
}

TEST_CASE("with silent sockets holding every slot, the reserve lets a new client in and keeps "
          "the clients that have spoken",
          "[http][e2e][connections]") {
  temp_dir dir;
  // A first request may take 60 s here, so only the reserve can let the new client in.
  daemon_process d(limited_args(dir, 8, 60'000, 2));
  client regular(d.port());
  REQUIRE(regular.get("/health").status == 200); // it has spoken: never evicted
  auto flood = open_silent(d.port(), 8);         // 9 connections for 8 slots, 6 for the silent
  // The newcomer is served well within the first-request timeout...
  CHECK(health_answered_within(d.port(), std::chrono::seconds(20)));
  // ...because the oldest silent sockets made room, while the newest still wait for their turn.
  CHECK(
      wait_for_state([&] { return flood.front()->closed_by_server(); }, std::chrono::seconds(20)));
  CHECK_FALSE(flood.back()->closed_by_server());
  CHECK(regular.get("/balances/1001").status == 200);
  CHECK(d.terminate() == 0);
}
