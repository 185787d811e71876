#ifndef HANDIN_SERVICES_STORAGE_ID_ALLOCATOR_H_
#define HANDIN_SERVICES_STORAGE_ID_ALLOCATOR_H_

#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "services/storage/database.h"

namespace rocksdb {
class ColumnFamilyHandle;
}  // namespace rocksdb

namespace handin::storage {

// Hands out the ids of records stored under a key prefix (a course's
// submissions, a course's refusals): FormatSubmissionId of the clock's now,
// bumped by a microsecond when the clock has not moved on past the newest id
// under that prefix (or went back), so ids are unique and sort by the order
// they were handed out. Thread-safe; `db` and `clock` must outlive it.
class IdAllocator {
 public:
  IdAllocator(Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  // Returns the next id for keys <prefix><id> of the column family
  // `family`. The first call for a prefix reads its newest key. DATA_LOSS
  // if that key does not end in an id.
  absl::StatusOr<std::string> Next(rocksdb::ColumnFamilyHandle* family,
                                   const std::string& prefix);

 private:
  Database& db_;
  const Clock& clock_;
  absl::Mutex mu_;
  // The instant of the last id handed out, per prefix.
  absl::flat_hash_map<std::string, absl::Time> last_ ABSL_GUARDED_BY(mu_);
};

}  // namespace handin::storage

#endif  // HANDIN_SERVICES_STORAGE_ID_ALLOCATOR_H_
