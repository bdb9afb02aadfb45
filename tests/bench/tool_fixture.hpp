// Helpers for the tests that check the bench's exports with the real Debian tools (influxd,
// chromium, curl): the shared test support (temp dirs, free ports, child processes killed on
// scope exit, shell commands bounded with timeout(1)) plus in-process bench runs.
#pragma once

// The system headers the bench tests have always received through this file.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <csignal>
#include <cstdio>
#include <fcntl.h>
#include <filesystem>
#include <netinet/in.h>
#include <spawn.h>
#include <string>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include "bench/harness/app.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

namespace actorshop::bench::tools {

using actorshop::test::child_process;
using actorshop::test::find_tool;
using actorshop::test::free_port;
using actorshop::test::sh_quote;
using actorshop::test::shell_output;
using actorshop::test::temp_dir;

/// Runs actorshop-bench in this process with `args`; returns its exit code.
inline int run_bench(std::vector<std::string> args) {
  args.insert(args.begin(), "actorshop-bench");
  std::vector<char*> argv;
  for (auto& a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  return run_app(static_cast<int>(args.size()), argv.data());
}

} // namespace actorshop::bench::tools
