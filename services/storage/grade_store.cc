#include "services/storage/grade_store.h"

#include <cmath>
#include <initializer_list>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/proto_time.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"
#include "services/storage/keys.h"
#include "services/storage/rocks_status.h"
#include "services/storage/scan.h"

namespace handin::storage {
namespace {

using ::handin::common::v1::Attendance;
using ::handin::common::v1::BestGroupVote;
using ::handin::common::v1::GradeRecord;
using ::handin::common::v1::Regrade;
using ::handin::common::v1::RegradeState;
using ::handin::common::v1::Score;
using ::handin::storage::v1::AuditEvent;

// A named id to check with keys::ValidateKeyComponent.
struct NamedId {
  const char* what;
  absl::string_view value;
};

absl::Status ValidateIds(std::initializer_list<NamedId> ids) {
  for (const NamedId& id : ids) {
    if (absl::Status s = keys::ValidateKeyComponent(id.what, id.value);
        !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

// OK for a listing's arguments: a valid course id, and each filter empty
// (no filter) or a valid id.
absl::Status ValidateListing(absl::string_view course_id,
                             std::initializer_list<NamedId> filters) {
  if (absl::Status s = keys::ValidateKeyComponent("course_id", course_id);
      !s.ok()) {
    return s;
  }
  for (const NamedId& filter : filters) {
    if (filter.value.empty()) continue;
    if (absl::Status s = keys::ValidateKeyComponent(filter.what, filter.value);
        !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

absl::Status RequireText(absl::string_view what, absl::string_view value) {
  if (!value.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(what, " is required"));
}

absl::Status ValidateScore(const Score& score) {
  if (absl::Status s = ValidateIds({{"course_id", score.course_id()},
                                    {"item_id", score.item_id()},
                                    {"principal", score.principal()}});
      !s.ok()) {
    return s;
  }
  if (absl::Status s = RequireText("grader", score.grader()); !s.ok()) return s;
  if (!std::isfinite(score.max_points()) || score.max_points() <= 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "max_points is ", score.max_points(), "; it must be above 0"));
  }
  if (!std::isfinite(score.points()) || score.points() < 0 ||
      score.points() > score.max_points()) {
    return absl::InvalidArgumentError(
        absl::StrCat("points is ", score.points(), "; it must be within 0 to ",
                     score.max_points(), " (max_points)"));
  }
  return absl::OkStatus();
}

// The grade record a change event carries.
GradeRecord AsGrade(const Score& score) {
  GradeRecord out;
  *out.mutable_score() = score;
  return out;
}
GradeRecord AsGrade(const Attendance& attendance) {
  GradeRecord out;
  *out.mutable_attendance() = attendance;
  return out;
}
GradeRecord AsGrade(const BestGroupVote& vote) {
  GradeRecord out;
  *out.mutable_best_group_vote() = vote;
  return out;
}
GradeRecord AsGrade(const Regrade& regrade) {
  GradeRecord out;
  *out.mutable_regrade() = regrade;
  return out;
}

AuditEvent EventAbout(absl::string_view course_id, absl::string_view principal,
                      absl::string_view item_id, absl::string_view subject_id,
                      absl::string_view actor, absl::string_view reason) {
  AuditEvent event;
  event.set_course_id(std::string(course_id));
  event.set_principal(std::string(principal));
  event.set_item_id(std::string(item_id));
  event.set_subject_id(std::string(subject_id));
  event.set_actor(std::string(actor));
  event.set_reason(std::string(reason));
  return event;
}

bool IsGradeEvent(v1::AuditEventKind kind) {
  return kind == v1::AUDIT_EVENT_KIND_GRADE_RECORDED ||
         kind == v1::AUDIT_EVENT_KIND_GRADE_CHANGED ||
         kind == v1::AUDIT_EVENT_KIND_REGRADE_REQUESTED ||
         kind == v1::AUDIT_EVENT_KIND_REGRADE_RESOLVED;
}

}  // namespace

template <typename Record>
absl::StatusOr<std::optional<Record>> GradeStore::Read(const std::string& key) {
  std::string value;
  rocksdb::Status status =
      db_.db().Get(rocksdb::ReadOptions(), db_.grades(), key, &value);
  if (status.IsNotFound()) return std::nullopt;
  if (!status.ok()) return FromRocksStatus(status, "reading a grade record");
  Record record;
  if (!record.ParseFromString(value)) {
    return absl::DataLossError(absl::StrCat(
        "a stored ", Record::descriptor()->name(), " record is corrupt"));
  }
  return record;
}

absl::Status GradeStore::WriteWithAudit(const std::string& key,
                                        const google::protobuf::Message& record,
                                        AuditEvent event) {
  rocksdb::WriteBatch batch;
  rocksdb::Status status =
      batch.Put(db_.grades(), key, record.SerializeAsString());
  if (!status.ok()) return FromRocksStatus(status, "preparing a grade change");
  const std::string what =
      absl::StrCat("a grade change of ", event.course_id());
  return audit_.Commit(batch, std::move(event), what).status();
}

template <typename Record>
absl::StatusOr<std::optional<Record>> GradeStore::Replace(
    const std::string& key, const Record& record, AuditEvent event) {
  absl::StatusOr<std::optional<Record>> previous = Read<Record>(key);
  if (!previous.ok()) return previous.status();
  event.set_kind(previous->has_value() ? v1::AUDIT_EVENT_KIND_GRADE_CHANGED
                                       : v1::AUDIT_EVENT_KIND_GRADE_RECORDED);
  if (previous->has_value()) *event.mutable_old_grade() = AsGrade(**previous);
  *event.mutable_new_grade() = AsGrade(record);
  if (absl::Status s = WriteWithAudit(key, record, std::move(event)); !s.ok()) {
    return s;
  }
  return previous;
}

absl::StatusOr<GradeChange<Score>> GradeStore::PutScore(Score score) {
  if (absl::Status s = ValidateScore(score); !s.ok()) return s;
  absl::MutexLock lock(&mu_);
  *score.mutable_recorded_at() = ToProtoTimestamp(clock_.Now());
  absl::StatusOr<std::optional<Score>> previous = Replace(
      keys::ScoreKey(score.course_id(), score.principal(), score.item_id()),
      score,
      EventAbout(score.course_id(), score.principal(), score.item_id(), "",
                 score.grader(), score.comment()));
  if (!previous.ok()) return previous.status();
  return GradeChange<Score>{std::move(score), *std::move(previous)};
}

absl::StatusOr<GradeChange<Attendance>> GradeStore::PutAttendance(
    Attendance attendance) {
  if (absl::Status s = ValidateIds({{"course_id", attendance.course_id()},
                                    {"session_id", attendance.session_id()},
                                    {"student", attendance.student()}});
      !s.ok()) {
    return s;
  }
  if (absl::Status s = RequireText("recorded_by", attendance.recorded_by());
      !s.ok()) {
    return s;
  }
  absl::MutexLock lock(&mu_);
  *attendance.mutable_recorded_at() = ToProtoTimestamp(clock_.Now());
  absl::StatusOr<std::optional<Attendance>> previous = Replace(
      keys::AttendanceKey(attendance.course_id(), attendance.session_id(),
                          attendance.student()),
      attendance,
      EventAbout(attendance.course_id(), attendance.student(), "",
                 attendance.session_id(), attendance.recorded_by(),
                 attendance.present() ? "present" : "absent"));
  if (!previous.ok()) return previous.status();
  return GradeChange<Attendance>{std::move(attendance), *std::move(previous)};
}

absl::StatusOr<GradeChange<BestGroupVote>> GradeStore::PutBestGroupVote(
    BestGroupVote vote) {
  if (absl::Status s = ValidateIds({{"course_id", vote.course_id()},
                                    {"session_id", vote.session_id()},
                                    {"group_id", vote.group_id()}});
      !s.ok()) {
    return s;
  }
  if (absl::Status s = RequireText("recorded_by", vote.recorded_by());
      !s.ok()) {
    return s;
  }
  if (vote.votes() < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("votes is ", vote.votes(), "; it cannot be negative"));
  }
  absl::MutexLock lock(&mu_);
  *vote.mutable_recorded_at() = ToProtoTimestamp(clock_.Now());
  absl::StatusOr<std::optional<BestGroupVote>> previous =
      Replace(keys::VoteKey(vote.course_id(), vote.session_id()), vote,
              EventAbout(vote.course_id(), vote.group_id(), "",
                         vote.session_id(), vote.recorded_by(), "best group"));
  if (!previous.ok()) return previous.status();
  return GradeChange<BestGroupVote>{std::move(vote), *std::move(previous)};
}

absl::StatusOr<Regrade> GradeStore::CreateRegrade(Regrade regrade) {
  if (!regrade.regrade_id().empty()) {
    return absl::InvalidArgumentError(
        "the request carries a regrade_id; leave it empty, storage assigns "
        "it");
  }
  if (absl::Status s = ValidateIds({{"course_id", regrade.course_id()},
                                    {"item_id", regrade.item_id()},
                                    {"principal", regrade.principal()},
                                    {"requested_by", regrade.requested_by()}});
      !s.ok()) {
    return s;
  }
  if (absl::Status s = RequireText("reason", regrade.reason()); !s.ok()) {
    return s;
  }
  absl::MutexLock lock(&mu_);
  absl::StatusOr<std::vector<Regrade>> open =
      ListRegrades(regrade.course_id(), regrade.item_id(),
                   regrade.requested_by(), /*open_only=*/true);
  if (!open.ok()) return open.status();
  if (!open->empty()) {
    return absl::AlreadyExistsError(absl::StrCat(
        regrade.requested_by(), " already has an open regrade request for ",
        regrade.item_id(), " (", open->front().regrade_id(),
        "); wait for a grader to resolve it"));
  }
  absl::StatusOr<std::string> id =
      ids_.Next(db_.grades(), keys::RegradePrefix(regrade.course_id()));
  if (!id.ok()) return id.status();
  regrade.set_regrade_id(*std::move(id));
  regrade.set_state(common::v1::REGRADE_STATE_OPEN);
  *regrade.mutable_requested_at() = ToProtoTimestamp(clock_.Now());
  regrade.clear_resolved_by();
  regrade.clear_response();
  regrade.clear_resolved_at();
  AuditEvent event = EventAbout(regrade.course_id(), regrade.principal(),
                                regrade.item_id(), regrade.regrade_id(),
                                regrade.requested_by(), regrade.reason());
  event.set_kind(v1::AUDIT_EVENT_KIND_REGRADE_REQUESTED);
  *event.mutable_new_grade() = AsGrade(regrade);
  if (absl::Status s = WriteWithAudit(
          keys::RegradeKey(regrade.course_id(), regrade.regrade_id()), regrade,
          std::move(event));
      !s.ok()) {
    return s;
  }
  return regrade;
}

absl::StatusOr<Regrade> GradeStore::ResolveRegrade(
    absl::string_view course_id, absl::string_view regrade_id,
    RegradeState state, absl::string_view resolved_by,
    absl::string_view response) {
  if (absl::Status s =
          ValidateIds({{"course_id", course_id}, {"regrade_id", regrade_id}});
      !s.ok()) {
    return s;
  }
  if (state != common::v1::REGRADE_STATE_ACCEPTED &&
      state != common::v1::REGRADE_STATE_REJECTED) {
    return absl::InvalidArgumentError(
        absl::StrCat("state is ", common::v1::RegradeState_Name(state),
                     "; a request is resolved as REGRADE_STATE_ACCEPTED or "
                     "REGRADE_STATE_REJECTED"));
  }
  if (absl::Status s = RequireText("resolved_by", resolved_by); !s.ok()) {
    return s;
  }
  if (absl::Status s = RequireText("response", response); !s.ok()) return s;
  const std::string key = keys::RegradeKey(course_id, regrade_id);
  absl::MutexLock lock(&mu_);
  absl::StatusOr<std::optional<Regrade>> existing = Read<Regrade>(key);
  if (!existing.ok()) return existing.status();
  if (!existing->has_value()) {
    return absl::NotFoundError(
        absl::StrCat("course ", course_id, " has no regrade request ",
                     regrade_id, " (ListRegrades shows the ones there are)"));
  }
  const Regrade& before = **existing;
  if (before.state() != common::v1::REGRADE_STATE_OPEN) {
    return absl::FailedPreconditionError(
        absl::StrCat("regrade request ", regrade_id,
                     " was already resolved by ", before.resolved_by(), " (",
                     common::v1::RegradeState_Name(before.state()),
                     "); the student may ask again"));
  }
  Regrade after = before;
  after.set_state(state);
  after.set_resolved_by(std::string(resolved_by));
  after.set_response(std::string(response));
  *after.mutable_resolved_at() = ToProtoTimestamp(clock_.Now());
  AuditEvent event = EventAbout(course_id, after.principal(), after.item_id(),
                                regrade_id, resolved_by, response);
  event.set_kind(v1::AUDIT_EVENT_KIND_REGRADE_RESOLVED);
  *event.mutable_old_grade() = AsGrade(before);
  *event.mutable_new_grade() = AsGrade(after);
  if (absl::Status s = WriteWithAudit(key, after, std::move(event)); !s.ok()) {
    return s;
  }
  return after;
}

absl::StatusOr<std::vector<Score>> GradeStore::ListScores(
    absl::string_view course_id, absl::string_view item_id,
    absl::string_view principal) {
  if (absl::Status s = ValidateListing(
          course_id, {{"item_id", item_id}, {"principal", principal}});
      !s.ok()) {
    return s;
  }
  const std::string prefix =
      principal.empty() ? keys::CourseScorePrefix(course_id)
                        : keys::PrincipalScorePrefix(course_id, principal);
  std::vector<Score> out;
  absl::Status status = ScanMessages<Score>(
      db_, db_.grades(), prefix, absl::StrCat("the scores of ", course_id),
      [&](Score score) {
        if (item_id.empty() || score.item_id() == item_id) {
          out.push_back(std::move(score));
        }
      });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<std::vector<Attendance>> GradeStore::ListAttendance(
    absl::string_view course_id, absl::string_view session_id,
    absl::string_view student) {
  if (absl::Status s = ValidateListing(
          course_id, {{"session_id", session_id}, {"student", student}});
      !s.ok()) {
    return s;
  }
  const std::string prefix =
      session_id.empty() ? keys::CourseAttendancePrefix(course_id)
                         : keys::SessionAttendancePrefix(course_id, session_id);
  std::vector<Attendance> out;
  absl::Status status = ScanMessages<Attendance>(
      db_, db_.grades(), prefix, absl::StrCat("the attendance of ", course_id),
      [&](Attendance record) {
        if (student.empty() || record.student() == student) {
          out.push_back(std::move(record));
        }
      });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<std::vector<BestGroupVote>> GradeStore::ListBestGroupVotes(
    absl::string_view course_id) {
  if (absl::Status s = ValidateListing(course_id, {}); !s.ok()) return s;
  std::vector<BestGroupVote> out;
  absl::Status status = ScanMessages<BestGroupVote>(
      db_, db_.grades(), keys::CourseVotePrefix(course_id),
      absl::StrCat("the best-group votes of ", course_id),
      [&](BestGroupVote vote) { out.push_back(std::move(vote)); });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<std::vector<Regrade>> GradeStore::ListRegrades(
    absl::string_view course_id, absl::string_view item_id,
    absl::string_view requested_by, bool open_only) {
  if (absl::Status s = ValidateListing(
          course_id, {{"item_id", item_id}, {"requested_by", requested_by}});
      !s.ok()) {
    return s;
  }
  std::vector<Regrade> out;
  absl::Status status = ScanMessages<Regrade>(
      db_, db_.grades(), keys::RegradePrefix(course_id),
      absl::StrCat("the regrade requests of ", course_id),
      [&](Regrade regrade) {
        if ((item_id.empty() || regrade.item_id() == item_id) &&
            (requested_by.empty() || regrade.requested_by() == requested_by) &&
            (!open_only || regrade.state() == common::v1::REGRADE_STATE_OPEN)) {
          out.push_back(std::move(regrade));
        }
      });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<std::vector<AuditEvent>> GradeStore::ListAudit(
    absl::string_view course_id) {
  if (absl::Status s = ValidateListing(course_id, {}); !s.ok()) return s;
  absl::StatusOr<std::vector<AuditEvent>> events = audit_.List();
  if (!events.ok()) return events.status();
  std::vector<AuditEvent> out;
  for (AuditEvent& event : *events) {
    if (IsGradeEvent(event.kind()) && event.course_id() == course_id) {
      out.push_back(std::move(event));
    }
  }
  return out;
}

}  // namespace handin::storage
