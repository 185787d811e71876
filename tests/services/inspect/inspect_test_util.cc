#include "tests/services/inspect/inspect_test_util.h"

#include "google/protobuf/text_format.h"
#include "tests/services/inspect/fixtures.h"

namespace handin::inspect::testing {

deadline::v1::ContentRule Rule(const std::string& text) {
  deadline::v1::ContentRule rule;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &rule))
      << text;
  return rule;
}

v1::InspectionReport InspectTest::InspectBytes(const std::string& bytes,
                                               const std::string& rule_text) {
  const std::string path = dir_.File("upload");
  WriteFile(path, bytes);
  return InspectPath(path, rule_text);
}

v1::InspectionReport InspectTest::InspectPath(const std::string& path,
                                              const std::string& rule_text) {
  absl::StatusOr<v1::InspectionReport> report =
      Inspect(path, Rule(rule_text), limits_);
  EXPECT_TRUE(report.ok()) << report.status();
  return report.ok() ? *report : v1::InspectionReport();
}

}  // namespace handin::inspect::testing
