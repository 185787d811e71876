#include "services/deadline/calendar.h"

#include "absl/strings/str_cat.h"

namespace handin::deadline {
namespace {

// RFC 5545, 3.1: "Lines of text SHOULD NOT be longer than 75 octets,
// excluding the line break."
constexpr size_t kMaxLineOctets = 75;

// Rounds towards the past, to a whole second.
absl::Time FloorToSecond(absl::Time t) {
  return absl::FromUnixSeconds(absl::ToUnixSeconds(t));
}

bool IsUtf8Continuation(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

// Appends the folded content line "<name>:<value>".
void AddLine(std::string& out, absl::string_view name,
             absl::string_view value) {
  out += FoldLine(absl::StrCat(name, ":", value));
}

}  // namespace

std::string EscapeText(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    switch (c) {
      case '\\':
      case ';':
      case ',':
        out += '\\';
        out += c;
        break;
      case '\r':
        // CRLF is one line break; so is a lone CR.
        if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
        out += "\\n";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += c;
        break;
      default:
        // TEXT excludes the other controls (RFC 5545, 3.3.11: TSAFE-CHAR).
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) break;
        out += c;
    }
  }
  return out;
}

std::string FormatUtcDateTime(absl::Time t) {
  return absl::FormatTime("%Y%m%dT%H%M%SZ", FloorToSecond(t),
                          absl::UTCTimeZone());
}

std::string FoldLine(absl::string_view line) {
  std::string out;
  out.reserve(line.size() + line.size() / 64 * 3 + 2);
  bool first = true;
  while (true) {
    // A continuation line's leading space is one of its 75 octets.
    const size_t room = first ? kMaxLineOctets : kMaxLineOctets - 1;
    if (!first) out += ' ';
    if (line.size() <= room) {
      out.append(line.data(), line.size());
      out += "\r\n";
      return out;
    }
    size_t cut = room;
    while (cut > 0 && IsUtf8Continuation(line[cut])) --cut;
    if (cut == 0) cut = room;  // Not UTF-8; cut anywhere rather than loop.
    out.append(line.data(), cut);
    out += "\r\n";
    line.remove_prefix(cut);
    first = false;
  }
}

std::string FormatCalendar(const Calendar& calendar) {
  std::string out;
  AddLine(out, "BEGIN", "VCALENDAR");
  AddLine(out, "VERSION", "2.0");
  AddLine(out, "PRODID", EscapeText(calendar.product_id));
  AddLine(out, "CALSCALE", "GREGORIAN");
  AddLine(out, "METHOD", "PUBLISH");
  if (!calendar.name.empty()) {
    AddLine(out, "X-WR-CALNAME", EscapeText(calendar.name));
  }
  const std::string stamp = FormatUtcDateTime(calendar.stamp);
  for (const CalendarEvent& event : calendar.events) {
    AddLine(out, "BEGIN", "VEVENT");
    AddLine(out, "UID", EscapeText(event.uid));
    AddLine(out, "DTSTAMP", stamp);
    AddLine(out, "DTSTART", FormatUtcDateTime(event.start));
    // Compared as written, to the second.
    if (FloorToSecond(event.end) > FloorToSecond(event.start)) {
      AddLine(out, "DTEND", FormatUtcDateTime(event.end));
    }
    AddLine(out, "SUMMARY", EscapeText(event.summary));
    if (!event.description.empty()) {
      AddLine(out, "DESCRIPTION", EscapeText(event.description));
    }
    AddLine(out, "TRANSP", "TRANSPARENT");
    AddLine(out, "END", "VEVENT");
  }
  AddLine(out, "END", "VCALENDAR");
  return out;
}

}  // namespace handin::deadline
