#include "services/storage/id_allocator.h"

#include <algorithm>
#include <memory>

#include "absl/strings/str_cat.h"
#include "rocksdb/db.h"
#include "services/storage/keys.h"
#include "services/storage/rocks_status.h"
#include "services/storage/submission_id.h"

namespace handin::storage {

absl::StatusOr<std::string> IdAllocator::Next(
    rocksdb::ColumnFamilyHandle* family, const std::string& prefix) {
  absl::MutexLock lock(&mu_);
  auto last = last_.find(prefix);
  if (last == last_.end()) {
    // First id under this prefix since the store opened: continue after
    // the newest one on disk.
    absl::Time newest = absl::InfinitePast();
    std::unique_ptr<rocksdb::Iterator> it(
        db_.db().NewIterator(rocksdb::ReadOptions(), family));
    it->SeekForPrev(keys::PrefixEnd(prefix));
    if (it->Valid() && it->key().starts_with(prefix)) {
      absl::StatusOr<absl::Time> parsed =
          ParseSubmissionId(ToStringView(it->key()).substr(prefix.size()));
      if (!parsed.ok()) return parsed.status();
      newest = *parsed;
    }
    absl::Status status =
        FromRocksStatus(it->status(), "finding the newest id of a course");
    if (!status.ok()) return status;
    last = last_.emplace(prefix, newest).first;
  }
  const absl::Time now = absl::FromUnixMicros(absl::ToUnixMicros(clock_.Now()));
  const absl::Time id_time =
      std::max(now, last->second + absl::Microseconds(1));
  last->second = id_time;
  return FormatSubmissionId(id_time);
}

}  // namespace handin::storage
