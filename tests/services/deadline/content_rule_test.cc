// The accepted-content declaration of an item is validated at load: intake
// can only enforce what it can recognise, and limits must make sense.

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/deadline/policy_loader.h"
#include "tests/services/deadline/test_util.h"

namespace handin::deadline {
namespace {

using ::handin::deadline::testing::kMinimalPolicy;
using ::testing::HasSubstr;

// Loads kMinimalPolicy with `content` as the slides item's content rule;
// returns the load error, or "" if it loads.
std::string LoadWithContent(const std::string& content) {
  constexpr absl::string_view kDue = "offset { seconds: -86400 } }\n";
  auto course = LoadCourseFromString(
      absl::StrReplaceAll(
          kMinimalPolicy,
          {{kDue, absl::StrCat(kDue, "  content { ", content, " }\n")}}),
      "test.textproto");
  return course.ok() ? "" : std::string(course.status().message());
}

TEST(ContentRule, TheReferenceCoursesRulesLoad) {
  EXPECT_EQ(LoadWithContent("media_types: [\"application/pdf\"] "
                            "max_pages: 8 page_limit_action: "
                            "PAGE_LIMIT_ACTION_FLAG"),
            "");
  EXPECT_EQ(LoadWithContent("media_types: [\"application/zip\"] "
                            "require_readme: true required_files: "
                            "[\"src/main.py\"]"),
            "");
  EXPECT_EQ(LoadWithContent("max_size_bytes: 1000 min_pages: 2"), "");
}

TEST(ContentRule, AMediaTypeIntakeCannotRecogniseFailsTheLoad) {
  EXPECT_THAT(LoadWithContent("media_types: [\"application/pdf\", "
                              "\"image/png\"]"),
              HasSubstr("test.textproto:17:13: item \"slides\": media type "
                        "\"image/png\" cannot be recognised by content; use "
                        "one of application/pdf, "));
}

TEST(ContentRule, PageLimitsMustBeOrderedAndApplyToPdfs) {
  EXPECT_THAT(LoadWithContent("min_pages: 3 max_pages: 2"),
              HasSubstr("page limits must satisfy 0 <= min_pages <= "
                        "max_pages"));
  EXPECT_THAT(LoadWithContent("min_pages: -1"),
              HasSubstr("page limits must satisfy"));
  EXPECT_THAT(LoadWithContent("media_types: [\"application/zip\"] "
                              "max_pages: 2"),
              HasSubstr("page limits apply to PDFs, but the item does not "
                        "accept application/pdf"));
}

TEST(ContentRule, ArchiveRequirementsApplyToZipsAndStayInside) {
  EXPECT_THAT(LoadWithContent("media_types: [\"application/pdf\"] "
                              "require_readme: true"),
              HasSubstr("required archive files apply to zip files"));
  EXPECT_THAT(LoadWithContent("required_files: [\"../etc/passwd\"]"),
              HasSubstr("required file \"../etc/passwd\" must be a relative "
                        "path inside the archive"));
  EXPECT_THAT(LoadWithContent("required_files: [\"/README\"]"),
              HasSubstr("must be a relative path"));
  EXPECT_THAT(LoadWithContent("max_size_bytes: -5"),
              HasSubstr("max_size_bytes must not be negative"));
}

}  // namespace
}  // namespace handin::deadline
