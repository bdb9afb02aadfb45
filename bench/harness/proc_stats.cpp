#include "bench/harness/proc_stats.hpp"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

namespace actorshop::bench {

namespace fs = std::filesystem;

namespace {

/// Returns the socket inodes listening on `port` in /proc/net/tcp{,6}.
std::vector<std::string> listening_inodes(unsigned short port) {
  std::vector<std::string> out;
  for (const char* table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
    std::ifstream in(table);
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line)) {
      std::istringstream ls(line);
      std::string sl, local, remote, st, queues, tr, retr, uid, timeout, inode;
      ls >> sl >> local >> remote >> st >> queues >> tr >> retr >> uid >> timeout >> inode;
      const auto colon = local.rfind(':');
      if (st == "0A" && colon != std::string::npos &&
          std::stoul(local.substr(colon + 1), nullptr, 16) == port)
        out.push_back(inode);
    }
  }
  return out;
}

double wall_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

/// Returns utime + stime of `pid` in seconds, or -1.
double cpu_seconds(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto paren = text.rfind(')');
  if (paren == std::string::npos)
    return -1;
  std::istringstream rest(text.substr(paren + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14)
      utime = std::stoull(field);
    if (i == 15)
      stime = std::stoull(field);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

} // namespace

std::optional<int> pid_listening_on(unsigned short port) {
  const auto inodes = listening_inodes(port);
  if (inodes.empty())
    return std::nullopt;
  std::error_code ec;
  for (const auto& proc : fs::directory_iterator("/proc", ec)) {
    const auto name = proc.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos)
      continue;
    for (const auto& fd : fs::directory_iterator(proc.path() / "fd", ec)) {
      const auto target = fs::read_symlink(fd.path(), ec).string();
      for (const auto& inode : inodes)
        if (target == "socket:[" + inode + "]")
          return std::stoi(name);
    }
  }
  return std::nullopt;
}

double rss_mb(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0)
      return std::stod(line.substr(6)) / 1024.0;
  return -1;
}

proc_sampler::proc_sampler(int pid) : pid_(pid) {
  last_cpu_s_ = cpu_seconds(pid);
  last_wall_s_ = wall_seconds();
}

std::pair<double, double> proc_sampler::sample() {
  const double cpu = cpu_seconds(pid_), wall = wall_seconds();
  double pct = -1;
  if (cpu >= 0 && last_cpu_s_ >= 0 && wall > last_wall_s_)
    pct = 100.0 * (cpu - last_cpu_s_) / (wall - last_wall_s_);
  last_cpu_s_ = cpu;
  last_wall_s_ = wall;
  return {rss_mb(pid_), pct};
}

} // namespace actorshop::bench
