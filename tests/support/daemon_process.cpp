// Implementation of the daemon child process helpers.
#include "support/daemon_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <stdexcept>

#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace actorshop::test {

daemon_process::daemon_process(std::vector<std::string> args, std::vector<std::string> env,
                               const std::string& stderr_file) {
  bool has_port = false;
  for (const auto& a : args)
    has_port = has_port || a == "--port";
  if (!has_port) {
    args.push_back("--port");
    args.push_back("0");
  }
  int out[2];
  if (pipe(out) != 0)
    throw std::runtime_error("pipe failed");
  pid_ = fork();
  if (pid_ == 0) {
    dup2(out[1], STDOUT_FILENO);
    close(out[0]);
    close(out[1]);
    if (!stderr_file.empty()) {
      int err = open(stderr_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      dup2(err, STDERR_FILENO);
      close(err);
    }
    for (const auto& e : env)
      putenv(const_cast<char*>(e.c_str()));
    std::vector<char*> argv{const_cast<char*>(ACTORSHOP_BIN)};
    for (auto& a : args)
      argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(ACTORSHOP_BIN, argv.data());
    _exit(127);
  }
  close(out[1]);
  // Read the start line ("... listening on http://127.0.0.1:PORT ...") within 30 s.
  pollfd p{out[0], POLLIN, 0};
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  char c;
  while (std::chrono::steady_clock::now() < deadline && poll(&p, 1, 1000) >= 0) {
    if (!(p.revents & (POLLIN | POLLHUP)))
      continue;
    if (read(out[0], &c, 1) != 1)
      break;
    if (c == '\n')
      break;
    line_ += c;
  }
  close(out[0]); // the daemon prints nothing else to stdout; logs go to stderr
  auto at = line_.find("http://127.0.0.1:");
  if (at == std::string::npos) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
    throw std::runtime_error("daemon did not start: '" + line_ + "'");
  }
  port_ = static_cast<unsigned short>(std::stoi(line_.substr(at + 17)));
}

daemon_process::~daemon_process() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
}

int daemon_process::terminate(std::chrono::milliseconds wait) {
  if (pid_ <= 0)
    return -1;
  kill(pid_, SIGTERM);
  const int status = wait_for_exit(pid_, wait);
  if (status != -1)
    pid_ = -1;
  return status;
}

std::vector<std::string> seeded_args(const std::string& dir, const std::string& db) {
  auto config = dir + "/test.toml";
  std::ofstream(config)
      << "[server]\nread_timeout_ms = 1500\nidle_timeout_ms = 5000\n"
         "io_threads = 2\n[actors]\nthreads = 2\n[storage]\nsynchronous = \"NORMAL\"\n";
  return {"--config", config, "--db", db, "--seed", "--admin-token", "test-admin"};
}

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

} // namespace

// Output goes to files rather than pipes: a child that fills a pipe nobody reads would block.
run_result run_actorshop(const std::vector<std::string>& args) {
  temp_dir dir;
  const std::string out = dir.file("out"), err = dir.file("err");
  pid_t pid = fork();
  if (pid == 0) {
    int in = open("/dev/null", O_RDONLY);
    int o = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int e = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(in, STDIN_FILENO);
    dup2(o, STDOUT_FILENO);
    dup2(e, STDERR_FILENO);
    std::vector<char*> argv{const_cast<char*>(ACTORSHOP_BIN)};
    for (const auto& a : args)
      argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(ACTORSHOP_BIN, argv.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  run_result r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

} // namespace actorshop::test
