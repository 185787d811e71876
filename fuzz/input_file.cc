#include "fuzz/input_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <vector>

namespace handin::fuzz {
namespace {

// The directory for the file: memory-backed when possible.
std::string TempDir() {
  struct stat info;
  if (stat("/dev/shm", &info) == 0 && S_ISDIR(info.st_mode) &&
      access("/dev/shm", W_OK) == 0) {
    return "/dev/shm";
  }
  const char* tmp = std::getenv("TMPDIR");
  return tmp != nullptr && *tmp != '\0' ? tmp : "/tmp";
}

void Die(const char* what) {
  std::perror(what);
  std::abort();
}

}  // namespace

InputFile& InputFile::Get() {
  static InputFile* const file = new InputFile();
  return *file;
}

InputFile::InputFile() {
  std::string name = TempDir() + "/handin-fuzz-input-XXXXXX";
  std::vector<char> buffer(name.begin(), name.end());
  buffer.push_back('\0');
  fd_ = mkstemp(buffer.data());
  if (fd_ < 0) Die("fuzz: mkstemp");
  path_ = buffer.data();
  static const std::string* const to_remove = &path_;
  std::atexit([] { unlink(to_remove->c_str()); });
}

void InputFile::Write(const uint8_t* data, size_t size) {
  if (ftruncate(fd_, 0) != 0) Die("fuzz: ftruncate");
  size_t done = 0;
  while (done < size) {
    const ssize_t wrote =
        pwrite(fd_, data + done, size - done, static_cast<off_t>(done));
    if (wrote <= 0) Die("fuzz: pwrite");
    done += static_cast<size_t>(wrote);
  }
}

}  // namespace handin::fuzz
