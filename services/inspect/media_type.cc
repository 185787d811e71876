#include "services/inspect/media_type.h"

#include <magic.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/inspect/archive_walk.h"
#include "services/inspect/utf8.h"

namespace handin::inspect {
namespace {

using MagicPtr = std::unique_ptr<magic_set, decltype(&magic_close)>;

// libmagic's MIME type for the file. A cookie per call: libmagic cookies
// are not thread-safe.
absl::StatusOr<std::string> LibmagicType(const std::string& path) {
  MagicPtr cookie(magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR), &magic_close);
  if (cookie == nullptr) {
    return absl::InternalError("libmagic cannot start (out of memory?)");
  }
  if (magic_load(cookie.get(), nullptr) != 0) {
    return absl::InternalError(absl::StrCat(
        "libmagic cannot load its database: ", magic_error(cookie.get())));
  }
  const char* type = magic_file(cookie.get(), path.c_str());
  if (type == nullptr) {
    return absl::InternalError(absl::StrCat("libmagic cannot read ", path, ": ",
                                            magic_error(cookie.get())));
  }
  return std::string(type);
}

absl::StatusOr<bool> IsUtf8TextFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::InternalError(absl::StrCat("cannot open ", path));
  Utf8TextValidator validator;
  std::vector<char> chunk(64 << 10);
  while (in) {
    in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    if (!validator.Feed(absl::string_view(chunk.data(), in.gcount()))) {
      return false;
    }
  }
  if (in.bad()) return absl::InternalError(absl::StrCat("cannot read ", path));
  return validator.Finish();
}

bool StartsWithZipSignature(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char head[4] = {};
  in.read(head, sizeof head);
  const absl::string_view bytes(head, in.gcount());
  return bytes == absl::string_view("PK\x03\x04", 4) ||
         bytes == absl::string_view("PK\x05\x06", 4);
}

// PPTX, DOCX or plain zip, by the container's entries.
std::string ZipContainerType(const std::string& path, const Limits& limits) {
  absl::StatusOr<std::vector<std::string>> names =
      ListZipNames(path, limits.max_entries);
  // An unreadable zip is still a zip; the archive walk refuses it.
  if (!names.ok()) return std::string(kZip);
  const auto has = [&](absl::string_view name) {
    return std::find(names->begin(), names->end(), name) != names->end();
  };
  if (has("[Content_Types].xml")) {
    if (has("ppt/presentation.xml")) return std::string(kPptx);
    if (has("word/document.xml")) return std::string(kDocx);
  }
  return std::string(kZip);
}

}  // namespace

absl::StatusOr<MediaType> SniffMediaType(const std::string& path,
                                         const Limits& limits) {
  absl::StatusOr<std::string> magic = LibmagicType(path);
  if (!magic.ok()) return magic.status();
  if (*magic == kZip || *magic == kPptx || *magic == kDocx ||
      (*magic == kOctetStream && StartsWithZipSignature(path))) {
    return MediaType{ZipContainerType(path, limits), ""};
  }
  if (absl::StartsWith(*magic, "text/")) {
    absl::StatusOr<bool> utf8 = IsUtf8TextFile(path);
    if (!utf8.ok()) return utf8.status();
    if (*utf8) return MediaType{std::string(kText), ""};
    return MediaType{std::string(kOctetStream),
                     "text that is not valid UTF-8, or has control "
                     "characters"};
  }
  return MediaType{*std::move(magic), ""};
}

std::string DescribeMediaType(absl::string_view media_type) {
  static constexpr std::pair<absl::string_view, absl::string_view> kNames[] = {
      {kPdf, "PDF"},   {kZip, "ZIP"},   {kText, "plain text"},
      {kPptx, "PPTX"}, {kDocx, "DOCX"}, {kEmpty, "an empty file"},
  };
  for (const auto& [type, name] : kNames) {
    if (media_type == type) return absl::StrCat(name, " (", type, ")");
  }
  return std::string(media_type);
}

bool IsZipContainer(absl::string_view media_type) {
  return media_type == kZip || media_type == kPptx || media_type == kDocx;
}

}  // namespace handin::inspect
