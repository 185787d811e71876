#include "services/inspect/archive_paths.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "services/inspect/utf8.h"

namespace handin::inspect {
namespace {

constexpr absl::string_view kMacResourceDir = "__MACOSX";

// Components of `path` without empty and "." ones; ".." is kept.
std::vector<absl::string_view> Components(absl::string_view path) {
  std::vector<absl::string_view> parts;
  for (absl::string_view part : absl::StrSplit(path, absl::ByAnyChar("/\\"))) {
    if (!part.empty() && part != ".") parts.push_back(part);
  }
  return parts;
}

bool IsAbsolute(absl::string_view path) {
  if (absl::StartsWith(path, "/") || absl::StartsWith(path, "\\")) {
    return true;
  }
  return path.size() >= 2 && path[1] == ':' && absl::ascii_isalpha(path[0]);
}

bool IsReadmeName(absl::string_view name) {
  return absl::EqualsIgnoreCase(name, "README") ||
         absl::StartsWithIgnoreCase(name, "README.");
}

}  // namespace

absl::Status CheckEntryName(absl::string_view name, absl::string_view where) {
  if (Components(name).empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "an entry", where, " has an empty name ('", Printable(name), "')"));
  }
  if (IsAbsolute(name)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "entry '", Printable(name), "'", where,
        " has an absolute path; entries must be relative to the archive's "
        "root"));
  }
  for (absl::string_view part : Components(name)) {
    if (part == "..") {
      return absl::InvalidArgumentError(absl::StrCat(
          "entry '", Printable(name), "'", where,
          " leaves the archive: '..' is not allowed in entry names"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckLinkTarget(absl::string_view name, absl::string_view target,
                             absl::string_view where) {
  std::vector<absl::string_view> resolved = Components(name);
  if (!resolved.empty()) resolved.pop_back();  // the link's own directory
  bool outside = IsAbsolute(target) || target.empty();
  for (absl::string_view part : Components(target)) {
    if (outside) break;
    if (part != "..") {
      resolved.push_back(part);
    } else if (resolved.empty()) {
      outside = true;
    } else {
      resolved.pop_back();
    }
  }
  if (!outside) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "symbolic link '", Printable(name), "'", where, " points to '",
      Printable(target), "', outside the archive; links must stay inside it"));
}

void ArchiveTree::Add(absl::string_view name, bool is_directory) {
  const std::vector<absl::string_view> parts = Components(name);
  std::string path;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) path += '/';
    absl::StrAppend(&path, parts[i]);
    if (i + 1 < parts.size() || is_directory) {
      directories_.insert(path);
    } else {
      files_.insert(path);
    }
  }
}

std::string ArchiveTree::SoleTopDirectory() const {
  std::string sole;
  for (const auto* set : {&files_, &directories_}) {
    for (const std::string& path : *set) {
      const std::string top(absl::string_view(path).substr(0, path.find('/')));
      if (top == kMacResourceDir) continue;
      if (!sole.empty() && top != sole) return "";
      sole = top;
    }
  }
  return directories_.contains(sole) ? sole : "";
}

bool ArchiveTree::HasPath(const std::string& path) const {
  const std::string sole = SoleTopDirectory();
  for (const auto* set : {&files_, &directories_}) {
    if (set->contains(path)) return true;
    if (!sole.empty() && set->contains(absl::StrCat(sole, "/", path))) {
      return true;
    }
  }
  return false;
}

bool ArchiveTree::HasReadme() const {
  const std::string sole = SoleTopDirectory();
  for (const std::string& path : files_) {
    absl::string_view name = path;
    if (!sole.empty() && absl::StartsWith(name, sole + "/")) {
      name.remove_prefix(sole.size() + 1);
    }
    if (!absl::StrContains(name, '/') && IsReadmeName(name)) return true;
  }
  return false;
}

std::vector<std::string> ArchiveTree::Missing(
    const std::vector<std::string>& required) const {
  std::vector<std::string> missing;
  for (const std::string& path : required) {
    if (!HasPath(absl::StrJoin(Components(path), "/"))) {
      missing.push_back(path);
    }
  }
  return missing;
}

std::vector<std::string> ArchiveTree::TopLevelSample(size_t limit) const {
  absl::btree_set<std::string> top;
  for (const std::string& path : files_) {
    if (!absl::StrContains(path, '/')) top.insert(Printable(path));
  }
  for (const std::string& path : directories_) {
    if (!absl::StrContains(path, '/')) top.insert(Printable(path) + "/");
  }
  std::vector<std::string> sample(top.begin(), top.end());
  if (sample.size() > limit) sample.resize(limit);
  return sample;
}

}  // namespace handin::inspect
