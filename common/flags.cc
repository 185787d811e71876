#include "common/flags.h"

#include <cstring>

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

// Rewrites "--check-policy=x" as "--check_policy=x": Abseil flag names use
// underscores, people type dashes. Values and positional arguments (and
// everything after a bare "--") are left alone.
void NormalizeFlagNames(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    char* arg = argv[i];
    if (std::strcmp(arg, "--") == 0) return;
    if (arg[0] != '-') continue;
    char* name = arg + (arg[1] == '-' ? 2 : 1);
    for (char* c = name; *c != '\0' && *c != '='; ++c) {
      if (*c == '-') *c = '_';
    }
  }
}

}  // namespace

std::vector<char*> ParseFlags(int argc, char** argv, const std::string& usage) {
  NormalizeFlagNames(argc, argv);
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
