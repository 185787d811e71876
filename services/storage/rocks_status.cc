#include "services/storage/rocks_status.h"

#include <string>

#include "absl/strings/str_cat.h"

namespace handin::storage {

absl::Status FromRocksStatus(const rocksdb::Status& status,
                             absl::string_view what) {
  if (status.ok()) return absl::OkStatus();
  const std::string message = absl::StrCat(what, ": ", status.ToString());
  if (status.IsNotFound()) return absl::NotFoundError(message);
  if (status.IsCorruption()) return absl::DataLossError(message);
  if (status.IsNoSpace()) return absl::ResourceExhaustedError(message);
  if (status.IsBusy() || status.IsTimedOut() || status.IsTryAgain() ||
      status.IsIncomplete() || status.IsShutdownInProgress() ||
      status.IsIOError()) {
    return absl::UnavailableError(message);
  }
  if (status.IsAborted()) return absl::AbortedError(message);
  return absl::InternalError(message);
}

}  // namespace handin::storage
