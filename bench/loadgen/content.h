#ifndef HANDIN_BENCH_LOADGEN_CONTENT_H_
#define HANDIN_BENCH_LOADGEN_CONTENT_H_

// The files the load generator's students hand in, made up from a seed and
// streamed, never held whole in memory: a 1 KiB plain-text question, a PDF
// of a few pages (each a block of text and a photo-like image of
// incompressible bytes), and a code zip (README, a source file and a large
// stored binary). They are real files of their kind, so handin's content
// checks (media type, page count, archive walk, README) accept them, and
// each seed gives different bytes, so storage deduplicates nothing.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace handin::bench {

enum class FileKind { kQuestion, kPdf, kZip };

// "question", "pdf", "zip".
absl::string_view FileKindName(FileKind kind);

// Fills `out[0, n)` with the bytes at `offset` of the endless pseudo-random
// stream `seed` (a counter-based generator, so any range can be made
// without the bytes before it).
void FillPseudoRandom(uint64_t seed, int64_t offset, char* out, size_t n);

// One generated file: its bytes as a list of pieces, each literal text or
// a range of a pseudo-random stream.
class GeneratedFile {
 public:
  // Lays out a file of `kind` with about `target_bytes` bytes (a question
  // is always 1024; a PDF or zip is within a few KiB of the target, which
  // must be at least 64 KiB), its content depending on `seed`, naming
  // `author` in its text. Computes the size and SHA-256 (and a zip's
  // CRC-32s) by generating the bytes once, which takes about a second per
  // GiB.
  static GeneratedFile Make(FileKind kind, int64_t target_bytes, uint64_t seed,
                            absl::string_view author);

  FileKind kind() const { return kind_; }
  int64_t size_bytes() const { return size_; }
  // Lower-case hex SHA-256 of the whole file.
  const std::string& sha256_hex() const { return sha256_hex_; }
  // A file name with the kind's extension, e.g. "report-7.pdf".
  const std::string& file_name() const { return file_name_; }

  // Copies the bytes at `offset` (0 <= offset <= size) into `out`, up to
  // `n` of them; returns how many (0 at the end).
  size_t Read(int64_t offset, char* out, size_t n) const;

 private:
  struct Piece {
    // Literal bytes, when random_bytes is 0.
    std::string literal;
    // Otherwise `random_bytes` bytes of stream `seed` from offset 0.
    uint64_t seed = 0;
    int64_t random_bytes = 0;
    int64_t size() const {
      return random_bytes > 0 ? random_bytes
                              : static_cast<int64_t>(literal.size());
    }
  };

  GeneratedFile() = default;
  void Add(std::string literal);
  void AddRandom(uint64_t seed, int64_t bytes);
  // Sets size_ and piece offsets, then hashes the whole file.
  void Finish();

  static GeneratedFile MakeQuestion(uint64_t seed, absl::string_view author);
  static GeneratedFile MakePdf(int64_t target_bytes, uint64_t seed,
                               absl::string_view author);
  static GeneratedFile MakeZip(int64_t target_bytes, uint64_t seed,
                               absl::string_view author);

  FileKind kind_ = FileKind::kQuestion;
  std::vector<Piece> pieces_;
  // Offset of each piece in the file.
  std::vector<int64_t> starts_;
  int64_t size_ = 0;
  std::string sha256_hex_;
  std::string file_name_;
};

}  // namespace handin::bench

#endif  // HANDIN_BENCH_LOADGEN_CONTENT_H_
