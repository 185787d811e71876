// The calendars the deadline service exports, read back by an independent
// iCalendar parser: Debian's python3-icalendar, run as a child process.
// Without it these tests fail (they do not skip): install python3-icalendar.

#include <algorithm>
#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "services/deadline/calendar.h"
#include "services/deadline/civil_text.h"
#include "services/deadline/deadlines.h"
#include "tests/services/deadline/test_util.h"
#include "tests/testing/subprocess.h"
#include "tests/testing/temp_dir.h"

namespace handin::deadline {
namespace {

using ::google::protobuf::Struct;
using ::google::protobuf::Value;
using ::handin::deadline::testing::LoadReferenceCourse;
using ::handin::deadline::testing::Utc;
using ::handin::testing::CommandResult;
using ::handin::testing::RunCommand;
using ::handin::testing::TempDir;

// Debian's interpreter, which is where python3-icalendar installs.
constexpr char kPython[] = "/usr/bin/python3";

// Prints the calendar in argv[1] as JSON: its VERSION and PRODID, and per
// VEVENT its UID, SUMMARY, DESCRIPTION and its DTSTAMP, DTSTART and DTEND
// as Unix seconds, refusing instants that are not zoned at UTC.
constexpr char kReadCalendar[] = R"py(
import datetime, json, sys
import icalendar
with open(sys.argv[1], 'rb') as f:
    cal = icalendar.Calendar.from_ical(f.read())
def utc_seconds(event, name):
    value = event.decoded(name)
    if not isinstance(value, datetime.datetime) or value.utcoffset() is None:
        sys.exit('%s %s is not a zoned date-time: %r' % (event['UID'], name, value))
    if value.utcoffset() != datetime.timedelta(0):
        sys.exit('%s %s is not in UTC: %r' % (event['UID'], name, value))
    return int(value.timestamp())
events = {}
for event in cal.walk('VEVENT'):
    events[str(event['UID'])] = {
        'summary': str(event['SUMMARY']),
        'description': str(event.get('DESCRIPTION', '')),
        'dtstamp': utc_seconds(event, 'DTSTAMP'),
        'start': utc_seconds(event, 'DTSTART'),
        'end': utc_seconds(event, 'DTEND'),
    }
print(json.dumps({'version': str(cal['VERSION']),
                  'prodid': str(cal['PRODID']),
                  'events': events}))
)py";

// Parses `ics` with python3-icalendar; fails the test (returning an empty
// Struct) if the parser is missing or rejects the document.
Struct ReadBack(const std::string& ics) {
  const CommandResult probe = RunCommand({kPython, "-c", "import icalendar"});
  if (probe.exit_code != 0) {
    ADD_FAILURE() << "python3-icalendar is not installed, so the calendar "
                     "cannot be checked by an independent parser; install "
                     "it: apt-get install python3-icalendar (it must be "
                     "importable by "
                  << kPython << ")\n"
                  << probe.err;
    return {};
  }
  TempDir dir;
  const std::string path = dir.File("deadlines.ics");
  std::ofstream(path, std::ios::binary) << ics;
  const CommandResult run = RunCommand({kPython, "-c", kReadCalendar, path});
  if (run.exit_code != 0) {
    ADD_FAILURE() << "python3-icalendar rejected the calendar:\n"
                  << run.err << "\n"
                  << ics;
    return {};
  }
  Struct parsed;
  auto status = google::protobuf::util::JsonStringToMessage(run.out, &parsed);
  EXPECT_TRUE(status.ok()) << status.ToString() << "\n" << run.out;
  return parsed;
}

TEST(CalendarReadBack, EveryOwedItemAppearsAtTheEnginesDueInstant) {
  std::unique_ptr<Course> course = LoadReferenceCourse();
  ASSERT_NE(course, nullptr);
  const absl::Time now = Utc(2024, 3, 18, 14, 0, 7);
  for (const char* principal : {"jiaheng", "yuxuan", "luke"}) {
    SCOPED_TRACE(principal);
    absl::StatusOr<Calendar> calendar = BuildCalendar(*course, principal, now);
    ASSERT_TRUE(calendar.ok()) << calendar.status();
    const Struct parsed = ReadBack(FormatCalendar(*calendar));
    ASSERT_TRUE(parsed.fields().contains("events"));
    EXPECT_EQ(parsed.fields().at("version").string_value(), "2.0");
    EXPECT_EQ(parsed.fields().at("prodid").string_value(),
              calendar->product_id);

    auto owed = course->ListItems(principal);
    ASSERT_TRUE(owed.ok()) << owed.status();
    const auto& events = parsed.fields().at("events").struct_value().fields();
    EXPECT_EQ(events.size(), owed->size());
    for (const ConcreteItem* item : *owed) {
      SCOPED_TRACE(item->id);
      auto it = events.find(CalendarUid(*course, *item, principal));
      ASSERT_NE(it, events.end());
      const auto& event = it->second.struct_value().fields();
      EXPECT_EQ(event.at("start").number_value(),
                absl::ToUnixSeconds(item->due_at));
      EXPECT_EQ(event.at("end").number_value(),
                absl::ToUnixSeconds(item->due_at +
                                    std::max(item->grace, absl::Minutes(1))));
      EXPECT_EQ(event.at("dtstamp").number_value(), absl::ToUnixSeconds(now));
      EXPECT_EQ(event.at("summary").string_value(), item->title);
      EXPECT_EQ(
          event.at("description").string_value(),
          absl::StrCat(item->rule_text, "\nDue ",
                       FormatLocal(item->due_at, course->time_zone()),
                       "; submit it as item ", item->id, " of eecs598-w24."));
    }
  }
}

TEST(CalendarReadBack, AwkwardTextSurvivesEscapingAndFolding) {
  // Everything TEXT must escape, a line break of each kind, and multi-octet
  // characters long enough to be folded many times over.
  const std::string awkward =
      "Slides; part 1, draft \\ final\nsecond line\r\nthird\t(tabbed) — "
      "Zürich naïve café 😀 " +
      std::string(90, 'x') + " ünïcödé ✓✓✓✓✓✓✓✓✓✓✓✓✓✓✓✓✓✓✓✓✓✓✓✓✓✓✓✓✓✓";
  Calendar calendar;
  calendar.product_id = "-//handin//test, with; escapes//EN";
  calendar.stamp = Utc(2024, 1, 1, 0, 0);
  calendar.events.push_back({"weird+c+ann@handin", Utc(2024, 11, 3, 6, 30),
                             Utc(2024, 11, 3, 7, 30), awkward, awkward});
  const Struct parsed = ReadBack(FormatCalendar(calendar));
  ASSERT_TRUE(parsed.fields().contains("events"));
  EXPECT_EQ(parsed.fields().at("prodid").string_value(), calendar.product_id);
  const auto& events = parsed.fields().at("events").struct_value().fields();
  ASSERT_TRUE(events.contains("weird+c+ann@handin"));
  const auto& event = events.at("weird+c+ann@handin").struct_value().fields();
  // iCalendar has one kind of line break; CRLF comes back as LF.
  std::string expected = awkward;
  expected.replace(expected.find("\r\n"), 2, "\n");
  EXPECT_EQ(event.at("summary").string_value(), expected);
  EXPECT_EQ(event.at("description").string_value(), expected);
  EXPECT_EQ(event.at("start").number_value(),
            absl::ToUnixSeconds(Utc(2024, 11, 3, 6, 30)));
  EXPECT_EQ(event.at("end").number_value(),
            absl::ToUnixSeconds(Utc(2024, 11, 3, 7, 30)));
}

}  // namespace
}  // namespace handin::deadline
