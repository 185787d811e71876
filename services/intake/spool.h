#ifndef HANDIN_SERVICES_INTAKE_SPOOL_H_
#define HANDIN_SERVICES_INTAKE_SPOOL_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/sha256.h"

namespace handin::intake {

// `<system temp dir>/handin-intake-spool`, the spool directory when none
// is configured.
std::string DefaultSpoolDir();

// A local copy of one upload's bytes, for the content inspector, which
// reads a file. The file is created in the spool directory with a unique
// name, O_EXCL and mode 0600, holds at most the upload's declared size, and
// is removed when the SpoolFile is destroyed (whatever way the upload
// ended). Hashes what it is given as it goes, so the copy can be checked
// against the declared SHA-256 before it is inspected. Not thread-safe (one
// upload's tasks run one at a time).
class SpoolFile {
 public:
  // Creates an empty spool file in `dir` (made with mode 0700 if missing)
  // that accepts at most `limit_bytes`. Internal naming the directory and
  // the reason if it cannot be made, or if `dir` is not a directory owned by
  // this process's user and writable by it alone (a shared one, like /tmp,
  // would let others swap a staged file): a deployment problem.
  static absl::StatusOr<std::unique_ptr<SpoolFile>> Create(
      const std::string& dir, int64_t limit_bytes);

  // Closes and removes the file.
  ~SpoolFile();
  SpoolFile(const SpoolFile&) = delete;
  SpoolFile& operator=(const SpoolFile&) = delete;

  // Appends `bytes`. Internal if they would take the file past its limit
  // (the caller checks chunks against the declared size first, so that is a
  // broken invariant) or if the write fails (e.g. the disk is full).
  absl::Status Append(absl::string_view bytes);

  // OK if the bytes appended so far have SHA-256 `expected_hex`; DataLoss
  // naming both digests otherwise. Call once, after the last Append.
  absl::Status CheckSha256(const std::string& expected_hex);

  // Where the file is, for the inspector.
  const std::string& path() const { return path_; }
  // Bytes appended so far.
  int64_t size() const { return size_; }

 private:
  SpoolFile(std::string path, int fd, int64_t limit_bytes);

  const std::string path_;
  const int fd_;
  const int64_t limit_bytes_;
  int64_t size_ = 0;
  Sha256 hash_;
};

}  // namespace handin::intake

#endif  // HANDIN_SERVICES_INTAKE_SPOOL_H_
