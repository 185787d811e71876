#ifndef HANDIN_FUZZ_INPUT_FILE_H_
#define HANDIN_FUZZ_INPUT_FILE_H_

#include <cstddef>
#include <cstdint>
#include <string>

namespace handin::fuzz {

// A regular file that holds one fuzz input at a time, for code under test
// that takes a path. It lives in /dev/shm (memory) when that exists, else
// in $TMPDIR or /tmp, and is removed at normal exit (a crash leaves it
// behind: it is only as large as the last input). One per process; not
// thread-safe.
class InputFile {
 public:
  // The process's file; aborts if it cannot be made.
  static InputFile& Get();

  // Replaces the file's contents with `data` (`size` bytes). Aborts on a
  // write error: a harness failure must not pass as a clean run.
  void Write(const uint8_t* data, size_t size);

  // The file's path: a regular file, not a link (libmagic judges a link
  // as a link).
  const std::string& path() const { return path_; }

 private:
  InputFile();
  int fd_ = -1;
  std::string path_;
};

}  // namespace handin::fuzz

#endif  // HANDIN_FUZZ_INPUT_FILE_H_
