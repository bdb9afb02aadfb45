// Implementation of temp_dir.
#include "support/temp_dir.hpp"

#include <cstdlib>
#include <stdexcept>
#include <system_error>

namespace actorshop::test {

temp_dir::temp_dir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "actorshop-test-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr)
    throw std::runtime_error("mkdtemp failed");
  path = pattern;
}

temp_dir::~temp_dir() {
  std::error_code ignored;
  std::filesystem::remove_all(path, ignored);
}

} // namespace actorshop::test
