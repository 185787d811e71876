#ifndef HANDIN_TESTS_TESTING_TEMP_DIR_H_
#define HANDIN_TESTS_TESTING_TEMP_DIR_H_

#include <string>

namespace handin::testing {

// A fresh directory under $TMPDIR (or /tmp), removed with its contents when
// the object goes out of scope.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // Returns path() + "/" + name.
  std::string File(const std::string& name) const;

 private:
  std::string path_;
};

// Returns the repository root the tests were built from.
std::string SourceDir();
// Returns the build directory the tests were built in.
std::string BinaryDir();

}  // namespace handin::testing

#endif  // HANDIN_TESTS_TESTING_TEMP_DIR_H_
