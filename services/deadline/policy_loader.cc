#include "services/deadline/policy_loader.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/sha256.h"
#include "common/tls.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"

namespace handin::deadline {
namespace {

using ::google::protobuf::Descriptor;
using ::google::protobuf::FieldDescriptor;
using ::google::protobuf::TextFormat;

std::string Position(absl::string_view source_name, int line, int column) {
  // The parser counts from zero; editors count from one.
  return absl::StrCat(source_name, ":", line + 1, ":", column + 1);
}

// Collects the parser's complaints with their positions.
class Collector final : public google::protobuf::io::ErrorCollector {
 public:
  explicit Collector(absl::string_view source_name)
      : source_name_(source_name) {}

  void AddError(int line, google::protobuf::io::ColumnNumber column,
                const std::string& message) override {
    errors_.push_back(
        absl::StrCat(Position(source_name_, line, column), ": ", message));
  }

  const std::vector<std::string>& errors() const { return errors_; }

 private:
  std::string source_name_;
  std::vector<std::string> errors_;
};

// Answers PolicySourceMap::Locate from the parser's record of where each
// field was written.
class ParsedSourceMap final : public PolicySourceMap {
 public:
  ParsedSourceMap(absl::string_view source_name,
                  const TextFormat::ParseInfoTree* tree)
      : source_name_(source_name), tree_(tree) {}

  std::string Locate(absl::Span<const FieldStep> path) const override {
    const Descriptor* message = v1::CoursePolicy::descriptor();
    const TextFormat::ParseInfoTree* tree = tree_;
    TextFormat::ParseLocation best;
    for (size_t i = 0; i < path.size() && tree != nullptr; ++i) {
      const FieldDescriptor* field =
          message->FindFieldByName(std::string(path[i].field));
      if (field == nullptr) break;
      int index = -1;
      if (field->is_repeated()) index = path[i].index < 0 ? 0 : path[i].index;
      TextFormat::ParseLocation here = tree->GetLocation(field, index);
      if (here.line < 0 && index > 0) {
        // A list written as `field: [a, b]` is recorded once, as index 0.
        here = tree->GetLocation(field, 0);
        if (here.line >= 0) best = here;
        break;
      }
      if (here.line < 0) break;
      best = here;
      if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) break;
      tree = tree->GetTreeForNested(field, index);
      message = field->message_type();
    }
    if (best.line < 0) return source_name_;
    return Position(source_name_, best.line, best.column);
  }

 private:
  std::string source_name_;
  const TextFormat::ParseInfoTree* tree_;
};

absl::StatusOr<v1::CoursePolicy> Parse(absl::string_view text,
                                       absl::string_view source_name,
                                       TextFormat::ParseInfoTree* tree) {
  Collector collector(source_name);
  TextFormat::Parser parser;
  parser.RecordErrorsTo(&collector);
  parser.WriteLocationsTo(tree);
  v1::CoursePolicy policy;
  const bool parsed = parser.ParseFromString(std::string(text), &policy);
  if (!collector.errors().empty()) {
    return absl::InvalidArgumentError(absl::StrJoin(collector.errors(), "\n"));
  }
  if (!parsed) {
    return absl::InvalidArgumentError(
        absl::StrCat(source_name, ": not a valid CoursePolicy text proto"));
  }
  return policy;
}

}  // namespace

absl::StatusOr<v1::CoursePolicy> ParseCoursePolicy(
    absl::string_view text, absl::string_view source_name) {
  TextFormat::ParseInfoTree tree;
  return Parse(text, source_name, &tree);
}

absl::StatusOr<std::unique_ptr<Course>> LoadCourseFromString(
    absl::string_view text, absl::string_view source_name) {
  TextFormat::ParseInfoTree tree;
  absl::StatusOr<v1::CoursePolicy> policy = Parse(text, source_name, &tree);
  if (!policy.ok()) return policy.status();
  ParsedSourceMap source(source_name, &tree);
  return Course::Create(*std::move(policy), &source, Sha256::Of(text));
}

absl::StatusOr<std::unique_ptr<Course>> LoadCourseFromFile(
    const std::string& path) {
  absl::StatusOr<std::string> text = ReadFileToString(path);
  if (!text.ok()) return text.status();
  return LoadCourseFromString(*text, path);
}

}  // namespace handin::deadline
