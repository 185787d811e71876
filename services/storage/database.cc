#include "services/storage/database.h"

#include <filesystem>
#include <system_error>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "rocksdb/db.h"
#include "rocksdb/iterator.h"
#include "rocksdb/options.h"
#include "services/storage/rocks_status.h"
#include "spdlog/spdlog.h"

namespace handin::storage {
namespace {

constexpr int kReadOnlyOpenAttempts = 5;

// Ours in ColumnFamilyNames() order, then the default family.
std::vector<rocksdb::ColumnFamilyDescriptor> Descriptors(
    const StoreOptions& options) {
  std::vector<rocksdb::ColumnFamilyDescriptor> out;
  for (const std::string& name : ColumnFamilyNames()) {
    out.emplace_back(name, ToColumnFamilyOptions(options, name));
  }
  out.emplace_back(rocksdb::kDefaultColumnFamilyName,
                   rocksdb::ColumnFamilyOptions());
  return out;
}

absl::Status OlderLayoutError(const std::string& dir, absl::string_view why) {
  return absl::FailedPreconditionError(absl::StrCat(
      "the database in ", dir, " was written by an older storage layout (", why,
      "); this handin-storage keeps its data in the column families ",
      absl::StrJoin(ColumnFamilyNames(), ", "),
      " and cannot migrate it: move the directory aside and start with an "
      "empty --data_dir"));
}

}  // namespace

const std::vector<std::string>& ColumnFamilyNames() {
  static const auto* const kNames = new std::vector<std::string>{
      kBlobsFamily,      kSubmissionsFamily, kIndexesFamily, kRefusalsFamily,
      kExtensionsFamily, kAuditFamily,       kGradesFamily};
  return *kNames;
}

Database::Database(std::string dir, rocksdb::DB* db,
                   std::vector<rocksdb::ColumnFamilyHandle*> handles)
    : dir_(std::move(dir)), db_(db), handles_(std::move(handles)) {}

rocksdb::ColumnFamilyHandle* Database::Family(absl::string_view name) const {
  const std::vector<std::string>& names = ColumnFamilyNames();
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return handles_[i];
  }
  return nullptr;
}

Database::~Database() {
  for (rocksdb::ColumnFamilyHandle* handle : handles_) {
    db_->DestroyColumnFamilyHandle(handle).PermitUncheckedError();
  }
  rocksdb::Status closed = db_->Close();
  if (!closed.ok()) {
    spdlog::error("event=close_failed data_dir={} error=\"{}\"", dir_,
                  closed.ToString());
  }
}

absl::StatusOr<std::unique_ptr<Database>> Database::Open(
    const std::string& dir, const StoreOptions& options) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot create the data directory ", dir, ": ", error.message()));
  }
  rocksdb::DB* db = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::Status opened = rocksdb::DB::Open(
      ToDbOptions(options), dir, Descriptors(options), &handles, &db);
  if (opened.IsIOError() &&
      opened.ToString().find("lock") != std::string::npos) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the database in ", dir,
        " is in use by another process (is another handin-storage running "
        "on it?): ",
        opened.ToString()));
  }
  if (!opened.ok()) {
    return FromRocksStatus(opened,
                           absl::StrCat("opening the database in ", dir));
  }
  std::unique_ptr<Database> database(new Database(dir, db, std::move(handles)));
  // The older layout kept everything in the default family, which this one
  // leaves empty.
  std::unique_ptr<rocksdb::Iterator> it(
      db->NewIterator(rocksdb::ReadOptions(), db->DefaultColumnFamily()));
  it->SeekToFirst();
  if (it->Valid()) {
    return OlderLayoutError(dir, "its keys are in the default column family");
  }
  absl::Status status = FromRocksStatus(
      it->status(),
      absl::StrCat("checking the layout of the database in ", dir));
  if (!status.ok()) return status;
  return database;
}

absl::StatusOr<std::unique_ptr<Database>> Database::OpenReadOnly(
    const std::string& dir) {
  std::error_code error;
  if (!std::filesystem::exists(std::filesystem::path(dir) / "CURRENT", error)) {
    return absl::NotFoundError(absl::StrCat(
        "there is no handin database in ", dir,
        " (no CURRENT file); pass the storage service's --data_dir"));
  }
  std::vector<std::string> present;
  rocksdb::Status listed =
      rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir, &present);
  if (!listed.ok()) {
    return FromRocksStatus(
        listed, absl::StrCat("listing the column families in ", dir));
  }
  const absl::flat_hash_set<std::string> found(present.begin(), present.end());
  for (const std::string& name : ColumnFamilyNames()) {
    if (!found.contains(name)) {
      return OlderLayoutError(
          dir, absl::StrCat("it has no column family \"", name, "\""));
    }
  }
  const StoreOptions defaults;
  rocksdb::DBOptions options = ToDbOptions(defaults);
  // Open every table file at once: a live server may delete a file after a
  // compaction, and an open file stays readable.
  options.max_open_files = -1;
  rocksdb::DB* db = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::Status opened;
  // A live server may also delete a file between our read of its MANIFEST
  // and our open of the file; the next attempt reads the newer MANIFEST.
  for (int attempt = 1; attempt <= kReadOnlyOpenAttempts; ++attempt) {
    opened = rocksdb::DB::OpenForReadOnly(options, dir, Descriptors(defaults),
                                          &handles, &db);
    if (opened.ok() || !(opened.IsCorruption() || opened.IsIOError())) break;
    absl::SleepFor(absl::Milliseconds(20) * attempt);
  }
  if (!opened.ok()) {
    return FromRocksStatus(
        opened, absl::StrCat("opening the database in ", dir, " read-only"));
  }
  return std::unique_ptr<Database>(new Database(dir, db, std::move(handles)));
}

}  // namespace handin::storage
