#ifndef HANDIN_SERVICES_STORAGE_DATABASE_H_
#define HANDIN_SERVICES_STORAGE_DATABASE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/storage/store_options.h"

namespace rocksdb {
class ColumnFamilyHandle;
class DB;
}  // namespace rocksdb

namespace handin::storage {

// Names of the column families (services/storage/keys.h says which keys
// each holds). The default column family stays empty.
inline constexpr char kBlobsFamily[] = "blobs";
inline constexpr char kSubmissionsFamily[] = "submissions";
inline constexpr char kIndexesFamily[] = "indexes";
inline constexpr char kRefusalsFamily[] = "refusals";
inline constexpr char kExtensionsFamily[] = "extensions";
inline constexpr char kAuditFamily[] = "audit";
inline constexpr char kGradesFamily[] = "grades";

// Every column family a database of this layout has, in the order above.
const std::vector<std::string>& ColumnFamilyNames();

// A RocksDB database of handin's layout, with a handle per column family.
// One WriteBatch may span families, so every commit stays one synced
// write. Thread-safe as rocksdb::DB is.
class Database {
 public:
  // Opens (creating if missing) the database in `dir`, creating missing
  // column families. Errors name the directory: FAILED_PRECONDITION if
  // `dir` cannot be created, another process has the database open, or it
  // was written by the older layout (keys in the default column family;
  // there is no migration); DATA_LOSS if it is corrupt; others as
  // FromRocksStatus maps them.
  static absl::StatusOr<std::unique_ptr<Database>> Open(
      const std::string& dir, const StoreOptions& options);

  // Opens the database in `dir` read-only, which works while a
  // handin-storage serves it (retrying briefly if the server deletes a file
  // the open was about to read). NOT_FOUND if there is no database there;
  // FAILED_PRECONDITION if it is of the older layout (no column families);
  // others as FromRocksStatus maps them.
  static absl::StatusOr<std::unique_ptr<Database>> OpenReadOnly(
      const std::string& dir);

  // Destroys the column family handles, then closes the database.
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  rocksdb::DB& db() { return *db_; }
  const std::string& dir() const { return dir_; }

  // Blob manifests, chunks and staging entries: the bulk of the bytes.
  rocksdb::ColumnFamilyHandle* blobs() const { return handles_[0]; }
  // Submission records.
  rocksdb::ColumnFamilyHandle* submissions() const { return handles_[1]; }
  // Submission and refusal indexes, idempotency entries.
  rocksdb::ColumnFamilyHandle* indexes() const { return handles_[2]; }
  // Refused attempts.
  rocksdb::ColumnFamilyHandle* refusals() const { return handles_[3]; }
  // Extensions.
  rocksdb::ColumnFamilyHandle* extensions() const { return handles_[4]; }
  // The audit log.
  rocksdb::ColumnFamilyHandle* audit() const { return handles_[5]; }
  // Scores, attendance, best-group votes and regrade requests.
  rocksdb::ColumnFamilyHandle* grades() const { return handles_[6]; }
  // The family named `name` (one of ColumnFamilyNames()); null if none is.
  rocksdb::ColumnFamilyHandle* Family(absl::string_view name) const;

 private:
  Database(std::string dir, rocksdb::DB* db,
           std::vector<rocksdb::ColumnFamilyHandle*> handles);

  const std::string dir_;
  const std::unique_ptr<rocksdb::DB> db_;
  // One per ColumnFamilyNames() entry, in that order; the default
  // family's handle is last.
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
};

}  // namespace handin::storage

#endif  // HANDIN_SERVICES_STORAGE_DATABASE_H_
