#ifndef HANDIN_TESTS_SERVICES_INSPECT_FIXTURES_H_
#define HANDIN_TESTS_SERVICES_INSPECT_FIXTURES_H_

#include <cstdint>
#include <string>
#include <vector>

namespace handin::inspect::testing {

// Files the inspector tests build at test time (no binary fixtures).

// Writes `bytes` to `path`.
void WriteFile(const std::string& path, const std::string& bytes);

// Writes a PDF of `pages` blank Letter pages, made with qpdf. With a
// non-empty `user_password` it is AES-256 encrypted and needs it to open;
// with only `owner_password` it opens without a password.
void WritePdf(const std::string& path, int pages,
              const std::string& user_password = "",
              const std::string& owner_password = "");

// One entry of a zip built by ZipBytes.
struct ZipEntry {
  enum class Kind { kFile, kDirectory, kSymlink };
  // The name as stored, unchecked ("../x" and "/x" included).
  std::string name;
  // The file's data.
  std::string data;
  Kind kind = Kind::kFile;
  // Where a symlink points.
  std::string link_target;
  // This many zero bytes are appended to the data, written in chunks (for
  // decompression bombs without a large string).
  int64_t zero_bytes = 0;
};

// A zip archive (deflated entries) made with libarchive's writer; with a
// `passphrase`, every entry is encrypted (traditional PKWARE encryption).
std::string ZipBytes(const std::vector<ZipEntry>& entries,
                     const std::string& passphrase = "");

// Shorthands.
ZipEntry File(const std::string& name, const std::string& data = "x");
ZipEntry Directory(const std::string& name);
ZipEntry Symlink(const std::string& name, const std::string& target);

// The entries of a minimal PPTX or DOCX.
std::vector<ZipEntry> PptxEntries();
std::vector<ZipEntry> DocxEntries();

}  // namespace handin::inspect::testing

#endif  // HANDIN_TESTS_SERVICES_INSPECT_FIXTURES_H_
