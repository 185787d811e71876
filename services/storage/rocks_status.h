#ifndef HANDIN_SERVICES_STORAGE_ROCKS_STATUS_H_
#define HANDIN_SERVICES_STORAGE_ROCKS_STATUS_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "rocksdb/slice.h"
#include "rocksdb/status.h"

namespace handin::storage {

// The one place a rocksdb::Status becomes an absl::Status. The message is
// "<what>: <RocksDB's own text>", so `what` should name the operation and
// its object ("reading submission 2024... of eecs598-w24").
//
//   OK                                  -> OK
//   NotFound                            -> NOT_FOUND
//   Corruption                          -> DATA_LOSS
//   IOError with no space left          -> RESOURCE_EXHAUSTED
//   Busy, TimedOut, TryAgain, Incomplete,
//   ShutdownInProgress, other IOError   -> UNAVAILABLE
//   Aborted                             -> ABORTED
//   anything else (InvalidArgument, NotSupported, ...) -> INTERNAL: those
//   are our misuse of RocksDB, never the caller's input.
absl::Status FromRocksStatus(const rocksdb::Status& status,
                             absl::string_view what);

// Views RocksDB's bytes as an absl::string_view (Debian's abseil does not
// alias std::string_view). Valid as long as `slice` is.
inline absl::string_view ToStringView(const rocksdb::Slice& slice) {
  return absl::string_view(slice.data(), slice.size());
}

}  // namespace handin::storage

#endif  // HANDIN_SERVICES_STORAGE_ROCKS_STATUS_H_
