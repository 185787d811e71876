#ifndef HANDIN_SERVICES_DEADLINE_CALENDAR_H_
#define HANDIN_SERVICES_DEADLINE_CALENDAR_H_

// Writing iCalendar (RFC 5545) documents: a VCALENDAR of VEVENTs whose
// instants are written in UTC ("20240318T143000Z"), so no VTIMEZONE is
// needed and no reader can misplace them. Pure text formatting: no I/O, no
// clock, no gRPC, no policy.

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace handin::deadline {

// One VEVENT.
struct CalendarEvent {
  // UID: globally unique, and the same in every export of the same event so
  // a calendar application updates it instead of adding a copy. Required.
  std::string uid;
  // DTSTART.
  absl::Time start;
  // DTEND. Must be after `start` (RFC 5545, 3.8.2.2) once both are
  // truncated to the second; when it is not, DTEND is left out and the
  // event lasts no time at all.
  absl::Time end;
  // SUMMARY: the event's title. Any UTF-8 text; escaped on output.
  std::string summary;
  // DESCRIPTION; left out when empty. Any UTF-8 text, newlines included.
  std::string description;
};

// A VCALENDAR.
struct Calendar {
  // PRODID: who produced the document, e.g. "-//handin//deadline//EN".
  // Required by RFC 5545.
  std::string product_id;
  // X-WR-CALNAME, the name most applications show for an imported
  // calendar; left out when empty.
  std::string name;
  // DTSTAMP of every event: when the document was made.
  absl::Time stamp;
  // The events, written in this order.
  std::vector<CalendarEvent> events;
};

// Returns `calendar` as an iCalendar document: VERSION:2.0, CALSCALE
// GREGORIAN, METHOD PUBLISH, every event with UID, DTSTAMP, DTSTART, DTEND,
// SUMMARY, DESCRIPTION and TRANSP:TRANSPARENT (a deadline does not make
// anyone busy). Every line ends in CRLF and is folded so that no line is
// longer than 75 octets, never inside a UTF-8 character; text values are
// escaped (EscapeText). Instants must lie in the years 1 to 9999.
std::string FormatCalendar(const Calendar& calendar);

// Escapes `text` as an iCalendar TEXT value: backslash, semicolon and comma
// get a backslash before them, a line break (CRLF, LF or a lone CR) becomes
// "\n", and control characters other than tab, which TEXT cannot carry,
// are dropped.
std::string EscapeText(absl::string_view text);

// Formats `t` as an iCalendar UTC DATE-TIME, "20240318T143000Z". Fractions
// of a second are dropped (rounding towards the past).
std::string FormatUtcDateTime(absl::Time t);

// Returns the content line `line` (without a line break) folded per RFC
// 5545, 3.1: cut into pieces of at most 75 octets, each ending in CRLF, the
// pieces after the first starting with a space (which counts towards the
// 75). Cuts fall between UTF-8 characters.
std::string FoldLine(absl::string_view line);

}  // namespace handin::deadline

#endif  // HANDIN_SERVICES_DEADLINE_CALENDAR_H_
