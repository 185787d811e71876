#ifndef HANDIN_SERVICES_STORAGE_SCAN_H_
#define HANDIN_SERVICES_STORAGE_SCAN_H_

#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "rocksdb/db.h"
#include "services/storage/database.h"
#include "services/storage/keys.h"
#include "services/storage/rocks_status.h"

namespace handin::storage {

// Calls `visit` with each value under `prefix` in the column family
// `family` of `db`, in key order,
// parsed as a `Message`. DATA_LOSS naming `what` if one does not parse;
// RocksDB errors as FromRocksStatus maps them.
template <typename Message, typename Visit>
absl::Status ScanMessages(Database& db, rocksdb::ColumnFamilyHandle* family,
                          const std::string& prefix, absl::string_view what,
                          Visit visit) {
  const std::string end = keys::PrefixEnd(prefix);
  const rocksdb::Slice end_slice(end);
  rocksdb::ReadOptions read;
  read.iterate_upper_bound = &end_slice;
  std::unique_ptr<rocksdb::Iterator> it(db.db().NewIterator(read, family));
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    Message message;
    if (!message.ParseFromArray(it->value().data(),
                                static_cast<int>(it->value().size()))) {
      return absl::DataLossError(
          absl::StrCat("a stored entry of ", what, " is corrupt"));
    }
    visit(std::move(message));
  }
  return FromRocksStatus(it->status(), absl::StrCat("listing ", what));
}

}  // namespace handin::storage

#endif  // HANDIN_SERVICES_STORAGE_SCAN_H_
