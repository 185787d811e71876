// The iCalendar writer on its own: escaping, folding, UTC date-times and
// the shape of the document, checked octet by octet.

#include "services/deadline/calendar.h"

#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/services/deadline/test_util.h"

namespace handin::deadline {
namespace {

using ::handin::deadline::testing::Utc;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

// Undoes FoldLine: drops every CRLF followed by a space.
std::string Unfold(absl::string_view folded) {
  std::string out(folded);
  for (size_t at; (at = out.find("\r\n ")) != std::string::npos;) {
    out.erase(at, 3);
  }
  return out;
}

// The lines of a CRLF-terminated text, without their line breaks.
std::vector<std::string> Lines(absl::string_view text) {
  std::vector<std::string> lines = absl::StrSplit(text, "\r\n");
  EXPECT_EQ(lines.back(), "") << "the text must end in CRLF";
  lines.pop_back();
  return lines;
}

TEST(EscapeText, BackslashesSemicolonsCommasAndLineBreaksAreEscaped) {
  EXPECT_EQ(EscapeText("a,b;c\\d"), "a\\,b\\;c\\\\d");
  EXPECT_EQ(EscapeText("one\ntwo\r\nthree\rfour"), "one\\ntwo\\nthree\\nfour");
  EXPECT_EQ(EscapeText("due 10:30 \"EDT\""), "due 10:30 \"EDT\"");
}

TEST(EscapeText, ControlCharactersAreDroppedButTabsAndUtf8Stay) {
  EXPECT_EQ(EscapeText(std::string("a\x01"
                                   "b\x7f"
                                   "c\td",
                                   7)),
            "abc\td");
  EXPECT_EQ(EscapeText("Zürich – naïve"), "Zürich – naïve");
}

TEST(FormatUtcDateTime, WritesTheUtcFormAndDropsFractionsTowardsThePast) {
  EXPECT_EQ(FormatUtcDateTime(Utc(2024, 3, 18, 14, 30)), "20240318T143000Z");
  EXPECT_EQ(FormatUtcDateTime(Utc(2024, 5, 1, 22, 0) - absl::Milliseconds(1)),
            "20240501T215959Z");
  EXPECT_EQ(FormatUtcDateTime(absl::UnixEpoch() - absl::Milliseconds(500)),
            "19691231T235959Z");
}

TEST(FoldLine, ALineOf75OctetsIsNotFolded) {
  const std::string line(75, 'x');
  EXPECT_EQ(FoldLine(line), line + "\r\n");
}

TEST(FoldLine, LongLinesAreCutAt75OctetsWithSpaceIndentedContinuations) {
  const std::string line(200, 'x');
  const std::string folded = FoldLine(line);
  EXPECT_THAT(Lines(folded),
              ElementsAre(std::string(75, 'x'), " " + std::string(74, 'x'),
                          " " + std::string(51, 'x')));
  EXPECT_EQ(Unfold(folded), line + "\r\n");
}

TEST(FoldLine, CutsNeverFallInsideAUtf8Character) {
  // Every offset of a 2-, 3- and 4-octet character against the cut.
  for (const std::string ch : {"é", "–", "😀"}) {
    for (size_t pad = 70; pad < 76; ++pad) {
      std::string line(pad, 'x');
      for (int i = 0; i < 40; ++i) line += ch;
      SCOPED_TRACE(::testing::Message() << ch << " after " << pad);
      const std::string folded = FoldLine(line);
      EXPECT_EQ(Unfold(folded), line + "\r\n");
      const std::vector<std::string> pieces = Lines(folded);
      ASSERT_GT(pieces.size(), 1u);
      for (size_t i = 0; i < pieces.size(); ++i) {
        EXPECT_LE(pieces[i].size(), 75u);
        if (i == 0) continue;
        // After the space, a piece starts a character, never continues one.
        ASSERT_GE(pieces[i].size(), 2u);
        EXPECT_NE(static_cast<unsigned char>(pieces[i][1]) & 0xC0, 0x80)
            << "piece " << i << " starts inside a character";
      }
    }
  }
}

Calendar TwoEvents() {
  Calendar calendar;
  calendar.product_id = "-//handin//test//EN";
  calendar.name = "EECS 598, W'24";
  calendar.stamp = Utc(2024, 3, 18, 14, 0, 7);
  calendar.events.push_back({"slides/2024-03-19+c+ann@handin",
                             Utc(2024, 3, 18, 14, 30), Utc(2024, 3, 18, 14, 31),
                             "Slides: FlashAttention", "due; flagged\nline 2"});
  calendar.events.push_back({"project-report+c+ann@handin",
                             Utc(2024, 5, 1, 22, 0), Utc(2024, 5, 1, 22, 0),
                             "Final report", ""});
  return calendar;
}

TEST(FormatCalendar, WritesEveryRequiredPropertyInOrderWithCrlf) {
  EXPECT_THAT(
      Lines(FormatCalendar(TwoEvents())),
      ElementsAre("BEGIN:VCALENDAR", "VERSION:2.0",
                  "PRODID:-//handin//test//EN", "CALSCALE:GREGORIAN",
                  "METHOD:PUBLISH", "X-WR-CALNAME:EECS 598\\, W'24",
                  "BEGIN:VEVENT", "UID:slides/2024-03-19+c+ann@handin",
                  "DTSTAMP:20240318T140007Z", "DTSTART:20240318T143000Z",
                  "DTEND:20240318T143100Z", "SUMMARY:Slides: FlashAttention",
                  "DESCRIPTION:due\\; flagged\\nline 2", "TRANSP:TRANSPARENT",
                  "END:VEVENT", "BEGIN:VEVENT",
                  "UID:project-report+c+ann@handin", "DTSTAMP:20240318T140007Z",
                  "DTSTART:20240501T220000Z", "SUMMARY:Final report",
                  "TRANSP:TRANSPARENT", "END:VEVENT", "END:VCALENDAR"));
}

TEST(FormatCalendar, HasNoBareLineFeedsAndNoLineOver75Octets) {
  Calendar calendar = TwoEvents();
  calendar.events[0].description = std::string(300, 'd') + "\nend";
  calendar.events[0].summary = std::string(100, 's');
  const std::string text = FormatCalendar(calendar);
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') {
      ASSERT_GT(i, 0u);
      EXPECT_EQ(text[i - 1], '\r') << "bare LF at octet " << i;
    }
  }
  for (const std::string& line : Lines(text)) EXPECT_LE(line.size(), 75u);
  EXPECT_THAT(Unfold(text), HasSubstr("SUMMARY:" + std::string(100, 's')));
}

TEST(FormatCalendar, DtendIsLeftOutUnlessItFollowsDtstartToTheSecond) {
  Calendar calendar = TwoEvents();
  calendar.events.resize(1);
  calendar.events[0].end = calendar.events[0].start + absl::Milliseconds(900);
  EXPECT_THAT(FormatCalendar(calendar), Not(HasSubstr("DTEND")));
  calendar.events[0].end = calendar.events[0].start + absl::Seconds(1);
  EXPECT_THAT(FormatCalendar(calendar),
              HasSubstr("\r\nDTEND:20240318T143001Z\r\n"));
}

}  // namespace
}  // namespace handin::deadline
