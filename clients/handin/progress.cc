#include "clients/handin/progress.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "clients/handin/receipt.h"

namespace handin::client {
namespace {

constexpr absl::Duration kRedrawEvery = absl::Milliseconds(100);

std::string FormatEta(absl::Duration left) {
  const int64_t seconds =
      absl::ToInt64Seconds(absl::Ceil(left, absl::Seconds(1)));
  if (seconds >= 3600) {
    return absl::StrFormat("%d:%02d:%02d", seconds / 3600, seconds / 60 % 60,
                           seconds % 60);
  }
  return absl::StrFormat("%d:%02d", seconds / 60, seconds % 60);
}

}  // namespace

std::string RenderProgress(int64_t sent, int64_t total, absl::Duration elapsed,
                           int bar_width, int64_t resumed_at) {
  const double fraction =
      total <= 0 ? 1.0
                 : std::clamp(static_cast<double>(sent) / total, 0.0, 1.0);
  const int filled = static_cast<int>(fraction * bar_width);
  std::string line = absl::StrCat(
      "[", std::string(filled, '#'), std::string(bar_width - filled, '-'), "] ",
      absl::StrFormat("%3d%%", static_cast<int>(fraction * 100)), "  ",
      FormatBytes(sent), " / ", FormatBytes(total), "  ");
  const double seconds = absl::ToDoubleSeconds(elapsed);
  const int64_t moved = sent - resumed_at;
  if (seconds <= 0 || moved <= 0) {
    absl::StrAppend(&line, "--/s  ETA --");
    return line;
  }
  const double rate = moved / seconds;
  absl::StrAppend(&line, FormatBytes(static_cast<int64_t>(rate)), "/s  ETA ",
                  FormatEta(absl::Seconds((total - sent) / rate)));
  return line;
}

ProgressBar::ProgressBar(std::ostream& out, int64_t total_bytes,
                         const Clock& clock, int64_t resumed_at)
    : out_(out),
      total_(total_bytes),
      clock_(clock),
      start_(clock.Now()),
      resumed_at_(resumed_at),
      sent_(resumed_at) {
  Draw();
}

void ProgressBar::Update(int64_t sent_bytes) {
  sent_ = sent_bytes;
  if (clock_.Now() - last_draw_ >= kRedrawEvery) Draw();
}

void ProgressBar::Done() {
  if (done_) return;
  done_ = true;
  Draw();
  out_ << "\n" << std::flush;
}

void ProgressBar::Draw() {
  last_draw_ = clock_.Now();
  // Trailing blanks erase what a longer previous line left behind.
  out_ << "\r"
       << RenderProgress(sent_, total_, last_draw_ - start_,
                         /*bar_width=*/30, resumed_at_)
       << "   " << std::flush;
}

}  // namespace handin::client
