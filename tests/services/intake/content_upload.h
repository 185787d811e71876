#ifndef HANDIN_TESTS_SERVICES_INTAKE_CONTENT_UPLOAD_H_
#define HANDIN_TESTS_SERVICES_INTAKE_CONTENT_UPLOAD_H_

// Intake configured to inspect uploads with the real handin-inspect and to
// spool them into a test's own directory, for the content-check and
// time-limit tests.

#include <filesystem>
#include <string>
#include <vector>

#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "handin/deadline/v1/policy.pb.h"
#include "services/intake/intake_options.h"
#include "tests/services/intake/upload_messages.h"
#include "tests/testing/temp_dir.h"

namespace handin::testing {

// Options that inspect with the built handin-inspect and spool under
// `spool_dir`.
inline intake::IntakeOptions ContentOptions(const std::string& spool_dir) {
  intake::IntakeOptions options;
  options.inspector_path = BinaryDir() + "/bin/handin-inspect";
  options.spool_dir = spool_dir;
  return options;
}

// A ContentRule from its text form; fails the test if it does not parse.
inline deadline::v1::ContentRule ContentRuleFrom(const std::string& text) {
  deadline::v1::ContentRule rule;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &rule))
      << text;
  return rule;
}

// The metadata, `content` in 64 KiB chunks, and the finish.
inline std::vector<intake::v1::UploadRequest> WholeUpload(
    const std::string& content, const std::string& item) {
  std::vector<intake::v1::UploadRequest> messages = {Metadata(content, item)};
  constexpr size_t kChunk = 64 << 10;
  for (size_t offset = 0; offset < content.size(); offset += kChunk) {
    messages.push_back(
        Chunk(static_cast<int64_t>(offset), content.substr(offset, kChunk)));
  }
  messages.push_back(Finish());
  return messages;
}

// The names of the files in `dir` (none if it does not exist).
inline std::vector<std::string> FilesIn(const std::string& dir) {
  std::vector<std::string> names;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
    names.push_back(entry.path().string());
  }
  return names;
}

}  // namespace handin::testing

#endif  // HANDIN_TESTS_SERVICES_INTAKE_CONTENT_UPLOAD_H_
