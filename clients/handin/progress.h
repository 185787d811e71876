#ifndef HANDIN_CLIENTS_HANDIN_PROGRESS_H_
#define HANDIN_CLIENTS_HANDIN_PROGRESS_H_

#include <cstdint>
#include <ostream>
#include <string>

#include "absl/time/clock.h"  // common/clock.h uses absl::Now without it.
#include "absl/time/time.h"
#include "common/clock.h"

namespace handin::client {

// Returns one progress line for `sent` of `total` bytes after `elapsed`, e.g.
//   "[##########----------]  50%  5.0 MiB / 10.0 MiB  2.5 MiB/s  ETA 0:02"
// `bar_width` is the number of cells between the brackets. Rate and ETA
// count only the bytes sent after `resumed_at` (a resumed upload's start
// offset, sent by an earlier attempt) over `elapsed`, and are "--" until
// time has passed and bytes have moved.
std::string RenderProgress(int64_t sent, int64_t total, absl::Duration elapsed,
                           int bar_width = 30, int64_t resumed_at = 0);

// Redraws a progress line in place (carriage return) on a terminal stream,
// at most ten times a second. Use only when the stream is a terminal.
class ProgressBar {
 public:
  // `out` and `clock` are not owned and must outlive the bar. A resumed
  // upload's bar starts at `resumed_at` bytes.
  ProgressBar(std::ostream& out, int64_t total_bytes, const Clock& clock,
              int64_t resumed_at = 0);

  // Records that `sent_bytes` have been sent; redraws if due.
  void Update(int64_t sent_bytes);
  // Draws the final state and ends the line. Idempotent.
  void Done();

 private:
  void Draw();

  std::ostream& out_;
  const int64_t total_;
  const Clock& clock_;
  const absl::Time start_;
  const int64_t resumed_at_;
  absl::Time last_draw_ = absl::InfinitePast();
  int64_t sent_;
  bool done_ = false;
};

}  // namespace handin::client

#endif  // HANDIN_CLIENTS_HANDIN_PROGRESS_H_
