#include "services/intake/upload_watchdog.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"

namespace handin::intake {
namespace {

using Steady = std::chrono::steady_clock;

// How often the thread looks: a tenth of the idle limit, within bounds, so
// an upload ends at most about 10% (or a second) past its limit.
Steady::duration TickFor(absl::Duration idle_timeout) {
  const absl::Duration tick =
      std::clamp(idle_timeout / 10, absl::Milliseconds(10), absl::Seconds(1));
  return absl::ToChronoMilliseconds(tick);
}

absl::Duration ToDuration(Steady::duration d) {
  return absl::FromChrono(
      std::chrono::duration_cast<std::chrono::milliseconds>(d));
}

}  // namespace

UploadWatchdog::UploadWatchdog(absl::Duration idle_timeout, Executor& executor)
    : idle_timeout_(absl::ToChronoMilliseconds(idle_timeout)),
      executor_(executor),
      thread_([this] { Run(); }) {}

UploadWatchdog::~UploadWatchdog() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  thread_.join();
}

uint64_t UploadWatchdog::Register(Expirable* upload) {
  absl::MutexLock lock(&mu_);
  const uint64_t id = next_id_++;
  Watched& watched = watched_[id];
  watched.upload = upload;
  watched.last_activity = Steady::now();
  return id;
}

void UploadWatchdog::Unregister(uint64_t id) {
  absl::MutexLock lock(&mu_);
  watched_.erase(id);
}

void UploadWatchdog::SetTotalLimit(uint64_t id, absl::Duration limit,
                                   absl::Duration elapsed) {
  absl::MutexLock lock(&mu_);
  auto it = watched_.find(id);
  if (it == watched_.end()) return;
  it->second.total_limit = limit;
  it->second.total_deadline =
      it->second.last_activity + absl::ToChronoMilliseconds(limit - elapsed);
}

absl::StatusOr<uint64_t> UploadWatchdog::BeginRead(uint64_t id) {
  absl::MutexLock lock(&mu_);
  auto it = watched_.find(id);
  if (it == watched_.end()) {
    return absl::InternalError("upload is not watched (a bug in intake)");
  }
  Watched& watched = it->second;
  CheckLimits(watched, Steady::now());
  if (watched.expired.has_value()) return *watched.expired;
  watched.reading = true;
  watched.issuing = true;
  watched.last_activity = Steady::now();
  return ++watched.read;
}

void UploadWatchdog::ReadIssued(uint64_t id, uint64_t read) {
  absl::MutexLock lock(&mu_);
  auto it = watched_.find(id);
  // A later read has begun, or the upload is gone: nothing to do.
  if (it == watched_.end() || it->second.read != read) return;
  it->second.issuing = false;
  MaybeScheduleExpiry(it->second);
}

bool UploadWatchdog::ReadDone(uint64_t id) {
  absl::MutexLock lock(&mu_);
  auto it = watched_.find(id);
  if (it == watched_.end()) return true;
  Watched& watched = it->second;
  if (watched.expired.has_value()) {
    // The read has completed, so the upload waits on nothing: end it now.
    watched.issuing = false;
    MaybeScheduleExpiry(watched);
    return false;
  }
  watched.reading = false;
  watched.last_activity = Steady::now();
  return true;
}

void UploadWatchdog::CheckLimits(Watched& watched, Steady::time_point now) {
  if (watched.expired.has_value()) return;
  if (watched.total_deadline.has_value() && now > *watched.total_deadline) {
    watched.expired = absl::DeadlineExceededError(absl::StrCat(
        "the upload was still running past its item's completion window (",
        absl::FormatDuration(watched.total_limit),
        " from its start); a later completion could not count from its start "
        "either. Nothing was stored; submit again on a faster connection"));
  } else if (watched.reading && now - watched.last_activity > idle_timeout_) {
    watched.expired = absl::DeadlineExceededError(absl::StrCat(
        "the upload sent nothing for ",
        absl::FormatDuration(ToDuration(idle_timeout_)),
        " (intake's idle limit); nothing was stored, submit again"));
  }
}

void UploadWatchdog::MaybeScheduleExpiry(Watched& watched) {
  if (!watched.expired.has_value() || !watched.reading || watched.issuing ||
      watched.expire_scheduled) {
    return;
  }
  watched.expire_scheduled = true;
  Expirable* upload = watched.upload;
  executor_.Schedule([upload, why = *watched.expired] { upload->Expire(why); });
}

void UploadWatchdog::Run() {
  const Steady::duration tick = TickFor(ToDuration(idle_timeout_));
  absl::MutexLock lock(&mu_);
  while (!stopping_) {
    mu_.AwaitWithTimeout(absl::Condition(&stopping_), ToDuration(tick));
    const Steady::time_point now = Steady::now();
    for (auto& [id, watched] : watched_) {
      CheckLimits(watched, now);
      MaybeScheduleExpiry(watched);
    }
  }
}

}  // namespace handin::intake
