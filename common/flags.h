#ifndef HANDIN_COMMON_FLAGS_H_
#define HANDIN_COMMON_FLAGS_H_

#include <string>
#include <vector>

namespace handin {

// Parses argv with Abseil flags, exiting with a message on a bad flag.
// --help lists every flag defined in handin's own sources (services/,
// common/, clients/, tools/), not Abseil's internal ones (--helpfull shows
// those too). `usage` is printed first; start it with a verb, not the
// program name (Abseil prints that). Flag names may be written with dashes
// or underscores ("--check-policy" is "--check_policy"); `argv` is
// rewritten in place to the underscore spelling. Returns the positional
// arguments, argv[0] first.
std::vector<char*> ParseFlags(int argc, char** argv, const std::string& usage);

}  // namespace handin

#endif  // HANDIN_COMMON_FLAGS_H_
