#ifndef HANDIN_SERVICES_STORAGE_GRADE_STORE_H_
#define HANDIN_SERVICES_STORAGE_GRADE_STORE_H_

#include <optional>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "common/clock.h"
#include "handin/common/v1/grade.pb.h"
#include "handin/storage/v1/storage_service.pb.h"
#include "services/storage/audit_log.h"
#include "services/storage/database.h"
#include "services/storage/id_allocator.h"

namespace handin::storage {

// The outcome of a GradeStore put: the record as stored and the one it
// replaced, if any.
template <typename Record>
struct GradeChange {
  Record stored;
  std::optional<Record> previous;
};

// Grades in the RocksDB database of a SubmissionStore (the grades column
// family; keys score\0, attendance\0, vote\0, regrade\0 in keys.h): scores,
// attendance, best-group results and regrade requests. Every change writes
// the record and one audit event in one synced WriteBatch (AuditLog): a
// first record is GRADE_RECORDED, a replacement GRADE_CHANGED with the old
// and the new value, a regrade REGRADE_REQUESTED or REGRADE_RESOLVED. The
// event's actor is the grader (or the student asking), its principal the
// record's student or group, its item_id the item (scores, regrades) and
// its subject_id the session (attendance, votes) or the regrade id.
//
// Storage checks shapes only: ids non-empty without NUL bytes, the actor
// set, numbers finite and in range (INVALID_ARGUMENT naming the field).
// Whether an item, student or group exists, and who may grade, is the
// grading service's decision. Instants (recorded_at, requested_at,
// resolved_at) are stamped with the clock; values sent are replaced.
//
// Thread-safe. Changes are serialised (each reads the old value and writes
// the new one under one lock); reads are not.
class GradeStore {
 public:
  // `db`, `clock` and `audit` must outlive the store.
  GradeStore(Database& db, const Clock& clock, AuditLog& audit)
      : db_(db), clock_(clock), audit_(audit), ids_(db, clock) {}

  // Stores `score`, replacing the one of (course, item, principal).
  // INVALID_ARGUMENT also if grader is empty, max_points is not > 0, or
  // points is not within [0, max_points].
  absl::StatusOr<GradeChange<common::v1::Score>> PutScore(
      common::v1::Score score);

  // The course's scores sorted by principal then item, only those of
  // `item_id` and/or `principal` when non-empty. INVALID_ARGUMENT for an
  // empty course id or a NUL byte in any argument.
  absl::StatusOr<std::vector<common::v1::Score>> ListScores(
      absl::string_view course_id, absl::string_view item_id,
      absl::string_view principal);

  // Stores `attendance`, replacing the record of (course, session,
  // student). INVALID_ARGUMENT also if recorded_by is empty.
  absl::StatusOr<GradeChange<common::v1::Attendance>> PutAttendance(
      common::v1::Attendance attendance);

  // The course's attendance sorted by session then student, only that of
  // `session_id` and/or `student` when non-empty. Errors as ListScores.
  absl::StatusOr<std::vector<common::v1::Attendance>> ListAttendance(
      absl::string_view course_id, absl::string_view session_id,
      absl::string_view student);

  // Stores a session's best-group result, replacing the session's earlier
  // one. INVALID_ARGUMENT also if recorded_by is empty or votes < 0.
  absl::StatusOr<GradeChange<common::v1::BestGroupVote>> PutBestGroupVote(
      common::v1::BestGroupVote vote);

  // The course's best-group results sorted by session. INVALID_ARGUMENT
  // for an empty course id.
  absl::StatusOr<std::vector<common::v1::BestGroupVote>> ListBestGroupVotes(
      absl::string_view course_id);

  // Stores a new request: regrade_id assigned (an instant, like submission
  // ids, unique per course), state OPEN, requested_at now, resolution
  // fields cleared. INVALID_ARGUMENT if regrade_id is set, an id is
  // missing, or requested_by or reason is empty; ALREADY_EXISTS naming the
  // open request if requested_by has one for the item.
  absl::StatusOr<common::v1::Regrade> CreateRegrade(
      common::v1::Regrade regrade);

  // Resolves the open request `regrade_id` with `state` (ACCEPTED or
  // REJECTED), `resolved_by` and `response`; resolved_at now. NOT_FOUND if
  // there is none; FAILED_PRECONDITION if it is already resolved;
  // INVALID_ARGUMENT for another state or an empty argument.
  absl::StatusOr<common::v1::Regrade> ResolveRegrade(
      absl::string_view course_id, absl::string_view regrade_id,
      common::v1::RegradeState state, absl::string_view resolved_by,
      absl::string_view response);

  // The course's requests oldest first, only those about `item_id` and/or
  // by `requested_by` when non-empty, only open ones if `open_only`.
  // Errors as ListScores.
  absl::StatusOr<std::vector<common::v1::Regrade>> ListRegrades(
      absl::string_view course_id, absl::string_view item_id,
      absl::string_view requested_by, bool open_only);

  // The course's grade events of the audit log (GRADE_RECORDED,
  // GRADE_CHANGED, REGRADE_REQUESTED, REGRADE_RESOLVED), oldest first.
  // INVALID_ARGUMENT for an empty course id; DATA_LOSS if an event does not
  // parse.
  absl::StatusOr<std::vector<v1::AuditEvent>> ListAudit(
      absl::string_view course_id);

 private:
  // Reads the record of type `Record` under `key`; nullopt if none.
  template <typename Record>
  absl::StatusOr<std::optional<Record>> Read(const std::string& key);

  // Stores `record` under `key` (recorded_at stamped by the caller) with a
  // GRADE_RECORDED or GRADE_CHANGED event built on `event` (subject fields
  // and actor set by the caller). Returns what it replaced.
  template <typename Record>
  absl::StatusOr<std::optional<Record>> Replace(const std::string& key,
                                                const Record& record,
                                                v1::AuditEvent event)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  // Writes `key` := `record` with `event` in one synced batch.
  absl::Status WriteWithAudit(const std::string& key,
                              const google::protobuf::Message& record,
                              v1::AuditEvent event)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  Database& db_;
  const Clock& clock_;
  AuditLog& audit_;
  IdAllocator ids_;

  // Serialises each change's read of the old value with its write.
  absl::Mutex mu_;
};

}  // namespace handin::storage

#endif  // HANDIN_SERVICES_STORAGE_GRADE_STORE_H_
