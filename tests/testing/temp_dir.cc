#include "tests/testing/temp_dir.h"

#include <cstdlib>
#include <filesystem>

#include "gtest/gtest.h"

namespace handin::testing {

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string pattern =
      std::string(base != nullptr ? base : "/tmp") + "/handin-test-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) {
    ADD_FAILURE() << "mkdtemp failed for " << pattern;
  }
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string TempDir::File(const std::string& name) const {
  return path_ + "/" + name;
}

std::string SourceDir() { return HANDIN_SOURCE_DIR; }
std::string BinaryDir() { return HANDIN_BINARY_DIR; }

}  // namespace handin::testing
