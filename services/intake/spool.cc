#include "services/intake/spool.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "spdlog/spdlog.h"

namespace handin::intake {
namespace {

constexpr char kOneShotPrefix[] = "upload-";
constexpr char kResumablePrefix[] = "resumable-";
constexpr size_t kReadBytes = size_t{1} << 20;

absl::Status SystemError(absl::string_view what, const std::string& path) {
  return absl::InternalError(
      absl::StrCat(what, " ", path, ": ", std::strerror(errno)));
}

// Makes `dir` if missing and checks that only intake's user can write it:
// only intake reads what students upload, and nobody else may swap a staged
// file between its hash check and its inspection.
absl::Status EnsurePrivateDir(const std::string& dir) {
  std::error_code error;
  const bool created = std::filesystem::create_directories(dir, error);
  if (error) {
    return absl::InternalError(absl::StrCat("cannot make the spool directory ",
                                            dir, ": ", error.message()));
  }
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
  return absl::OkStatus();
}

absl::Status NotHeld(int64_t resume_offset) {
  return absl::FailedPreconditionError(
      absl::StrCat("intake no longer holds the first ", resume_offset,
                   " bytes of this upload; start again from 0"));
}

// True if `fd` and `path` are the same file: nobody swept or replaced the
// file between its open and its lock.
bool SameFile(int fd, const std::string& path) {
  struct stat opened, named;
  return fstat(fd, &opened) == 0 && lstat(path.c_str(), &named) == 0 &&
         opened.st_dev == named.st_dev && opened.st_ino == named.st_ino;
}

// Appends `value` to `out` with its length first, so concatenations of
// different fields cannot collide.
void AppendField(std::string& out, absl::string_view value) {
  absl::StrAppend(&out, value.size(), ":", value, ";");
}

}  // namespace

std::string DefaultSpoolDir() {
  std::error_code error;
  std::filesystem::path temp = std::filesystem::temp_directory_path(error);
  if (error) temp = "/tmp";
  return (temp / "handin-intake-spool").string();
}

std::string ResumableSpoolPath(const std::string& dir, const SpoolKey& key) {
  std::string fields;
  AppendField(fields, key.principal);
  AppendField(fields, key.course_id);
  AppendField(fields, key.idempotency_key);
  return absl::StrCat(dir, "/", kResumablePrefix, Sha256::Of(fields));
}

absl::StatusOr<std::unique_ptr<SpoolFile>> SpoolFile::Create(
    const std::string& dir, int64_t limit_bytes) {
  if (absl::Status private_dir = EnsurePrivateDir(dir); !private_dir.ok()) {
    return private_dir;
  }
  // mkstemp opens with O_CREAT | O_EXCL and mode 0600.
  std::string name = absl::StrCat(dir, "/", kOneShotPrefix, "XXXXXX");
  std::vector<char> buffer(name.begin(), name.end());
  buffer.push_back('\0');
  const int fd = mkostemp(buffer.data(), O_CLOEXEC);
  if (fd < 0) return SystemError("cannot make a spool file in", dir);
  // Held while in use, so a sweep never takes it (it is new: it cannot be
  // held by anyone else).
  flock(fd, LOCK_EX | LOCK_NB);
  return std::unique_ptr<SpoolFile>(new SpoolFile(
      std::string(buffer.data()), fd, limit_bytes, /*resumable=*/false));
}

absl::StatusOr<std::unique_ptr<SpoolFile>> SpoolFile::OpenResumable(
    const std::string& dir, const SpoolKey& key, int64_t limit_bytes,
    int64_t resume_offset) {
  if (absl::Status private_dir = EnsurePrivateDir(dir); !private_dir.ok()) {
    return private_dir;
  }
  const std::string path = ResumableSpoolPath(dir, key);
  // A second try covers a sweep that removed the file between its open and
  // its lock.
  for (int attempt = 0; attempt < 2; ++attempt) {
    const int flags =
        O_RDWR | O_CLOEXEC | O_NOFOLLOW | (resume_offset == 0 ? O_CREAT : 0);
    const int fd = open(path.c_str(), flags, 0600);
    if (fd < 0) {
      if (errno == ENOENT) return NotHeld(resume_offset);
      return SystemError("cannot open the spool file", path);
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
      close(fd);
      return absl::UnavailableError(
          "an earlier attempt of this upload is still ending in intake; "
          "ask QueryWriteStatus again in a moment");
    }
    if (!SameFile(fd, path)) {
      close(fd);
      continue;
    }
    struct stat info;
    if (fstat(fd, &info) != 0 || !S_ISREG(info.st_mode) ||
        info.st_uid != geteuid() || (info.st_mode & 077) != 0) {
      close(fd);
      return absl::InternalError(absl::StrCat(
          "the spool file ", path,
          " is not a private regular file of intake's user; remove it"));
    }
    // Owned from here: the destructor closes it (and removes it, as it is
    // not kept).
    std::unique_ptr<SpoolFile> spool(
        new SpoolFile(path, fd, limit_bytes, /*resumable=*/true));
    if (info.st_size < resume_offset) return NotHeld(resume_offset);
    if (ftruncate(fd, resume_offset) != 0 ||
        lseek(fd, resume_offset, SEEK_SET) < 0) {
      return SystemError("cannot trim the spool file", path);
    }
    std::string buffer(kReadBytes, '\0');
    while (spool->size_ < resume_offset) {
      const size_t want = static_cast<size_t>(
          std::min<int64_t>(kReadBytes, resume_offset - spool->size_));
      const ssize_t got = pread(fd, buffer.data(), want, spool->size_);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) return SystemError("cannot read the spool file", path);
      spool->hash_.Update(
          absl::string_view(buffer.data(), static_cast<size_t>(got)));
      spool->size_ += got;
    }
    return spool;
  }
  return absl::UnavailableError(
      "the spool file of this upload changed while intake opened it; ask "
      "QueryWriteStatus again in a moment");
}

SpoolFile::SpoolFile(std::string path, int fd, int64_t limit_bytes,
                     bool resumable)
    : path_(std::move(path)),
      fd_(fd),
      limit_bytes_(limit_bytes),
      resumable_(resumable) {}

SpoolFile::~SpoolFile() {
  // Removed while still locked, so a later opener can tell (SameFile).
  if (!keep_) unlink(path_.c_str());
  close(fd_);
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

int SweepSpool(const std::string& dir, absl::Time cutoff) {
  int removed = 0;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
    const std::string name = entry.path().filename().string();
    if (!absl::StartsWith(name, kOneShotPrefix) &&
        !absl::StartsWith(name, kResumablePrefix)) {
      continue;
    }
    const std::string path = entry.path().string();
    const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) continue;
    struct stat info;
    // Held files are in use; the time is checked under the lock, since a
    // resume may have written the file just before.
    if (flock(fd, LOCK_EX | LOCK_NB) == 0 && fstat(fd, &info) == 0 &&
        S_ISREG(info.st_mode) &&
        absl::TimeFromTimespec(info.st_mtim) < cutoff && SameFile(fd, path) &&
        unlink(path.c_str()) == 0) {
      ++removed;
    }
    close(fd);
  }
  return removed;
}

SpoolSweeper::SpoolSweeper(std::string dir, absl::Duration grace,
                           const Clock& clock)
    : dir_(std::move(dir)), grace_(grace), clock_(clock) {
  Sweep();
  thread_ = std::thread([this] { Run(); });
}

SpoolSweeper::~SpoolSweeper() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  thread_.join();
}

void SpoolSweeper::Sweep() {
  const int removed = SweepSpool(dir_, clock_.Now() - grace_);
  if (removed > 0) {
    spdlog::info("event=spool_swept dir={} removed={} grace={}", dir_, removed,
                 absl::FormatDuration(grace_));
  }
}

void SpoolSweeper::Run() {
  const absl::Duration every =
      std::clamp(grace_ / 4, absl::Seconds(1), absl::Minutes(10));
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      if (mu_.AwaitWithTimeout(absl::Condition(&stopping_), every)) return;
    }
    Sweep();
  }
}

}  // namespace handin::intake
