#include "common/flags.h"

#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace handin {
namespace {

bool IsHandinSource(absl::string_view file) {
  for (absl::string_view dir : {"services/", "common/", "clients/", "tools/"}) {
    if (absl::StartsWith(file, dir) ||
        absl::StrContains(file, absl::StrCat("/", dir))) {
      return true;
    }
  }
  return false;
}

}  // namespace

std::vector<char*> ParseFlags(int argc, char** argv, const std::string& usage) {
  absl::FlagsUsageConfig config;
  config.contains_help_flags = IsHandinSource;
  config.contains_helpshort_flags = IsHandinSource;
  config.normalize_filename = [](absl::string_view file) {
    // Show paths from the repository root.
    for (absl::string_view dir :
         {"services/", "common/", "clients/", "tools/"}) {
      const size_t at = file.find(dir);
      if (at != absl::string_view::npos) return std::string(file.substr(at));
    }
    return std::string(file);
  };
  absl::SetFlagsUsageConfig(config);
  absl::SetProgramUsageMessage(usage);
  return absl::ParseCommandLine(argc, argv);
}

}  // namespace handin
