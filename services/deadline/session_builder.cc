// The session half of CourseBuilder's validation: dates, times, presenters
// and the groups a session names, resolved to instants in the course zone.

#include <algorithm>
#include <string>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/caller.h"
#include "services/deadline/civil_text.h"
#include "services/deadline/course_builder.h"

namespace handin::deadline {

void CourseBuilder::IndexSessions() {
  for (int s = 0; s < policy_.sessions_size(); ++s) {
    const v1::Session& session = policy_.sessions(s);
    SessionInfo info;
    info.index = s;
    bool ok = true;
    info.id =
        session.session_id().empty() ? session.date() : session.session_id();
    const std::string label = info.id.empty()
                                  ? absl::StrCat("session #", s + 1)
                                  : absl::StrCat("session ", info.id);
    if (session.date().empty()) {
      Error({{"sessions", s}}, absl::StrCat(label,
                                            " has no date; every session needs "
                                            "date: \"YYYY-MM-DD\""));
      ok = false;
    } else if (auto date = ParseCivilDate(session.date()); !date.ok()) {
      Error({{"sessions", s}, {"date"}}, date.status().message());
      ok = false;
    } else {
      info.date = *date;
    }
    if (ok && !IsValidUserId(info.id)) {
      Error({{"sessions", s}, {"session_id"}},
            absl::StrCat(label, ": malformed session id; ", kIdRule));
    } else if (ok && !session_index_.emplace(info.id, -1).second) {
      Error({{"sessions", s}},
            absl::StrCat(label, " is defined twice; give one a session_id"));
    }

    absl::Duration start = default_start_, end = default_end_;
    for (auto [text, field, out] :
         {std::make_tuple(&session.start_time(), "start_time", &start),
          std::make_tuple(&session.end_time(), "end_time", &end)}) {
      if (text->empty()) {
        if (*out == absl::InfiniteDuration()) {
          Error({{"sessions", s}},
                absl::StrCat(label, " has no ", field,
                             " and the course sets no session_", field));
          ok = false;
        }
        continue;
      }
      auto parsed = ParseTimeOfDay(*text);
      if (parsed.ok()) {
        *out = *parsed;
      } else {
        Error({{"sessions", s}, {field}},
              absl::StrCat(label, ": ", parsed.status().message()));
        ok = false;
      }
    }
    if (ok && end <= start) {
      Error({{"sessions", s}}, absl::StrCat(label, " ends before it starts"));
      ok = false;
    }

    for (int p = 0; p < session.presenters_size(); ++p) {
      const v1::Presenter& presenter = session.presenters(p);
      switch (presenter.who_case()) {
        case v1::Presenter::kGroupId: {
          const int g = GroupIndex(presenter.group_id());
          if (g < 0) {
            Error({{"sessions", s}, {"presenters", p}, {"group_id"}},
                  absl::StrCat(label, ": presenter group \"",
                               presenter.group_id(),
                               "\" is not defined in groups"));
          } else {
            info.presenter_groups.push_back(g);
          }
          break;
        }
        case v1::Presenter::kStaffId:
          if (!course_.staff_roles_.contains(presenter.staff_id())) {
            Error({{"sessions", s}, {"presenters", p}, {"staff_id"}},
                  absl::StrCat(label, ": presenter \"", presenter.staff_id(),
                               "\" is not staff on the roster"));
          }
          break;
        case v1::Presenter::kGuestId: {
          bool found = false;
          for (const v1::Guest& guest : policy_.roster().guests()) {
            found = found || guest.guest_id() == presenter.guest_id();
          }
          if (!found) {
            Error({{"sessions", s}, {"presenters", p}, {"guest_id"}},
                  absl::StrCat(label, ": presenter \"", presenter.guest_id(),
                               "\" is not a guest on the roster"));
          }
          break;
        }
        case v1::Presenter::WHO_NOT_SET:
          Error({{"sessions", s}, {"presenters", p}},
                absl::StrCat(label,
                             ": a presenter needs group_id, staff_id or "
                             "guest_id"));
          break;
      }
    }
    if (!session.summary_group_id().empty()) {
      info.summary_group = GroupIndex(session.summary_group_id());
      if (info.summary_group < 0) {
        Error({{"sessions", s}, {"summary_group_id"}},
              absl::StrCat(label, ": summary group \"",
                           session.summary_group_id(),
                           "\" is not defined in groups"));
      } else if (std::count(info.presenter_groups.begin(),
                            info.presenter_groups.end(),
                            info.summary_group) > 0) {
        Warning({{"sessions", s}, {"summary_group_id"}},
                absl::StrCat(label, ": the summary group \"",
                             session.summary_group_id(),
                             "\" also presents this session"));
      }
    }
    if (!session.reviewer_group_id().empty() &&
        GroupIndex(session.reviewer_group_id()) < 0) {
      Error({{"sessions", s}, {"reviewer_group_id"}},
            absl::StrCat(label, ": reviewer group \"",
                         session.reviewer_group_id(),
                         "\" is not defined in groups"));
    }

    if (!ok || !zone_ok_) continue;
    const absl::CivilSecond midnight(info.date);
    auto start_at =
        ResolveCivil(midnight + absl::ToInt64Seconds(start), course_.zone_);
    auto end_at =
        ResolveCivil(midnight + absl::ToInt64Seconds(end), course_.zone_);
    if (!start_at.ok() || !end_at.ok()) {
      Error(
          {{"sessions", s}},
          absl::StrCat(label, ": ",
                       (start_at.ok() ? end_at : start_at).status().message()));
      continue;
    }
    info.start = *start_at;
    info.end = *end_at;
    sessions_.push_back(std::move(info));
  }
  std::stable_sort(sessions_.begin(), sessions_.end(),
                   [](const SessionInfo& a, const SessionInfo& b) {
                     return a.start < b.start;
                   });
  for (int i = 0; i < static_cast<int>(sessions_.size()); ++i) {
    session_index_[sessions_[i].id] = i;
  }
}

}  // namespace handin::deadline
