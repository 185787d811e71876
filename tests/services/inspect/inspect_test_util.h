#ifndef HANDIN_TESTS_SERVICES_INSPECT_INSPECT_TEST_UTIL_H_
#define HANDIN_TESTS_SERVICES_INSPECT_INSPECT_TEST_UTIL_H_

#include <string>

#include "gtest/gtest.h"
#include "handin/deadline/v1/policy.pb.h"
#include "handin/inspect/v1/report.pb.h"
#include "services/inspect/inspector.h"
#include "tests/testing/temp_dir.h"

namespace handin::inspect::testing {

// A ContentRule from its text form, failing the test if it does not parse.
deadline::v1::ContentRule Rule(const std::string& text);

// Runs Inspect on files it writes into its own temporary directory.
class InspectTest : public ::testing::Test {
 protected:
  // Writes `bytes` to a file and inspects it.
  v1::InspectionReport InspectBytes(const std::string& bytes,
                                    const std::string& rule_text = "");
  // Inspects the file at `path`.
  v1::InspectionReport InspectPath(const std::string& path,
                                   const std::string& rule_text = "");

  ::handin::testing::TempDir dir_;
  Limits limits_;
};

}  // namespace handin::inspect::testing

#endif  // HANDIN_TESTS_SERVICES_INSPECT_INSPECT_TEST_UTIL_H_
