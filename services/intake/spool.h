#ifndef HANDIN_SERVICES_INTAKE_SPOOL_H_
#define HANDIN_SERVICES_INTAKE_SPOOL_H_

#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"  // common/clock.h uses absl::Now without it.
#include "absl/time/time.h"
#include "common/clock.h"
#include "common/sha256.h"

namespace handin::intake {

// `<system temp dir>/handin-intake-spool`, the spool directory when none
// is configured.
std::string DefaultSpoolDir();

// What names a resumable upload: every attempt of it (the first and each
// resume) has the same three.
struct SpoolKey {
  std::string principal;
  std::string course_id;
  std::string idempotency_key;
};

// Where the spool file of the resumable upload `key` lives in `dir`:
// "<dir>/resumable-<SHA-256 of the three fields, each length-prefixed>", so
// no choice of ids can name another upload's file or leave the directory.
std::string ResumableSpoolPath(const std::string& dir, const SpoolKey& key);

// A local copy of one upload's bytes, for the content inspector, which
// reads a file. The file lives in the spool directory with mode 0600, holds
// at most the upload's declared size, and is held exclusively (flock) by
// the one SpoolFile that has it open. Hashes what it is given as it goes,
// so the copy can be checked against the declared SHA-256 before it is
// inspected. Not thread-safe (one upload's tasks run one at a time).
//
// A one-shot upload's file (Create) has a unique name and is removed when
// the SpoolFile is destroyed, whatever way the upload ended. A resumable
// upload's file (OpenResumable) has the name ResumableSpoolPath gives it,
// so a later attempt of the same upload finds it; it is removed when the
// SpoolFile is destroyed unless Keep() was called (the stream broke and
// the upload may be resumed), and then SweepSpool removes it after the
// grace period.
class SpoolFile {
 public:
  // Creates an empty spool file with a unique name in `dir` (made with mode
  // 0700 if missing) that accepts at most `limit_bytes`. Internal naming
  // the directory and the reason if it cannot be made, or if `dir` is not
  // a directory owned by this process's user and writable by it alone (a
  // shared one, like /tmp, would let others swap a staged file): a
  // deployment problem.
  static absl::StatusOr<std::unique_ptr<SpoolFile>> Create(
      const std::string& dir, int64_t limit_bytes);

  // Opens the spool file of the resumable upload `key` in `dir` to hold at
  // most `limit_bytes`, keeping its first `resume_offset` bytes (hashed
  // again, so CheckSha256 covers the whole file) and dropping any beyond.
  // resume_offset 0 starts an empty file, replacing any earlier one.
  // FailedPrecondition "intake no longer holds the first N bytes of this
  // upload; start again from 0" when resume_offset > 0 and the file is
  // missing or shorter (it was swept, or the attempt went to another
  // intake); Unavailable when another attempt of the same upload still
  // holds the file (it is ending: try again in a moment); Internal as for
  // Create, or when the file is not a private regular file of intake's.
  static absl::StatusOr<std::unique_ptr<SpoolFile>> OpenResumable(
      const std::string& dir, const SpoolKey& key, int64_t limit_bytes,
      int64_t resume_offset);

  // Closes the file and removes it unless Keep() was called.
  ~SpoolFile();
  SpoolFile(const SpoolFile&) = delete;
  SpoolFile& operator=(const SpoolFile&) = delete;

  // Leaves the file in place when this SpoolFile is destroyed, for a
  // resume. Only for resumable files; a one-shot file is always removed.
  void Keep() { keep_ = resumable_; }

  // Appends `bytes`. Internal if they would take the file past its limit
  // (the caller checks chunks against the declared size first, so that is a
  // broken invariant) or if the write fails (e.g. the disk is full).
  absl::Status Append(absl::string_view bytes);

  // OK if the file's bytes (kept ones and appended ones) have SHA-256
  // `expected_hex`; DataLoss naming both digests otherwise. Call once,
  // after the last Append.
  absl::Status CheckSha256(const std::string& expected_hex);

  // Where the file is, for the inspector.
  const std::string& path() const { return path_; }
  // Bytes in the file.
  int64_t size() const { return size_; }

 private:
  SpoolFile(std::string path, int fd, int64_t limit_bytes, bool resumable);

  const std::string path_;
  const int fd_;
  const int64_t limit_bytes_;
  const bool resumable_;
  bool keep_ = false;
  int64_t size_ = 0;
  Sha256 hash_;
};

// Removes the spool files in `dir` (one-shot and resumable) last written
// before `cutoff` that no SpoolFile holds: the copies of uploads that broke
// and were not resumed within the grace period, and any a crash left
// behind. Returns how many it removed; 0 when `dir` does not exist.
int SweepSpool(const std::string& dir, absl::Time cutoff);

// Sweeps a spool directory at construction (intake's start) and then
// periodically on a thread of its own (every quarter of `grace`, at least
// every 10 minutes and at most every second), removing files older than
// `grace` by `clock`, whose instants must be the file system's (the system
// clock in production). Stops and joins on destruction.
class SpoolSweeper {
 public:
  SpoolSweeper(std::string dir, absl::Duration grace, const Clock& clock);
  ~SpoolSweeper();
  SpoolSweeper(const SpoolSweeper&) = delete;
  SpoolSweeper& operator=(const SpoolSweeper&) = delete;

 private:
  void Sweep();
  void Run();

  const std::string dir_;
  const absl::Duration grace_;
  const Clock& clock_;
  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace handin::intake

#endif  // HANDIN_SERVICES_INTAKE_SPOOL_H_
