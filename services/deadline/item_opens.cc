// The opening half of the item passes of CourseBuilder: validating an
// item's `opens` rule and giving each concrete item its opening instant.

#include <string>

#include "absl/strings/str_cat.h"
#include "common/proto_time.h"
#include "services/deadline/civil_text.h"
#include "services/deadline/course_builder.h"

namespace handin::deadline {

void CourseBuilder::CheckOpens(const v1::Item& item, int i,
                               absl::string_view label) {
  switch (item.opens_case()) {
    case v1::Item::OPENS_NOT_SET:
      break;
    case v1::Item::kOpensAt: {
      const v1::LocalDateTime& opens = item.opens_at();
      auto civil = ParseCivilDateTime(opens.local_time());
      if (!civil.ok()) {
        Error({{"items", i}, {"opens_at"}, {"local_time"}},
              absl::StrCat(label, ": opens_at ", civil.status().message()));
      }
      absl::TimeZone zone = course_.zone_;
      bool zone_ok = zone_ok_;
      if (!opens.time_zone().empty()) {
        zone_ok = absl::LoadTimeZone(opens.time_zone(), &zone);
        if (!zone_ok) {
          Error({{"items", i}, {"opens_at"}, {"time_zone"}},
                absl::StrCat(label, ": unknown time zone \"", opens.time_zone(),
                             "\": not found in the IANA time zone database"));
        }
      }
      if (!civil.ok() || !zone_ok) break;
      bool repeated = false;
      auto at = ResolveCivil(*civil, zone, &repeated);
      if (!at.ok()) {
        Error({{"items", i}, {"opens_at"}},
              absl::StrCat(label, ": opens_at ", at.status().message()));
        break;
      }
      if (repeated) {
        Warning(
            {{"items", i}, {"opens_at"}},
            absl::StrCat(label, ": ", opens.local_time(), " happens twice in ",
                         zone.name(), "; the first occurrence is used"));
      }
      absolute_opens_[i] = *at;
      break;
    }
    case v1::Item::kOpensFromSession: {
      const v1::SessionOffset& rel = item.opens_from_session();
      const bool per_session = item.has_per_session();
      if (rel.anchor() == v1::SESSION_ANCHOR_UNSPECIFIED) {
        Error({{"items", i}, {"opens_from_session"}},
              absl::StrCat(label,
                           ": opens_from_session needs anchor: "
                           "SESSION_ANCHOR_START or SESSION_ANCHOR_END"));
      }
      if (per_session && !rel.session_id().empty()) {
        Error({{"items", i}, {"opens_from_session"}, {"session_id"}},
              absl::StrCat(label,
                           ": a per-session template opens from each of "
                           "its own sessions; remove session_id"));
      } else if (!per_session && rel.session_id().empty()) {
        Error({{"items", i}, {"opens_from_session"}},
              absl::StrCat(label,
                           ": a standalone item that opens from a session "
                           "must name it in session_id"));
      } else if (!per_session && !session_index_.contains(rel.session_id())) {
        Error({{"items", i}, {"opens_from_session"}, {"session_id"}},
              absl::StrCat(label, ": session \"", rel.session_id(),
                           "\" is not defined in sessions"));
      }
      break;
    }
  }
}

void CourseBuilder::SetOpens(const v1::Item& item, int item_index,
                             const SessionInfo* session, ConcreteItem& c) {
  switch (item.opens_case()) {
    case v1::Item::OPENS_NOT_SET:
      return;
    case v1::Item::kOpensAt:
      c.opens_at = absolute_opens_[item_index];
      break;
    case v1::Item::kOpensFromSession: {
      const v1::SessionOffset& rel = item.opens_from_session();
      const SessionInfo& anchor =
          session != nullptr ? *session
                             : sessions_[session_index_.at(rel.session_id())];
      c.opens_at = (rel.anchor() == v1::SESSION_ANCHOR_START ? anchor.start
                                                             : anchor.end) +
                   FromProtoDuration(rel.offset());
      break;
    }
  }
  if (c.opens_at >= c.due_at) {
    Error({{"items", item_index},
           {item.opens_case() == v1::Item::kOpensAt ? "opens_at"
                                                    : "opens_from_session"}},
          absl::StrCat("item \"", c.id, "\" opens ",
                       FormatLocal(c.opens_at, course_.zone_),
                       ", not before it is due (",
                       FormatLocal(c.due_at, course_.zone_),
                       "); opens must be before the due instant"));
  }
}

}  // namespace handin::deadline
