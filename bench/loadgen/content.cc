#include "bench/loadgen/content.h"

#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/sha256.h"

namespace handin::bench {
namespace {

constexpr int64_t kQuestionBytes = 1024;
constexpr int64_t kMinLargeBytes = int64_t{64} << 10;
// Pages of a generated PDF (the reference course's report allows 8).
constexpr int kPdfPages = 4;
// Width of a page's image in pixels (3 bytes each).
constexpr int64_t kImageWidth = 1024;

// splitmix64's output function: a good 64-bit mix of a counter.
uint64_t Mix(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

uint64_t StreamWord(uint64_t seed, uint64_t index) {
  return Mix(seed * 0x9E3779B97F4A7C15ULL + index);
}

const char* const kWords[] = {
    "the",       "model",      "batch",    "latency",     "throughput",
    "attention", "kernel",     "memory",   "schedule",    "request",
    "gradient",  "parallel",   "pipeline", "token",       "cache",
    "layer",     "serving",    "cluster",  "accelerator", "quantized",
    "we",        "observe",    "that",     "when",        "under",
    "load",      "compared",   "baseline", "improves",    "by",
    "percent",   "while",      "keeping",  "accuracy",    "within",
    "budget",    "experiment", "results",  "show",        "section"};

// Words from `rng` until `out` has at least `bytes` bytes; sentences end
// with a period and start a new line now and then.
void AppendProse(std::mt19937_64& rng, size_t bytes, std::string& out) {
  constexpr size_t kWordCount = sizeof(kWords) / sizeof(kWords[0]);
  int in_sentence = 0;
  while (out.size() < bytes) {
    absl::StrAppend(&out, kWords[rng() % kWordCount]);
    if (++in_sentence >= 8 + static_cast<int>(rng() % 8)) {
      out += rng() % 4 == 0 ? ".\n" : ". ";
      in_sentence = 0;
    } else {
      out += ' ';
    }
  }
}

void PutU16(std::string& out, uint32_t v) {
  out += static_cast<char>(v & 0xff);
  out += static_cast<char>((v >> 8) & 0xff);
}

void PutU32(std::string& out, uint32_t v) {
  PutU16(out, v & 0xffff);
  PutU16(out, v >> 16);
}

// 2024-05-01 17:00:00 in MS-DOS time and date.
constexpr uint32_t kDosTime = 17 << 11;
constexpr uint32_t kDosDate = ((2024 - 1980) << 9) | (5 << 5) | 1;

uint32_t Crc32OfRandom(uint64_t seed, int64_t bytes) {
  std::vector<char> buffer(size_t{1} << 20);
  uLong crc = crc32(0L, Z_NULL, 0);
  for (int64_t at = 0; at < bytes;) {
    const size_t n =
        static_cast<size_t>(std::min<int64_t>(buffer.size(), bytes - at));
    FillPseudoRandom(seed, at, buffer.data(), n);
    crc = crc32(crc, reinterpret_cast<const Bytef*>(buffer.data()),
                static_cast<uInt>(n));
    at += static_cast<int64_t>(n);
  }
  return static_cast<uint32_t>(crc);
}

uint32_t Crc32Of(absl::string_view bytes) {
  return static_cast<uint32_t>(
      crc32(crc32(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(bytes.data()),
            static_cast<uInt>(bytes.size())));
}

}  // namespace

absl::string_view FileKindName(FileKind kind) {
  switch (kind) {
    case FileKind::kQuestion:
      return "question";
    case FileKind::kPdf:
      return "pdf";
    case FileKind::kZip:
      return "zip";
  }
  return "?";
}

void FillPseudoRandom(uint64_t seed, int64_t offset, char* out, size_t n) {
  uint64_t index = static_cast<uint64_t>(offset) / 8;
  size_t skip = static_cast<size_t>(offset % 8);
  size_t written = 0;
  if (skip != 0) {
    const uint64_t word = StreamWord(seed, index++);
    const size_t take = std::min(n, 8 - skip);
    std::memcpy(out, reinterpret_cast<const char*>(&word) + skip, take);
    written = take;
  }
  for (; written + 8 <= n; written += 8) {
    const uint64_t word = StreamWord(seed, index++);
    std::memcpy(out + written, &word, 8);
  }
  if (written < n) {
    const uint64_t word = StreamWord(seed, index);
    std::memcpy(out + written, &word, n - written);
  }
}

GeneratedFile GeneratedFile::Make(FileKind kind, int64_t target_bytes,
                                  uint64_t seed, absl::string_view author) {
  GeneratedFile file;
  switch (kind) {
    case FileKind::kQuestion:
      file = MakeQuestion(seed, author);
      break;
    case FileKind::kPdf:
      file = MakePdf(std::max(target_bytes, kMinLargeBytes), seed, author);
      break;
    case FileKind::kZip:
      file = MakeZip(std::max(target_bytes, kMinLargeBytes), seed, author);
      break;
  }
  file.Finish();
  return file;
}

void GeneratedFile::Add(std::string literal) {
  Piece piece;
  piece.literal = std::move(literal);
  pieces_.push_back(std::move(piece));
}

void GeneratedFile::AddRandom(uint64_t seed, int64_t bytes) {
  Piece piece;
  piece.seed = seed;
  piece.random_bytes = bytes;
  pieces_.push_back(std::move(piece));
}

void GeneratedFile::Finish() {
  starts_.clear();
  size_ = 0;
  for (const Piece& piece : pieces_) {
    starts_.push_back(size_);
    size_ += piece.size();
  }
  Sha256 hasher;
  std::vector<char> buffer(size_t{1} << 20);
  for (int64_t at = 0; at < size_;) {
    const size_t n = Read(at, buffer.data(), buffer.size());
    hasher.Update(absl::string_view(buffer.data(), n));
    at += static_cast<int64_t>(n);
  }
  sha256_hex_ = hasher.HexDigest();
}

size_t GeneratedFile::Read(int64_t offset, char* out, size_t n) const {
  size_t copied = 0;
  auto it = std::upper_bound(starts_.begin(), starts_.end(), offset);
  size_t index = static_cast<size_t>(it - starts_.begin()) - 1;
  while (copied < n && offset < size_) {
    const Piece& piece = pieces_[index];
    const int64_t within = offset - starts_[index];
    const size_t take = static_cast<size_t>(std::min<int64_t>(
        static_cast<int64_t>(n - copied), piece.size() - within));
    if (piece.random_bytes > 0) {
      FillPseudoRandom(piece.seed, within, out + copied, take);
    } else {
      std::memcpy(out + copied, piece.literal.data() + within, take);
    }
    copied += take;
    offset += static_cast<int64_t>(take);
    ++index;
  }
  return copied;
}

GeneratedFile GeneratedFile::MakeQuestion(uint64_t seed,
                                          absl::string_view author) {
  GeneratedFile file;
  file.kind_ = FileKind::kQuestion;
  file.file_name_ = absl::StrCat("question-", seed % 1000000, ".txt");
  std::mt19937_64 rng(seed);
  std::string text =
      absl::StrCat("Question from ", author, " (", seed, "): why does ");
  AppendProse(rng, kQuestionBytes - 2, text);
  text.resize(kQuestionBytes - 2);
  text += "?\n";
  file.Add(std::move(text));
  return file;
}

GeneratedFile GeneratedFile::MakePdf(int64_t target_bytes, uint64_t seed,
                                     absl::string_view author) {
  GeneratedFile file;
  file.kind_ = FileKind::kPdf;
  file.file_name_ = absl::StrCat("report-", seed % 1000000, ".pdf");
  std::mt19937_64 rng(seed);
  // Objects: 1 catalog, 2 page tree, 3 font, then per page p a page
  // (4 + 3p), its content stream (5 + 3p) and its image (6 + 3p).
  const int objects = 3 + 3 * kPdfPages;
  std::vector<int64_t> object_at(objects + 1, 0);
  int64_t at = 0;
  const auto emit = [&](std::string text) {
    at += static_cast<int64_t>(text.size());
    file.Add(std::move(text));
  };
  const auto begin_object = [&](int number, absl::string_view dictionary) {
    object_at[number] = at;
    emit(absl::StrCat(number, " 0 obj\n", dictionary, "\n"));
  };
  emit("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n");
  begin_object(1, "<< /Type /Catalog /Pages 2 0 R >>\nendobj");
  std::string kids;
  for (int p = 0; p < kPdfPages; ++p)
    absl::StrAppend(&kids, 4 + 3 * p, " 0 R ");
  begin_object(2, absl::StrCat("<< /Type /Pages /Kids [ ", kids, "] /Count ",
                               kPdfPages, " >>\nendobj"));
  begin_object(3,
               "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>\n"
               "endobj");
  const int64_t image_bytes_each =
      std::max<int64_t>(kImageWidth * 3, (target_bytes - 8192) / kPdfPages);
  const int64_t image_height = image_bytes_each / (kImageWidth * 3);
  const int64_t image_bytes = image_height * kImageWidth * 3;
  for (int p = 0; p < kPdfPages; ++p) {
    const int page = 4 + 3 * p;
    begin_object(page,
                 absl::StrCat("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 "
                              "612 792] /Resources << /Font << /F1 3 0 R >> "
                              "/XObject << /Im1 ",
                              page + 2, " 0 R >> >> /Contents ", page + 1,
                              " 0 R >>\nendobj"));
    std::string prose =
        absl::StrCat("Project report by ", author, ", page ", p + 1, ". ");
    AppendProse(rng, 600, prose);
    std::string stream = "BT /F1 10 Tf 72 740 Td 12 TL\n";
    for (size_t i = 0; i < prose.size(); i += 90) {
      std::string line = prose.substr(i, 90);
      std::replace(line.begin(), line.end(), '\n', ' ');
      absl::StrAppend(&stream, "(", line, ") '\n");
    }
    stream += "ET\nq 468 0 0 300 72 300 cm /Im1 Do Q\n";
    begin_object(page + 1,
                 absl::StrCat("<< /Length ", stream.size(), " >>\nstream"));
    emit(absl::StrCat(stream, "endstream\nendobj\n"));
    begin_object(page + 2,
                 absl::StrFormat("<< /Type /XObject /Subtype /Image /Width %d "
                                 "/Height %d /ColorSpace /DeviceRGB "
                                 "/BitsPerComponent 8 /Length %d >>\nstream",
                                 kImageWidth, image_height, image_bytes));
    file.AddRandom(seed * 131 + static_cast<uint64_t>(p) + 1, image_bytes);
    at += image_bytes;
    emit("\nendstream\nendobj\n");
  }
  const int64_t xref_at = at;
  std::string xref =
      absl::StrCat("xref\n0 ", objects + 1, "\n0000000000 65535 f \n");
  for (int i = 1; i <= objects; ++i) {
    absl::StrAppend(&xref, absl::StrFormat("%010d 00000 n \n", object_at[i]));
  }
  absl::StrAppend(&xref, "trailer\n<< /Size ", objects + 1,
                  " /Root 1 0 R >>\nstartxref\n", xref_at, "\n%%EOF\n");
  emit(std::move(xref));
  return file;
}

GeneratedFile GeneratedFile::MakeZip(int64_t target_bytes, uint64_t seed,
                                     absl::string_view author) {
  GeneratedFile file;
  file.kind_ = FileKind::kZip;
  file.file_name_ = absl::StrCat("code-", seed % 1000000, ".zip");
  std::mt19937_64 rng(seed);
  const std::string dir = absl::StrCat("project-", seed % 1000000, "/");
  std::string readme = absl::StrCat(
      "# Final project of ", author,
      "\n\nBuild: pip install -r requirements.txt\nRun: python src/train.py "
      "--checkpoint checkpoints/model.bin\n\n");
  AppendProse(rng, 1500, readme);
  std::string source = absl::StrCat(
      "# Trains and serves the model.\nimport sys\n\n\ndef main():\n    "
      "print(\"",
      author, "\")\n\n\n# ");
  AppendProse(rng, 3000, source);
  source += "\nmain()\n";

  struct Entry {
    std::string name;
    uint32_t crc;
    int64_t bytes;
    int64_t header_at;
  };
  const int64_t fixed =
      4096 + static_cast<int64_t>(readme.size() + source.size());
  const int64_t blob_bytes = std::max<int64_t>(4096, target_bytes - fixed);
  const uint64_t blob_seed = seed * 131 + 7;
  std::vector<Entry> entries = {
      {dir + "README.md", Crc32Of(readme), static_cast<int64_t>(readme.size()),
       0},
      {dir + "src/train.py", Crc32Of(source),
       static_cast<int64_t>(source.size()), 0},
      {dir + "checkpoints/model.bin", Crc32OfRandom(blob_seed, blob_bytes),
       blob_bytes, 0}};
  int64_t at = 0;
  for (size_t i = 0; i < entries.size(); ++i) {
    Entry& entry = entries[i];
    entry.header_at = at;
    std::string header;
    PutU32(header, 0x04034b50);
    PutU16(header, 20);  // version needed: 2.0
    PutU16(header, 0);   // flags
    PutU16(header, 0);   // stored
    PutU16(header, kDosTime);
    PutU16(header, kDosDate);
    PutU32(header, entry.crc);
    PutU32(header, static_cast<uint32_t>(entry.bytes));
    PutU32(header, static_cast<uint32_t>(entry.bytes));
    PutU16(header, static_cast<uint32_t>(entry.name.size()));
    PutU16(header, 0);  // extra field length
    header += entry.name;
    at += static_cast<int64_t>(header.size()) + entry.bytes;
    file.Add(std::move(header));
    if (i == 0) file.Add(readme);
    if (i == 1) file.Add(source);
    if (i == 2) file.AddRandom(blob_seed, blob_bytes);
  }
  const int64_t directory_at = at;
  std::string directory;
  for (const Entry& entry : entries) {
    PutU32(directory, 0x02014b50);
    PutU16(directory, (3 << 8) | 20);  // made by: Unix, 2.0
    PutU16(directory, 20);
    PutU16(directory, 0);
    PutU16(directory, 0);
    PutU16(directory, kDosTime);
    PutU16(directory, kDosDate);
    PutU32(directory, entry.crc);
    PutU32(directory, static_cast<uint32_t>(entry.bytes));
    PutU32(directory, static_cast<uint32_t>(entry.bytes));
    PutU16(directory, static_cast<uint32_t>(entry.name.size()));
    PutU16(directory, 0);               // extra
    PutU16(directory, 0);               // comment
    PutU16(directory, 0);               // disk
    PutU16(directory, 0);               // internal attributes
    PutU32(directory, 0100644u << 16);  // -rw-r--r--
    PutU32(directory, static_cast<uint32_t>(entry.header_at));
    directory += entry.name;
  }
  const auto directory_bytes = static_cast<uint32_t>(directory.size());
  PutU32(directory, 0x06054b50);
  PutU16(directory, 0);
  PutU16(directory, 0);
  PutU16(directory, static_cast<uint32_t>(entries.size()));
  PutU16(directory, static_cast<uint32_t>(entries.size()));
  PutU32(directory, directory_bytes);
  PutU32(directory, static_cast<uint32_t>(directory_at));
  PutU16(directory, 0);  // comment length
  file.Add(std::move(directory));
  return file;
}

}  // namespace handin::bench
