#ifndef HANDIN_COMMON_CLOCK_H_
#define HANDIN_COMMON_CLOCK_H_

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace handin {

// The only source of "now" in handin. Code takes a Clock& instead of calling
// the system clock, so tests can set the time (CONVENTIONS.md, Time).
class Clock {
 public:
  virtual ~Clock() = default;
  // Returns the current instant. Thread-safe.
  virtual absl::Time Now() const = 0;
};

// The server's real clock (UTC wall time).
class SystemClock final : public Clock {
 public:
  absl::Time Now() const override { return absl::Now(); }
};

}  // namespace handin

#endif  // HANDIN_COMMON_CLOCK_H_
