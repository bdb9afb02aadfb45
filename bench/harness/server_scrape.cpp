#include "bench/harness/server_scrape.hpp"

#include <cstdlib>
#include <netdb.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

namespace actorshop::bench {

namespace {

/// Closes a socket on scope exit.
struct socket_fd {
  int fd = -1;
  ~socket_fd() {
    if (fd >= 0)
      ::close(fd);
  }
};

/// Returns a socket connected to `target` with send and receive timeouts, or -1.
int connect_to(const http_target& target, int timeout_ms, socket_fd& s) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(target.host.c_str(), std::to_string(target.port).c_str(), &hints, &found) != 0)
    return -1;
  for (addrinfo* a = found; a && s.fd < 0; a = a->ai_next) {
    s.fd = ::socket(a->ai_family, a->ai_socktype, a->ai_protocol);
    if (s.fd < 0)
      continue;
    timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    setsockopt(s.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(s.fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (::connect(s.fd, a->ai_addr, a->ai_addrlen) != 0) {
      ::close(s.fd);
      s.fd = -1;
    }
  }
  freeaddrinfo(found);
  return s.fd;
}

} // namespace

std::string http_get_body(const http_target& target, const std::string& path, int timeout_ms) {
  socket_fd s;
  if (connect_to(target, timeout_ms, s) < 0)
    return "";
  const std::string request =
      "GET " + path + " HTTP/1.1\r\nHost: " + target.host + "\r\nConnection: close\r\n\r\n";
  if (::send(s.fd, request.data(), request.size(), MSG_NOSIGNAL) !=
      static_cast<ssize_t>(request.size()))
    return "";
  std::string reply;
  char buf[16384];
  for (ssize_t n; (n = ::recv(s.fd, buf, sizeof buf, 0)) > 0;)
    reply.append(buf, static_cast<std::size_t>(n));
  const auto body = reply.find("\r\n\r\n");
  if (reply.rfind("HTTP/1.1 200", 0) != 0 || body == std::string::npos)
    return "";
  return reply.substr(body + 4); // Connection: close, so the body runs to the end
}

std::map<std::string, double> parse_prometheus_text(std::string_view text) {
  std::map<std::string, double> out;
  while (!text.empty()) {
    const auto eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
    if (line.empty() || line.front() == '#')
      continue;
    // The value follows the last space outside the labels (label values may hold spaces).
    const auto labels_end = line.rfind('}');
    const auto space = line.find(' ', labels_end == std::string_view::npos ? 0 : labels_end);
    if (space == std::string_view::npos)
      continue;
    const std::string value(line.substr(space + 1, line.find(' ', space + 1) - space - 1));
    char* end = nullptr;
    const double v = std::strtod(value.c_str(), &end);
    if (end != value.c_str())
      out[std::string(line.substr(0, space))] = v;
  }
  return out;
}

std::map<std::string, double> metrics_scraper::figures_of(const std::map<std::string, double>& s) {
  std::map<std::string, double> out;
  if (auto it = s.find("actorshop_http_in_flight_requests"); it != s.end())
    out["in flight"] = it->second;
  const std::string kind_prefix = "actorshop_live_actors{kind=\"";
  for (auto it = s.lower_bound(kind_prefix); it != s.end() && it->first.starts_with(kind_prefix);
       ++it) {
    const auto kind = it->first.substr(kind_prefix.size());
    out["live " + kind.substr(0, kind.find('"'))] = it->second;
  }
  const auto sum = s.find("actorshop_writer_batch_size_sum");
  const auto count = s.find("actorshop_writer_batch_size_count");
  if (sum != s.end() && count != s.end()) {
    if (last_count_ >= 0 && count->second > last_count_)
      out["batch size (mean)"] = (sum->second - last_sum_) / (count->second - last_count_);
    last_sum_ = sum->second;
    last_count_ = count->second;
  }
  return out;
}

std::map<std::string, double> metrics_scraper::sample() {
  const std::string text = http_get_body(target_, "/metrics", 500);
  return text.empty() ? std::map<std::string, double>{} : figures_of(parse_prometheus_text(text));
}

} // namespace actorshop::bench
