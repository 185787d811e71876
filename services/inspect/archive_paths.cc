#include "services/inspect/archive_paths.h"

#include "absl/container/btree_map.h"
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
  if (name.size() > kMaxEntryNameBytes ||
      Components(name).size() > kMaxEntryNameDepth) {
    return absl::InvalidArgumentError(absl::StrCat(
        "entry '", Printable(name), "'", where, " has a name longer than ",
        kMaxEntryNameBytes, " bytes or deeper than ", kMaxEntryNameDepth,
        " directories"));
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

struct ArchiveTree::Node {
  EntryKind kind = EntryKind::kDirectory;  // implicit parents are directories
  absl::btree_map<std::string, std::unique_ptr<Node>> children;

  const Node* Find(const std::vector<absl::string_view>& path) const {
    const Node* node = this;
    for (absl::string_view part : path) {
      const auto child = node->children.find(part);
      if (child == node->children.end()) return nullptr;
      node = child->second.get();
    }
    return node;
  }
};

ArchiveTree::ArchiveTree() : root_(std::make_unique<Node>()) {}
ArchiveTree::~ArchiveTree() = default;
ArchiveTree::ArchiveTree(ArchiveTree&&) = default;
ArchiveTree& ArchiveTree::operator=(ArchiveTree&&) = default;

absl::Status ArchiveTree::Add(absl::string_view name, EntryKind kind,
                              absl::string_view where) {
  const std::vector<absl::string_view> parts = Components(name);
  Node* node = root_.get();
  for (size_t i = 0; i < parts.size(); ++i) {
    std::unique_ptr<Node>& child = node->children[parts[i]];
    if (child == nullptr) child = std::make_unique<Node>();
    node = child.get();
    if (i + 1 == parts.size()) break;
    if (node->kind == EntryKind::kLink) {
      return absl::InvalidArgumentError(absl::StrCat(
          "entry '", Printable(name), "'", where,
          " lies inside the symbolic link '",
          Printable(absl::StrJoin(parts.begin(), parts.begin() + i + 1, "/")),
          "'; links may not be used as directories"));
    }
    node->kind = EntryKind::kDirectory;
  }
  if (kind == EntryKind::kLink && !node->children.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("symbolic link '", Printable(name), "'", where,
                     " is also a directory holding other entries; links may "
                     "not be used as directories"));
  }
  node->kind = kind;
  return absl::OkStatus();
}

const ArchiveTree::Node* ArchiveTree::SoleTop(std::string* name) const {
  const Node* sole = nullptr;
  for (const auto& [child_name, child] : root_->children) {
    if (child_name == kMacResourceDir) continue;
    if (sole != nullptr) return nullptr;
    sole = child.get();
    if (name != nullptr) *name = child_name;
  }
  return sole != nullptr && sole->kind == EntryKind::kDirectory ? sole
                                                                : nullptr;
}

std::string ArchiveTree::SoleTopDirectory() const {
  std::string name;
  return SoleTop(&name) != nullptr ? name : "";
}

bool ArchiveTree::HasReadme() const {
  for (const Node* dir :
       {static_cast<const Node*>(root_.get()), SoleTop(nullptr)}) {
    if (dir == nullptr) continue;
    for (const auto& [name, child] : dir->children) {
      if (child->kind == EntryKind::kFile && IsReadmeName(name)) return true;
    }
  }
  return false;
}

std::vector<std::string> ArchiveTree::Missing(
    const std::vector<std::string>& required) const {
  std::vector<std::string> missing;
  const Node* sole = SoleTop(nullptr);
  for (const std::string& path : required) {
    const std::vector<absl::string_view> parts = Components(path);
    if (root_->Find(parts) == nullptr &&
        (sole == nullptr || sole->Find(parts) == nullptr)) {
      missing.push_back(path);
    }
  }
  return missing;
}

std::vector<std::string> ArchiveTree::TopLevelSample(size_t limit) const {
  std::vector<std::string> sample;
  for (const auto& [name, child] : root_->children) {
    if (sample.size() == limit) break;
    sample.push_back(Printable(name) +
                     (child->kind == EntryKind::kDirectory ? "/" : ""));
  }
  return sample;
}

}  // namespace handin::inspect
