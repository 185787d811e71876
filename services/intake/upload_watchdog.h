#ifndef HANDIN_SERVICES_INTAKE_UPLOAD_WATCHDOG_H_
#define HANDIN_SERVICES_INTAKE_UPLOAD_WATCHDOG_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/executor.h"

namespace handin::intake {

// An upload the watchdog can end.
class Expirable {
 public:
  // Ends the upload with `why` (DEADLINE_EXCEEDED naming the limit). Runs
  // on the executor, only while the upload waits for a read that the
  // upload will then ignore, so no other task of the upload is running.
  virtual void Expire(const absl::Status& why) = 0;

 protected:
  ~Expirable() = default;
};

// Keeps slow-drip streams from pinning the server: one thread per service
// that ends every live upload which waited longer than `idle_timeout` for
// its next message, or is still running past its total limit (the item's
// completion window, counted from when its metadata was read).
//
// Time is intake's monotonic clock: the limits are about the transport,
// like the deadlines of calls to other services, not the domain clock the
// verdict uses.
//
// Protocol for an upload (ids are never reused, so a call made after the
// upload is gone is harmless):
//   Register            once, before its first read;
//   BeginRead           as a task's last act, before StartRead: an error
//                       (the limit passed while a task ran) is the status to
//                       Fail with, and StartRead must not be called;
//   ReadIssued          right after StartRead, with BeginRead's value, from
//                       locals (the upload may be gone by then);
//   ReadDone            first thing in OnReadDone: false means the watchdog
//                       has handed the expiry to the executor (Expire will
//                       finish the upload) and OnReadDone must do nothing;
//   SetTotalLimit       once the limit is known;
//   Unregister          in OnDone, before the upload is deleted.
// While a read is issued and pending and a limit passes, the watchdog
// schedules Expire on the executor; otherwise the expiry waits for the
// upload's next BeginRead or ReadDone. So Expire never runs beside a task
// and Finish is called once. Thread-safe.
class UploadWatchdog {
 public:
  // `executor` runs Expire and must outlive the watchdog; `idle_timeout`
  // > 0. Starts the watchdog's thread.
  UploadWatchdog(absl::Duration idle_timeout, Executor& executor);
  // Stops and joins the thread. Every upload must be unregistered.
  ~UploadWatchdog();
  UploadWatchdog(const UploadWatchdog&) = delete;
  UploadWatchdog& operator=(const UploadWatchdog&) = delete;

  // Returns the id of the newly watched `upload`.
  uint64_t Register(Expirable* upload);
  void Unregister(uint64_t id);
  // The upload fails if it is still reading `limit` after it started,
  // which was `elapsed` before its last read ended (the metadata's, when
  // called from the metadata's task; `elapsed` > 0 for a resumed upload,
  // whose limit counts from its first attempt's start).
  void SetTotalLimit(uint64_t id, absl::Duration limit,
                     absl::Duration elapsed = absl::ZeroDuration());

  absl::StatusOr<uint64_t> BeginRead(uint64_t id);
  void ReadIssued(uint64_t id, uint64_t read);
  bool ReadDone(uint64_t id);

 private:
  using SteadyTime = std::chrono::steady_clock::time_point;

  struct Watched {
    Expirable* upload = nullptr;
    // A read is outstanding (BeginRead .. ReadDone).
    bool reading = false;
    // BeginRead returned, StartRead not known to be called yet.
    bool issuing = false;
    uint64_t read = 0;
    SteadyTime last_activity;
    std::optional<SteadyTime> total_deadline;
    absl::Duration total_limit;
    // Set once a limit has passed; then Expire is scheduled once.
    std::optional<absl::Status> expired;
    bool expire_scheduled = false;
  };

  void Run();
  // Marks `watched` expired if a limit passed by `now`.
  void CheckLimits(Watched& watched, SteadyTime now)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Schedules Expire if `watched` is expired and waits on an issued read.
  void MaybeScheduleExpiry(Watched& watched) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const std::chrono::steady_clock::duration idle_timeout_;
  Executor& executor_;
  absl::Mutex mu_;
  absl::flat_hash_map<uint64_t, Watched> watched_ ABSL_GUARDED_BY(mu_);
  uint64_t next_id_ ABSL_GUARDED_BY(mu_) = 1;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace handin::intake

#endif  // HANDIN_SERVICES_INTAKE_UPLOAD_WATCHDOG_H_
