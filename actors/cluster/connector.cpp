#include "actors/cluster/connector.hpp"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <memory>
#include <string>

#include <caf/actor_system.hpp>
#include <caf/io/basp_broker.hpp>
#include <caf/io/middleman.hpp>
#include <caf/io/middleman_actor_impl.hpp>
#include <caf/io/network/multiplexer.hpp>

namespace actorshop::actors::cluster {
namespace {

struct addrinfo_deleter {
  void operator()(addrinfo* a) const { ::freeaddrinfo(a); }
};

/// Whether the non-blocking `fd` connects to `a` within `deadline`.
bool connects(int fd, const addrinfo& a, std::chrono::milliseconds deadline) {
  if (::connect(fd, a.ai_addr, a.ai_addrlen) == 0)
    return true;
  if (errno != EINPROGRESS)
    return false;
  pollfd p{fd, POLLOUT, 0};
  if (::poll(&p, 1, static_cast<int>(deadline.count())) != 1)
    return false;
  int error = 0;
  socklen_t size = sizeof error;
  return ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size) == 0 && error == 0;
}

/// A socket connected to `host`:`port` within `deadline` (each address tried in turn), or -1.
int connect_within(const std::string& host, std::uint16_t port,
                   std::chrono::milliseconds deadline) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found) != 0)
    return -1;
  std::unique_ptr<addrinfo, addrinfo_deleter> list(found);
  for (const auto* a = list.get(); a != nullptr; a = a->ai_next) {
    const int fd =
        ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0)
      continue;
    if (connects(fd, *a, deadline))
      return fd;
    ::close(fd);
  }
  return -1;
}

class bounded_connector : public caf::io::middleman_actor_impl {
public:
  bounded_connector(caf::actor_config& cfg, caf::actor basp, std::chrono::milliseconds deadline)
      : middleman_actor_impl(cfg, std::move(basp)), deadline_(deadline) {}

  const char* name() const override { return "bounded_connector"; }

protected:
  caf::expected<caf::io::scribe_ptr> connect(const std::string& host, std::uint16_t port) override {
    const int fd = connect_within(host, port, deadline_);
    if (fd < 0)
      return caf::make_error(caf::sec::cannot_connect_to_node, "no connection within deadline",
                             host, port);
    return system().middleman().backend().new_scribe(fd); // the scribe owns fd
  }

private:
  std::chrono::milliseconds deadline_;
};

} // namespace

caf::io::middleman_actor spawn_bounded_connector(caf::actor_system& system,
                                                 std::chrono::milliseconds deadline) {
  auto basp = system.middleman().named_broker<caf::io::basp_broker>(caf::atom("BASP"));
  return system.spawn<bounded_connector, caf::detached + caf::hidden>(std::move(basp), deadline);
}

} // namespace actorshop::actors::cluster
