#ifndef HANDIN_SERVICES_DEADLINE_POLICY_H_
#define HANDIN_SERVICES_DEADLINE_POLICY_H_

// The deadline policy engine: a course built from its CoursePolicy, with
// every per-session template expanded into concrete items whose due
// instants are computed once, at load. Pure: no I/O, no clock, no gRPC.

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "handin/common/v1/common.pb.h"
#include "handin/deadline/v1/policy.pb.h"

namespace handin::deadline {

// One step of a path into a CoursePolicy: a field name and, for a repeated
// field, the element's index (-1 for a singular field).
// E.g. {{"sessions", 3}, {"presenters", 0}, {"group_id"}}.
struct FieldStep {
  absl::string_view field;
  int index = -1;
};

// Tells where in its source text a field of a policy was written, so load
// errors can point at it.
class PolicySourceMap {
 public:
  virtual ~PolicySourceMap() = default;
  // Returns "file:line:column" of the field at `path`, or of its nearest
  // enclosing field that was written; "" if none is known.
  virtual std::string Locate(absl::Span<const FieldStep> path) const = 0;
};

// How an item treats a submission that counts after due + grace.
enum class LateKind {
  kAcceptFlagged,     // LATE_COUNTED, no penalty.
  kNotCounted,        // LATE_NOT_COUNTED.
  kHardClose,         // REFUSED.
  kPercentPerPeriod,  // LATE_COUNTED with a penalty, NOT_COUNTED at 100 %.
  kLateDays,          // LATE_COUNTED spending late days, while they last.
};

// One concrete item of a course, ready to judge against. Built by
// Course::Create; read-only afterwards.
struct ConcreteItem {
  // "project-report" or "slides/2024-03-19".
  std::string id;
  // "slides" for "slides/2024-03-19"; equal to `id` for a standalone item.
  std::string template_id;
  // "2024-03-19" for a per-session item; empty for a standalone one.
  std::string session_id;
  // Title with the session filled in.
  std::string title;
  // When the item opens for submission; InfinitePast when open from the
  // start. Before due_at (checked at load).
  absl::Time opens_at = absl::InfinitePast();
  // When the item is due, and the allowances around it.
  absl::Time due_at;
  absl::Duration grace;
  absl::Duration completion_window;
  // The late rule, decoded.
  LateKind late_kind = LateKind::kAcceptFlagged;
  double percent_per_period = 0;         // kPercentPerPeriod only.
  absl::Duration penalty_period;         // kPercentPerPeriod only.
  double max_penalty_percent = 100.0;    // kPercentPerPeriod only.
  int max_late_days = 0;                 // kLateDays only; 0: no cap per item.
  bool refuse_beyond_late_days = false;  // kLateDays only.
  // What intake accepts as the item's content (as the policy declares it).
  v1::ContentRule content;
  // Which submission is graded (never UNSPECIFIED once built).
  v1::CountedVersion counted_version = v1::COUNTED_VERSION_LATEST;
  // True when the item is owed by groups (a session's presenters or
  // summary group, or the project groups): then a member's submission is
  // their group's, and the version that counts is chosen among every
  // member's submissions.
  bool owed_by_groups = false;
  // Sentences computed at load, e.g.
  //   due_text:  "due 2024-03-18 10:30 EDT (24 h before the Mar 19 session
  //              starts)"
  //   rule_text: "due 24 h before the Mar 19 session starts; late
  //              submissions are accepted and flagged"
  //   late_text: "late submissions are accepted and flagged"
  //   audience_text: "the presenters of the Mar 19 session (Jiaheng, Jeremy,
  //              Zhenning)"
  std::string due_text;
  std::string rule_text;
  std::string late_text;
  std::string audience_text;
  // Who owes the item: everyone, or the students whose roster index is set.
  bool every_student = false;
  std::vector<bool> owed_by;
};

// A due instant granted by staff to one principal for one item, overriding
// every close and lock rule of the item for them (services/deadline/
// extensions.h chooses the one that applies and validates grants).
struct Extension {
  // The concrete item it extends.
  std::string item_id;
  // The student user id or group id it was granted to.
  std::string principal;
  // The new due instant.
  absl::Time due_at;
  // The instructor who granted it, and why.
  std::string granted_by;
  std::string reason;
};

// The judgement of one submission attempt.
struct Verdict {
  handin::common::v1::VerdictKind kind =
      handin::common::v1::VERDICT_KIND_UNSPECIFIED;
  // A sentence for the student: due instant, the instant that counted, and
  // the rule applied.
  std::string reason;
  // The due instant that applied (the extension's, if one applied).
  absl::Time due_at;
  // The instant judged: started_at, or completed_at when the upload took
  // longer than the item's completion window.
  absl::Time counted_at;
  // counted_at - due_at when past due + grace; zero otherwise.
  absl::Duration lateness;
  // Deducted percentage, 0 to 100; non-zero only for LATE_COUNTED.
  double penalty_percent = 0;
  // Late days this submission spends (LATE_COUNTED under kLateDays only).
  int late_days_spent = 0;
};

// A course's policy, validated and expanded. Immutable and thread-safe
// once created.
class Course {
 public:
  // Validates `policy` and builds the course. On failure returns
  // InvalidArgument whose message lists every problem, one per line, each
  // prefixed with where it was written (from `source`, when given; else
  // the field path, e.g. "sessions[3].date"): an unknown time zone, a
  // dangling group, member, staff or guest reference, a session without a
  // date, an item without a due rule, malformed dates and times, duplicate
  // ids, and the like. Problems that do not stop the course from working
  // (groups outside the size rule, weights not adding up to 100, items
  // owed by nobody) become warnings().
  // `policy_digest` identifies the text the policy was read from
  // (policy_digest()).
  static absl::StatusOr<std::unique_ptr<Course>> Create(
      v1::CoursePolicy policy, const PolicySourceMap* source = nullptr,
      absl::string_view policy_digest = "");

  Course(const Course&) = delete;
  Course& operator=(const Course&) = delete;

  const std::string& id() const { return policy_.course_id(); }
  const absl::TimeZone& time_zone() const { return zone_; }
  // The policy as given to Create.
  const v1::CoursePolicy& policy() const { return policy_; }
  // Lower-case hex SHA-256 of the policy file's bytes (set by the loader,
  // policy_loader.h), so a receipt can name the exact policy that judged it
  // and staff can check it with sha256sum; empty for a course built from a
  // proto.
  const std::string& policy_digest() const { return policy_digest_; }
  // Load-time warnings, each prefixed like the errors of Create.
  const std::vector<std::string>& warnings() const { return warnings_; }
  // Every concrete item, sorted by due instant, then id.
  const std::vector<ConcreteItem>& items() const { return items_; }

  // Returns the concrete item `item_id`, or null.
  const ConcreteItem* FindItem(absl::string_view item_id) const;

  // Judges an upload of `item_id` by `principal` whose metadata was
  // accepted at `started_at` and which completed at `completed_at` (absent
  // for a pre-check before any bytes arrive).
  //
  // The instant that counts is `started_at` if the upload completed within
  // the item's completion window (or has not completed yet), else
  // `completed_at`. It is ON_TIME if at or before due + grace; otherwise
  // the item's late rule decides between LATE_COUNTED, LATE_NOT_COUNTED and
  // REFUSED. A principal who does not owe the item (not on the roster,
  // staff, or not in its audience) gets REFUSED with the reason, and so
  // does an upload started before the item opens ("slides/2024-03-19 opens
  // 2024-03-04 00:00 EST; started 2024-03-01 09:00 EST: 2 days 15 hours
  // early"); at the opening instant it is open.
  //
  // Errors: NotFound for an unknown item; InvalidArgument if `completed_at`
  // is before `started_at`.
  absl::StatusOr<Verdict> Evaluate(
      absl::string_view principal, absl::string_view item_id,
      absl::Time started_at, std::optional<absl::Time> completed_at) const;

  // As above, under `extension` when it is not null: it must be for
  // `item_id` and apply to `principal` (ChooseExtension in extensions.h
  // picks it). Then the due instant is the later of the extension's and the
  // item's own (an extension never shortens), so no close, lock or
  // not-counted rule touches an upload up to it; the item's grace applies
  // after it, then its late rule, lateness measured from it. The reason
  // starts "extended to <due> by <granter> [for group <id>]: <reason>".
  // A principal who does not owe the item is refused all the same, and an
  // extension does not open an item early: an upload started before the
  // item opens is refused with or without one.
  // Errors as above, and InvalidArgument for an extension of another item.
  // For an item whose late rule spends late days, this assumes none spent
  // elsewhere; use the overload below.
  absl::StatusOr<Verdict> Evaluate(absl::string_view principal,
                                   absl::string_view item_id,
                                   absl::Time started_at,
                                   std::optional<absl::Time> completed_at,
                                   const Extension* extension) const;

  // As above, for a principal who has already spent `late_days_spent` days
  // of the course's late-day budget on other items (LateDayLedger in
  // late_days.h counts them). Read only when the item's late rule spends
  // late days and the upload is past due + grace: it is LATE_COUNTED,
  // spending LateDaysFor(lateness), if that is within the item's cap and
  // the days left (budget - late_days_spent); otherwise LATE_NOT_COUNTED
  // (or REFUSED when the rule says so), spending nothing. The reason says
  // how many days it spends and how many are left, or why it could not.
  absl::StatusOr<Verdict> Evaluate(absl::string_view principal,
                                   absl::string_view item_id,
                                   absl::Time started_at,
                                   std::optional<absl::Time> completed_at,
                                   const Extension* extension,
                                   int late_days_spent) const;

  // Late days per student (CoursePolicy.late_days.days); 0 when the course
  // has no budget.
  int late_day_budget() const { return policy_.late_days().days(); }
  // Length of one late day (24 h unless the policy says otherwise).
  absl::Duration late_day_length() const { return late_day_length_; }
  // Late days a submission `lateness` late spends: started late days,
  // 0 for no lateness.
  int LateDaysFor(absl::Duration lateness) const;

  // Who a submission of `item` by `principal` is for: the group of
  // `principal` that owes it when the item is owed by groups, else
  // `principal`. Submissions with the same unit compete for
  // Item.counted_version.
  std::string SubmitterUnit(absl::string_view principal,
                            const ConcreteItem& item) const;

  // Returns "extended to <due_at in the course zone> by <granter>: <why>",
  // with " for group <id>" after the granter when `extension` was granted
  // to a group rather than to `principal`.
  std::string ExtensionText(const Extension& extension,
                            absl::string_view principal,
                            absl::Time due_at) const;

  // Returns the items `principal` owes, sorted by due instant then id, or
  // every item when `principal` is empty. Staff owe nothing (empty list).
  // NotFound if `principal` is not on the roster.
  absl::StatusOr<std::vector<const ConcreteItem*>> ListItems(
      absl::string_view principal) const;

  // Returns true if `principal` is a student who owes `item`.
  bool Owes(absl::string_view principal, const ConcreteItem& item) const;

 private:
  friend class CourseBuilder;
  Course() = default;

  // Judges an upload `verdict.lateness` past due under a late-days rule:
  // LATE_COUNTED spending its days if the cap and the days left allow,
  // else as the rule says. `late` starts the reason.
  void SpendLateDays(const ConcreteItem& item, absl::string_view late,
                     int late_days_spent, Verdict& verdict) const;

  // Returns why `principal` may not submit `item`, or "" if they may.
  std::string RefusalReason(absl::string_view principal,
                            const ConcreteItem& item) const;

  v1::CoursePolicy policy_;
  std::string policy_digest_;
  absl::TimeZone zone_;
  std::vector<std::string> warnings_;
  std::vector<ConcreteItem> items_;
  absl::flat_hash_map<std::string, size_t> item_index_;
  absl::flat_hash_map<std::string, size_t> student_index_;
  absl::flat_hash_map<std::string, v1::StaffRole> staff_roles_;
  absl::Duration late_day_length_ = absl::Hours(24);
  // Per concrete item owed by groups: student roster index -> the group id
  // through which they owe it.
  absl::flat_hash_map<std::string, absl::flat_hash_map<size_t, std::string>>
      owing_group_;
};

}  // namespace handin::deadline

#endif  // HANDIN_SERVICES_DEADLINE_POLICY_H_
