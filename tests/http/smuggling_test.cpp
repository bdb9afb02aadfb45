// Request smuggling over a raw socket: a request whose body length is ambiguous gets one 400
// and a closed connection, so the charge hidden behind it is never run.
#include <catch2/catch.hpp>

#include <poll.h>
#include <sys/socket.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>

#include "support/daemon_process.hpp"
#include "support/http_client.hpp"
#include "support/temp_dir.hpp"

using namespace actorshop::test;

namespace {

namespace net = boost::asio;

struct transcript {
  std::string bytes; ///< everything the server sent
  bool closed = false;
};

/// Sends `bytes` on a new connection and reads until the server closes it or `wait` passes.
transcript send_and_drain(unsigned short port, const std::string& bytes,
                          std::chrono::milliseconds wait) {
  net::io_context ioc;
  net::ip::tcp::socket sock(ioc);
  sock.connect({net::ip::make_address("127.0.0.1"), port});
  boost::system::error_code ec;
  net::write(sock, net::buffer(bytes), ec);
  transcript t;
  const auto deadline = std::chrono::steady_clock::now() + wait;
  pollfd p{sock.native_handle(), POLLIN, 0};
  char buf[4096];
  while (std::chrono::steady_clock::now() < deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (poll(&p, 1, static_cast<int>(left.count()) + 1) <= 0)
      break;
    auto n = ::recv(sock.native_handle(), buf, sizeof buf, 0);
    if (n <= 0) {
      t.closed = true;
      break;
    }
    t.bytes.append(buf, static_cast<std::size_t>(n));
  }
  return t;
}

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
    ++n;
  return n;
}

const std::string smuggled_charge = "PATCH /balances/charge HTTP/1.1\r\nHost: x\r\n"
                                    "Content-Type: application/json\r\nContent-Length: 34\r\n\r\n"
                                    R"({"customerId":1001,"amount":77777})";

std::string front(const std::string& framing_headers, const std::string& body = "") {
  return "POST /coupons/issue HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" +
         framing_headers + "\r\n" + body;
}

} // namespace

TEST_CASE("a request with ambiguous framing gets 400 and a closed connection, and the request "
          "smuggled behind it never runs",
          "[http][e2e][smuggling]") {
  temp_dir dir;
  daemon_process d(seeded_args(dir.path, dir.file("shop.db")));
  client c(d.port());
  const auto before = c.get("/balances/1001").body;
  REQUIRE(smuggled_charge.size() > 34);
  const std::string len = std::to_string(smuggled_charge.size());
  const std::vector<std::pair<const char*, std::string>> attacks = {
      {"TE identity, CL covers the charge",
       front("Transfer-Encoding: identity\r\nContent-Length: " + len + "\r\n", smuggled_charge)},
      {"TE identity, no CL", front("Transfer-Encoding: identity\r\n", smuggled_charge)},
      {"TE gzip", front("Transfer-Encoding: gzip\r\n", smuggled_charge)},
      {"TE chunked, identity", front("Transfer-Encoding: chunked, identity\r\n", smuggled_charge)},
      {"TE chunked then gzip lines",
       front("Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n", smuggled_charge)},
      {"CL then TE chunked",
       front("Content-Length: 0\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n" + smuggled_charge)},
      {"TE chunked then CL",
       front("Transfer-Encoding: chunked\r\nContent-Length: 0\r\n", "0\r\n\r\n" + smuggled_charge)},
      {"two equal CLs",
       front("Content-Length: 2\r\nContent-Length: 2\r\n", "{}" + smuggled_charge)},
      {"conflicting CLs",
       front("Content-Length: 2\r\nContent-Length: " + len + "\r\n", "{}" + smuggled_charge)},
      {"CL list", front("Content-Length: 2, 2\r\n", "{}" + smuggled_charge)},
  };
  for (const auto& [name, bytes] : attacks) {
    INFO(name);
    auto t = send_and_drain(d.port(), bytes, std::chrono::seconds(5));
    CHECK(count_of(t.bytes, "HTTP/1.1 ") == 1);
    CHECK(t.bytes.rfind("HTTP/1.1 400 ", 0) == 0);
    CHECK(t.bytes.find("Connection: close\r\n") != std::string::npos);
    CHECK(t.closed);
  }
  CHECK(c.get("/balances/1001").body == before);
}
