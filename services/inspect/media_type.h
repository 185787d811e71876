#ifndef HANDIN_SERVICES_INSPECT_MEDIA_TYPE_H_
#define HANDIN_SERVICES_INSPECT_MEDIA_TYPE_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/inspect/limits.h"

namespace handin::inspect {

// The media types a ContentRule may name.
inline constexpr absl::string_view kPdf = "application/pdf";
inline constexpr absl::string_view kZip = "application/zip";
inline constexpr absl::string_view kText = "text/plain";
inline constexpr absl::string_view kPptx =
    "application/vnd.openxmlformats-officedocument.presentationml."
    "presentation";
inline constexpr absl::string_view kDocx =
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
// What libmagic calls a file of 0 bytes.
inline constexpr absl::string_view kEmpty = "inode/x-empty";
// What a file is called when nothing more specific is known.
inline constexpr absl::string_view kOctetStream = "application/octet-stream";

// A media type judged from a file's bytes.
struct MediaType {
  // "application/pdf", one of the constants above, or libmagic's answer
  // for anything else ("image/png", "inode/x-empty", ...).
  std::string name;
  // Why the name may surprise the student, or "": e.g. "text that is not
  // valid UTF-8" for text that is therefore not text/plain.
  std::string detail;
};

// Judges the file at `path` by its bytes, never its name: libmagic's
// MIME type (MAGIC_MIME_TYPE, the system's compiled database), refined:
// a zip (or PPTX/DOCX as libmagic guesses them) is PPTX if it holds
// "[Content_Types].xml" and "ppt/presentation.xml", DOCX if it holds
// "[Content_Types].xml" and "word/document.xml", else application/zip
// (entry names only are read, at most limits.max_entries); any text/* type
// becomes text/plain only if the whole file is UTF-8 text (see
// Utf8TextValidator), else application/octet-stream with a detail.
// Returns Internal if libmagic cannot start or the file cannot be read.
absl::StatusOr<MediaType> SniffMediaType(const std::string& path,
                                         const Limits& limits);

// A short name for a person: "PDF (application/pdf)", "PPTX (...)",
// "plain text (text/plain)"; unknown types are returned as they are.
std::string DescribeMediaType(absl::string_view media_type);

// True for the zip containers the inspector walks: zip, PPTX and DOCX.
bool IsZipContainer(absl::string_view media_type);

}  // namespace handin::inspect

#endif  // HANDIN_SERVICES_INSPECT_MEDIA_TYPE_H_
