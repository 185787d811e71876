// The item half of CourseBuilder: validating items and expanding templates
// into concrete items with their due instants and sentences precomputed.

#include <algorithm>
#include <string>
#include <tuple>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "common/caller.h"
#include "common/proto_time.h"
#include "services/deadline/civil_text.h"
#include "services/deadline/course_builder.h"

namespace handin::deadline {
namespace {

// Used when neither the item nor the course's item_defaults set one.
constexpr absl::Duration kDefaultCompletionWindow = absl::Minutes(30);

// Returns what is wrong with `rule`, or "" if nothing.
std::string LateRuleProblem(const v1::LateRule& rule) {
  if (rule.rule_case() != v1::LateRule::kPercentPerPeriod) return "";
  const v1::PercentPerPeriod& p = rule.percent_per_period();
  if (!(p.percent() > 0) || p.percent() > 100) {
    return "percent_per_period.percent must be in (0, 100]";
  }
  if (FromProtoDuration(p.period()) <= absl::ZeroDuration()) {
    return "percent_per_period.period must be positive";
  }
  if (!(p.max_percent() >= 0) || p.max_percent() > 100) {
    return "percent_per_period.max_percent must be in [0, 100] (0 = 100)";
  }
  return "";
}

// Returns the effective value: the item's if set, else the default's, else
// `fallback`.
absl::Duration Effective(bool item_has, const google::protobuf::Duration& item,
                         bool default_has,
                         const google::protobuf::Duration& default_value,
                         absl::Duration fallback) {
  if (item_has) return FromProtoDuration(item);
  if (default_has) return FromProtoDuration(default_value);
  return fallback;
}

}  // namespace

void CourseBuilder::CheckItems() {
  const v1::ItemDefaults& defaults = policy_.item_defaults();
  if (FromProtoDuration(defaults.grace()) < absl::ZeroDuration() ||
      FromProtoDuration(defaults.completion_window()) < absl::ZeroDuration()) {
    Error({{"item_defaults"}}, "item_defaults durations must not be negative");
  }
  if (std::string problem = LateRuleProblem(defaults.late());
      !problem.empty()) {
    Error({{"item_defaults"}, {"late"}}, problem);
  }

  CheckLateDayBudget();
  absolute_due_.assign(policy_.items_size(), absl::InfinitePast());
  absolute_opens_.assign(policy_.items_size(), absl::InfinitePast());
  absl::flat_hash_set<std::string> ids;
  for (int i = 0; i < policy_.items_size(); ++i) {
    const v1::Item& item = policy_.items(i);
    const std::string label = absl::StrCat("item \"", item.item_id(), "\"");
    if (!IsValidUserId(item.item_id())) {
      Error({{"items", i}, {"item_id"}},
            absl::StrCat(label, ": id is missing or malformed; ", kIdRule));
    } else if (!ids.insert(item.item_id()).second) {
      Error({{"items", i}, {"item_id"}},
            absl::StrCat(label, " is defined twice"));
    }
    const bool per_session = item.has_per_session();
    switch (item.audience()) {
      case v1::AUDIENCE_SESSION_PRESENTERS:
      case v1::AUDIENCE_SESSION_SUMMARY_GROUP:
        if (!per_session) {
          Error({{"items", i}, {"audience"}},
                absl::StrCat(label, ": audience ",
                             v1::Audience_Name(item.audience()),
                             " needs a per-session template (per_session {})"));
        }
        break;
      case v1::AUDIENCE_EVERY_STUDENT:
      case v1::AUDIENCE_EACH_PROJECT_GROUP:
        break;
      default:
        Error({{"items", i}},
              absl::StrCat(label,
                           " has no audience; set audience to one of "
                           "AUDIENCE_SESSION_PRESENTERS, "
                           "AUDIENCE_SESSION_SUMMARY_GROUP, "
                           "AUDIENCE_EVERY_STUDENT, "
                           "AUDIENCE_EACH_PROJECT_GROUP"));
    }

    switch (item.due_case()) {
      case v1::Item::DUE_NOT_SET:
        Error({{"items", i}},
              absl::StrCat(label,
                           " has no due rule; set due_at { local_time: "
                           "\"YYYY-MM-DD HH:MM\" } or due_from_session { "
                           "anchor: ... offset { seconds: ... } }"));
        break;
      case v1::Item::kDueAt: {
        const v1::LocalDateTime& due = item.due_at();
        auto civil = ParseCivilDateTime(due.local_time());
        if (!civil.ok()) {
          Error({{"items", i}, {"due_at"}, {"local_time"}},
                absl::StrCat(label, ": due_at ", civil.status().message()));
        }
        absl::TimeZone zone = course_.zone_;
        bool zone_ok = zone_ok_;
        if (!due.time_zone().empty()) {
          zone_ok = absl::LoadTimeZone(due.time_zone(), &zone);
          if (!zone_ok) {
            Error({{"items", i}, {"due_at"}, {"time_zone"}},
                  absl::StrCat(label, ": unknown time zone \"", due.time_zone(),
                               "\": not found in the IANA time zone "
                               "database"));
          }
        }
        if (!civil.ok() || !zone_ok) break;
        bool repeated = false;
        auto at = ResolveCivil(*civil, zone, &repeated);
        if (!at.ok()) {
          Error({{"items", i}, {"due_at"}},
                absl::StrCat(label, ": ", at.status().message()));
          break;
        }
        if (repeated) {
          Warning(
              {{"items", i}, {"due_at"}},
              absl::StrCat(label, ": ", due.local_time(), " happens twice in ",
                           zone.name(), "; the first occurrence is used"));
        }
        absolute_due_[i] = *at;
        break;
      }
      case v1::Item::kDueFromSession: {
        const v1::SessionOffset& rel = item.due_from_session();
        if (rel.anchor() == v1::SESSION_ANCHOR_UNSPECIFIED) {
          Error({{"items", i}, {"due_from_session"}},
                absl::StrCat(label,
                             ": due_from_session needs anchor: "
                             "SESSION_ANCHOR_START or "
                             "SESSION_ANCHOR_END"));
        }
        if (per_session && !rel.session_id().empty()) {
          Error({{"items", i}, {"due_from_session"}, {"session_id"}},
                absl::StrCat(label,
                             ": a per-session template is due from "
                             "each of its own sessions; remove "
                             "session_id"));
        } else if (!per_session && rel.session_id().empty()) {
          Error({{"items", i}, {"due_from_session"}},
                absl::StrCat(label,
                             ": a standalone item due from a session "
                             "must name it in session_id"));
        } else if (!per_session && !session_index_.contains(rel.session_id())) {
          Error({{"items", i}, {"due_from_session"}, {"session_id"}},
                absl::StrCat(label, ": session \"", rel.session_id(),
                             "\" is not defined in sessions"));
        }
        break;
      }
    }

    CheckOpens(item, i, label);
    if (FromProtoDuration(item.grace()) < absl::ZeroDuration() ||
        FromProtoDuration(item.completion_window()) < absl::ZeroDuration()) {
      Error({{"items", i}},
            absl::StrCat(label,
                         ": grace and completion_window must not be "
                         "negative"));
    }
    if (std::string problem = LateRuleProblem(item.late()); !problem.empty()) {
      Error({{"items", i}, {"late"}}, absl::StrCat(label, ": ", problem));
    }
    CheckLateDaysUse(item.has_late() ? item.late() : defaults.late(), i, label);
    CheckContent(item, i, label);
  }
}

void CourseBuilder::ExpandItems() {
  for (int i = 0; i < policy_.items_size(); ++i) {
    const v1::Item& item = policy_.items(i);
    if (!item.has_per_session()) {
      AddConcreteItem(item, i, nullptr);
      continue;
    }
    int expanded = 0;
    for (const SessionInfo& session : sessions_) {
      expanded += AddConcreteItem(item, i, &session) ? 1 : 0;
    }
    if (expanded == 0) {
      Warning({{"items", i}},
              absl::StrCat("template \"", item.item_id(),
                           "\" applies to no session, so nobody owes it"));
    }
  }
  std::sort(course_.items_.begin(), course_.items_.end(),
            [](const ConcreteItem& a, const ConcreteItem& b) {
              return std::tie(a.due_at, a.id) < std::tie(b.due_at, b.id);
            });
  for (size_t i = 0; i < course_.items_.size(); ++i) {
    course_.item_index_.emplace(course_.items_[i].id, i);
  }
}

bool CourseBuilder::AddConcreteItem(const v1::Item& item, int item_index,
                                    const SessionInfo* session) {
  ConcreteItem c;
  c.template_id = item.item_id();
  c.id = session == nullptr ? item.item_id()
                            : absl::StrCat(item.item_id(), "/", session->id);
  if (session != nullptr) c.session_id = session->id;
  c.owed_by.assign(course_.student_index_.size(), false);

  bool anyone = false;
  auto owe_group = [&](int group) {
    c.owed_by_groups = true;
    auto& owing = course_.owing_group_[c.id];
    for (size_t m : Members(group)) {
      c.owed_by[m] = anyone = true;
      owing.emplace(m, policy_.groups(group).group_id());
    }
  };
  switch (item.audience()) {
    case v1::AUDIENCE_SESSION_PRESENTERS: {
      std::vector<std::string> names;
      for (int g : session->presenter_groups) {
        owe_group(g);
        names.push_back(GroupName(g));
      }
      c.audience_text =
          absl::StrCat("the presenters of the ", SessionName(*session),
                       " session (", absl::StrJoin(names, "; "), ")");
      break;
    }
    case v1::AUDIENCE_SESSION_SUMMARY_GROUP:
      if (session->summary_group >= 0) {
        owe_group(session->summary_group);
        c.audience_text =
            absl::StrCat("the summary group of the ", SessionName(*session),
                         " session (", GroupName(session->summary_group), ")");
      }
      break;
    case v1::AUDIENCE_EVERY_STUDENT:
      c.every_student = true;
      anyone = !c.owed_by.empty();
      c.audience_text = "every student";
      break;
    default:  // AUDIENCE_EACH_PROJECT_GROUP; CheckItems rejected the rest.
      for (int g : project_groups_) owe_group(g);
      c.audience_text = "the members of the project groups";
      break;
  }
  if (session != nullptr) {
    const bool presented = !session->presenter_groups.empty();
    if (!anyone ||
        (item.per_session().filter() == v1::SESSION_FILTER_STUDENT_PRESENTED &&
         !presented)) {
      return false;
    }
  } else if (!anyone) {
    Warning({{"items", item_index}},
            absl::StrCat("item \"", item.item_id(), "\" is owed by nobody (",
                         c.audience_text, ": none declared)"));
  }

  std::string relative;
  if (item.due_case() == v1::Item::kDueAt) {
    c.due_at = absolute_due_[item_index];
  } else {
    const v1::SessionOffset& rel = item.due_from_session();
    const SessionInfo& anchor =
        session != nullptr ? *session
                           : sessions_[session_index_.at(rel.session_id())];
    const bool start = rel.anchor() == v1::SESSION_ANCHOR_START;
    const absl::Duration offset = FromProtoDuration(rel.offset());
    c.due_at = (start ? anchor.start : anchor.end) + offset;
    const std::string what = absl::StrCat(
        "the ", SessionName(anchor), " session ", start ? "starts" : "ends");
    if (offset == absl::ZeroDuration()) {
      relative = absl::StrCat("when ", what);
    } else {
      relative = absl::StrCat(
          ShortDuration(offset),
          offset < absl::ZeroDuration() ? " before " : " after ", what);
    }
  }
  const std::string due_local = FormatLocal(c.due_at, course_.zone_);
  c.due_text = relative.empty()
                   ? absl::StrCat("due ", due_local)
                   : absl::StrCat("due ", due_local, " (", relative, ")");
  SetOpens(item, item_index, session, c);

  const v1::ItemDefaults& defaults = policy_.item_defaults();
  c.grace = Effective(item.has_grace(), item.grace(), defaults.has_grace(),
                      defaults.grace(), absl::ZeroDuration());
  c.completion_window =
      Effective(item.has_completion_window(), item.completion_window(),
                defaults.has_completion_window(), defaults.completion_window(),
                kDefaultCompletionWindow);
  const v1::LateRule& late = item.has_late() ? item.late() : defaults.late();
  switch (late.rule_case()) {
    case v1::LateRule::kNotCounted:
      c.late_kind = LateKind::kNotCounted;
      c.late_text = "late submissions are not counted";
      break;
    case v1::LateRule::kHardClose:
      c.late_kind = LateKind::kHardClose;
      c.late_text = absl::StrCat("the item closed at ",
                                 FormatLocal(c.due_at + c.grace, course_.zone_),
                                 "; late submissions are refused");
      break;
    case v1::LateRule::kPercentPerPeriod: {
      const v1::PercentPerPeriod& p = late.percent_per_period();
      c.late_kind = LateKind::kPercentPerPeriod;
      c.percent_per_period = p.percent();
      c.penalty_period = FromProtoDuration(p.period());
      c.max_penalty_percent = p.max_percent() > 0 ? p.max_percent() : 100.0;
      c.late_text =
          absl::StrCat("late submissions lose ", p.percent(), "% per started ",
                       ShortDuration(c.penalty_period));
      if (c.max_penalty_percent < 100.0) {
        absl::StrAppend(&c.late_text, ", at most ", c.max_penalty_percent, "%");
      }
      break;
    }
    case v1::LateRule::kLateDays: {
      const v1::UseLateDays& rule = late.late_days();
      c.late_kind = LateKind::kLateDays;
      c.max_late_days = rule.max_days_per_item();
      c.refuse_beyond_late_days = rule.refuse_beyond();
      c.late_text = absl::StrCat(
          "late submissions spend late days",
          c.max_late_days > 0
              ? absl::StrCat(" (at most ", c.max_late_days, " on this item)")
              : "",
          "; beyond that they are ",
          c.refuse_beyond_late_days ? "refused" : "not counted");
      break;
    }
    default:  // Accept and flag, also when no rule is set anywhere.
      c.late_kind = LateKind::kAcceptFlagged;
      c.late_text = "late submissions are accepted and flagged";
      break;
  }
  c.content = item.content();
  c.counted_version = item.counted_version() != v1::COUNTED_VERSION_UNSPECIFIED
                          ? item.counted_version()
                          : defaults.counted_version();
  if (c.counted_version == v1::COUNTED_VERSION_UNSPECIFIED) {
    c.counted_version = v1::COUNTED_VERSION_LATEST;
  }
  c.rule_text =
      absl::StrCat("due ", relative.empty() ? due_local : relative,
                   c.grace > absl::ZeroDuration()
                       ? absl::StrCat(" (grace ", ShortDuration(c.grace), ")")
                       : "",
                   "; ", c.late_text);

  if (session == nullptr) {
    c.title = item.title().empty() ? item.item_id() : item.title();
  } else if (item.title().empty()) {
    c.title = absl::StrCat(item.item_id(), " for ", SessionName(*session));
  } else {
    const v1::Session& s = policy_.sessions(session->index);
    c.title = absl::StrReplaceAll(
        item.title(), {{"{topic}", s.topic().empty() ? session->id : s.topic()},
                       {"{date}", SessionName(*session)}});
  }
  course_.items_.push_back(std::move(c));
  return true;
}

std::string CourseBuilder::SessionName(const SessionInfo& session) const {
  const std::string name = ShortDate(session.date);
  if (session.id == absl::FormatCivilTime(session.date)) return name;
  return absl::StrCat(name, " (", session.id, ")");
}

}  // namespace handin::deadline
