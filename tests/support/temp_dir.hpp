// A fresh temporary directory per test, removed with everything in it when the test ends.
#pragma once

#include <filesystem>
#include <string>

namespace actorshop::test {

/// A fresh directory under the system temp dir, removed (with its contents) on destruction.
class temp_dir {
public:
  temp_dir();
  ~temp_dir();
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  /// Returns the path of `name` inside the directory.
  std::string file(const std::string& name) const { return (path / name).string(); }

  std::filesystem::path path;
};

} // namespace actorshop::test
