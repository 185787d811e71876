#ifndef HANDIN_SERVICES_INTAKE_PRINCIPAL_LIMITS_H_
#define HANDIN_SERVICES_INTAKE_PRINCIPAL_LIMITS_H_

#include <deque>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock.h"

namespace handin::intake {

// Per-student limits on uploads, so one student (or a script with their
// identity) cannot take intake's capacity from the rest of the class:
// how many uploads they may have open at once, and how many refused
// attempts they may make in a minute before intake stops taking new ones
// from them for the rest of that minute. Thread-safe.
//
// Memory: one entry per student seen, holding at most
// max_refusals_per_minute instants; a class's roster bounds it.
class PrincipalLimits {
 public:
  struct Options {
    // Uploads one student may have open at once. Default 4.
    int max_open_uploads = 4;
    // Refused attempts one student may make in any 60 s before new
    // uploads are turned away. Default 20.
    int max_refusals_per_minute = 20;
  };

  // `clock` must outlive the limits.
  PrincipalLimits(Options options, const Clock& clock);

  // Counts a new open upload of `principal` and returns OK, or returns
  // RESOURCE_EXHAUSTED, counting nothing, when the student already has
  // max_open_uploads open ("you have 4 uploads in progress; at most 4 at
  // once: wait for one to finish") or made max_refusals_per_minute refused
  // attempts in the last 60 s ("... try again in 37s").
  absl::Status Admit(const std::string& principal);

  // Ends an upload Admit counted.
  void Release(const std::string& principal);

  // Notes a refused attempt of `principal` now.
  void NoteRefusal(const std::string& principal);

 private:
  struct Usage {
    int open = 0;
    // Instants of the latest refusals, oldest first, at most
    // max_refusals_per_minute of them.
    std::deque<absl::Time> refusals;
  };

  const Options options_;
  const Clock& clock_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, Usage> usage_ ABSL_GUARDED_BY(mu_);
};

}  // namespace handin::intake

#endif  // HANDIN_SERVICES_INTAKE_PRINCIPAL_LIMITS_H_
