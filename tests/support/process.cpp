// Implementation of the child process helpers.
#include "support/process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <random>
#include <set>
#include <stdexcept>

#include "support/wait.hpp"

namespace actorshop::test {

namespace {

/// True if `port` can be bound on loopback now.
bool bindable(unsigned short port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  const bool ok = bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  close(fd);
  return ok;
}

} // namespace

// From 20000-32000, below the kernel's ephemeral range (32768-60999): a port handed out by
// bind(0) can be taken by another process's outgoing connection before the daemon listens on
// it. A port is never handed out twice by one test process.
unsigned short free_port() {
  static std::mutex m;
  static std::set<unsigned short> taken;
  static std::mt19937 gen{std::random_device{}()};
  std::uniform_int_distribution<int> range(20'000, 32'000);
  std::lock_guard lock(m);
  for (;;) {
    const auto port = static_cast<unsigned short>(range(gen));
    if (!taken.count(port) && bindable(port)) {
      taken.insert(port);
      return port;
    }
  }
}

std::string find_tool(const std::string& tool) {
  for (const char* dir : {"/usr/bin", "/usr/sbin", "/usr/local/bin", "/bin"}) {
    const auto p = std::filesystem::path(dir) / tool;
    if (std::filesystem::exists(p))
      return p.string();
  }
  return "";
}

int wait_for_exit(pid_t pid, std::chrono::milliseconds wait) {
  int status = 0;
  if (!wait_for_state([&] { return waitpid(pid, &status, WNOHANG) == pid; }, wait))
    return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

child_process::child_process(std::vector<std::string> args, const std::string& log) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  std::vector<char*> argv;
  for (auto& a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  const int rc = posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0)
    throw std::runtime_error("cannot start " + args.front());
}

int child_process::terminate(std::chrono::milliseconds wait) {
  if (pid <= 0)
    return -1;
  kill(pid, SIGTERM);
  const int status = wait_for_exit(pid, wait);
  if (status != -1)
    pid = -1;
  return status;
}

child_process::~child_process() {
  if (pid <= 0)
    return;
  if (terminate(std::chrono::seconds(5)) == -1) {
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
  }
}

std::string sh_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s)
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string shell_output(const std::string& command, int& status) {
  std::string out;
  FILE* p = popen(command.c_str(), "r");
  if (p == nullptr)
    throw std::runtime_error("popen failed: " + command);
  char buf[4096];
  for (std::size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;)
    out.append(buf, n);
  const int st = pclose(p);
  status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return out;
}

} // namespace actorshop::test
