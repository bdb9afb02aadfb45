// Crash safety: a writer process killed with SIGKILL at an arbitrary moment loses no unit whose
// success it had reported, and leaves a database that passes integrity_check.
#include <catch2/catch.hpp>
#include <poll.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <sstream>
#include <unordered_set>

#include "storage/sqlite.hpp"
#include "support/temp_dir.hpp"

using namespace actorshop::storage;

namespace {

/// Runs the child on `db` for about `run_for`, kills it, and returns the ids it acknowledged.
std::vector<std::int64_t> run_and_kill(const std::string& db, std::int64_t first_id,
                                       const char* mode, std::chrono::milliseconds run_for) {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    dup2(fds[1], STDOUT_FILENO);
    close(fds[0]);
    close(fds[1]);
    std::string first = std::to_string(first_id);
    execl(STORAGE_CRASH_CHILD, STORAGE_CRASH_CHILD, db.c_str(), first.c_str(), mode, nullptr);
    _exit(127);
  }
  close(fds[1]);
  std::string output;
  char buf[65536];
  auto deadline = std::chrono::steady_clock::now() + run_for;
  bool killed = false;
  for (;;) {
    if (!killed && std::chrono::steady_clock::now() >= deadline) {
      kill(child, SIGKILL);
      killed = true;
    }
    pollfd p{fds[0], POLLIN, 0};
    if (poll(&p, 1, 20) <= 0)
      continue;
    ssize_t n = read(fds[0], buf, sizeof buf);
    if (n <= 0)
      break; // EOF: the child is gone and the pipe is drained
    output.append(buf, static_cast<std::size_t>(n));
  }
  close(fds[0]);
  int status = 0;
  waitpid(child, &status, 0);
  CHECK(WIFSIGNALED(status));
  // Only complete lines count: the last one may have been cut by the kill.
  output.resize(output.rfind('\n') == std::string::npos ? 0 : output.rfind('\n') + 1);
  std::vector<std::int64_t> ids;
  std::istringstream lines(output);
  for (std::int64_t id; lines >> id;)
    ids.push_back(id);
  return ids;
}

} // namespace

TEST_CASE("after SIGKILL every acknowledged unit is in the database and it is intact",
          "[storage][crash]") {
  const char* mode = GENERATE("full", "full_pipelined");
  INFO("sync mode " << mode);
  actorshop::test::temp_dir dir;
  std::string db = dir.file("shop.db");
  std::vector<std::int64_t> acked;
  for (int run = 0; run < 3; ++run) {
    auto ids = run_and_kill(db, (run + 1) * 100'000'000LL, mode, std::chrono::milliseconds(1000));
    INFO("run " << run);
    CHECK(!ids.empty());
    acked.insert(acked.end(), ids.begin(), ids.end());

    connection check(db, SQLITE_OPEN_READWRITE);
    CHECK(check.query_text("PRAGMA integrity_check") == "ok");
    std::unordered_set<std::int64_t> present;
    auto s = check.prepare("SELECT id FROM outbox");
    while (s.step())
      present.insert(s.column_int64(0));
    std::size_t missing = 0;
    for (auto id : acked)
      missing += present.count(id) == 0 ? 1 : 0;
    CHECK(missing == 0);
    CHECK(present.size() >= acked.size());
  }
}
