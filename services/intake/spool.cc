#include "services/intake/spool.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"

namespace handin::intake {

std::string DefaultSpoolDir() {
  std::error_code error;
  std::filesystem::path temp = std::filesystem::temp_directory_path(error);
  if (error) temp = "/tmp";
  return (temp / "handin-intake-spool").string();
}

absl::StatusOr<std::unique_ptr<SpoolFile>> SpoolFile::Create(
    const std::string& dir, int64_t limit_bytes) {
  std::error_code error;
  const bool created = std::filesystem::create_directories(dir, error);
  if (error) {
    return absl::InternalError(absl::StrCat("cannot make the spool directory ",
                                            dir, ": ", error.message()));
  }
  // Only intake reads what students upload, and nobody else may swap a
  // staged file between its hash check and its inspection.
  if (created) {
    std::filesystem::permissions(dir, std::filesystem::perms::owner_all, error);
  }
  struct stat info;
  if (lstat(dir.c_str(), &info) != 0 || !S_ISDIR(info.st_mode) ||
      info.st_uid != geteuid() || (info.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    return absl::InternalError(absl::StrCat(
        "the spool directory ", dir,
        " is not a directory of intake's user that only it can write; "
        "point --spool_dir at a private directory"));
  }
  // mkstemp opens with O_CREAT | O_EXCL and mode 0600.
  std::string name = absl::StrCat(dir, "/upload-XXXXXX");
  std::vector<char> buffer(name.begin(), name.end());
  buffer.push_back('\0');
  const int fd = mkostemp(buffer.data(), O_CLOEXEC);
  if (fd < 0) {
    return absl::InternalError(absl::StrCat("cannot make a spool file in ", dir,
                                            ": ", std::strerror(errno)));
  }
  return std::unique_ptr<SpoolFile>(
      new SpoolFile(std::string(buffer.data()), fd, limit_bytes));
}

SpoolFile::SpoolFile(std::string path, int fd, int64_t limit_bytes)
    : path_(std::move(path)), fd_(fd), limit_bytes_(limit_bytes) {}

SpoolFile::~SpoolFile() {
  close(fd_);
  unlink(path_.c_str());
}

absl::Status SpoolFile::Append(absl::string_view bytes) {
  if (static_cast<int64_t>(bytes.size()) > limit_bytes_ - size_) {
    return absl::InternalError(absl::StrCat("spool file ", path_,
                                            " would grow past its limit of ",
                                            limit_bytes_, " bytes"));
  }
  hash_.Update(bytes);
  while (!bytes.empty()) {
    const ssize_t written = write(fd_, bytes.data(), bytes.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return absl::InternalError(absl::StrCat(
          "cannot write the spool file ", path_, ": ", std::strerror(errno)));
    }
    bytes.remove_prefix(static_cast<size_t>(written));
    size_ += written;
  }
  return absl::OkStatus();
}

absl::Status SpoolFile::CheckSha256(const std::string& expected_hex) {
  const std::string actual = hash_.HexDigest();
  if (actual == expected_hex) return absl::OkStatus();
  return absl::DataLossError(absl::StrCat(
      "the bytes received have SHA-256 ", actual, " but the metadata declared ",
      expected_hex, "; nothing was stored, submit again"));
}

}  // namespace handin::intake
