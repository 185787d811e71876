#include "services/inspect/archive_walk.h"

#include <archive.h>
#include <archive_entry.h>

#include <cerrno>
#include <memory>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/inspect/byte_size.h"
#include "services/inspect/utf8.h"

namespace handin::inspect {
namespace {

constexpr size_t kChunkBytes = 64 << 10;

using ArchivePtr = std::unique_ptr<archive, decltype(&archive_read_free)>;

// How a zip is read: from a file, through its central directory, as unzip
// does (so a zip without one is refused); or streamed from a nested entry,
// through its local headers.
enum class ZipSource { kFile, kStream };

// A reader for zip archives only: no compression filters (a gzipped file is
// not unwrapped) and no other formats.
absl::StatusOr<ArchivePtr> NewZipReader(ZipSource source) {
  ArchivePtr reader(archive_read_new(), &archive_read_free);
  if (reader == nullptr ||
      (source == ZipSource::kFile
           ? archive_read_support_format_zip_seekable(reader.get())
           : archive_read_support_format_zip_streamable(reader.get())) !=
          ARCHIVE_OK) {
    return absl::ResourceExhaustedError("cannot allocate a zip reader");
  }
  return reader;
}

std::string ErrorOf(archive* reader) {
  const char* error = archive_error_string(reader);
  return Printable(absl::StripTrailingAsciiWhitespace(
      error == nullptr ? "unknown error" : error));
}

absl::Status Unreadable(archive* reader, absl::string_view where) {
  return absl::InvalidArgumentError(absl::StrCat(
      "the zip archive", where, " could not be read: ", ErrorOf(reader)));
}

bool StartsLikeZip(absl::string_view head) {
  return absl::StartsWith(head, absl::string_view("PK\x03\x04", 4)) ||
         absl::StartsWith(head, absl::string_view("PK\x05\x06", 4));
}

// The entry's name as stored; nullptr if libarchive cannot give one.
const char* NameOf(archive_entry* entry) {
  const char* name = archive_entry_pathname_utf8(entry);
  return name != nullptr ? name : archive_entry_pathname(entry);
}

// One walk: the running totals and the limits they are held to.
class Walker {
 public:
  Walker(const Limits& limits, int64_t upload_bytes)
      : limits_(limits), upload_bytes_(upload_bytes) {}

  // Walks every entry of `reader`, an archive at nesting `depth` (1 for the
  // upload) described by `where` in messages, adding them to `tree`.
  absl::Status WalkEntries(archive* reader, int depth, const std::string& where,
                           ArchiveTree& tree);

  ArchiveWalk& result() { return result_; }

 private:
  // What feeds a nested archive: first the bytes already read from the
  // outer entry to sniff it, then the rest of that entry's data.
  struct NestedSource {
    Walker* walker;
    archive* outer;
    std::string head;
    bool head_served = false;
    absl::Status status;  // a limit hit or read error while feeding
    char chunk[kChunkBytes];
  };
  static la_ssize_t ReadNested(archive* inner, void* source,
                               const void** buffer);

  absl::Status CheckEntry(archive* reader, archive_entry* entry, int depth,
                          const std::string& where, ArchiveTree& tree);
  // Reads the entry's data; walks it if it is a zip.
  absl::Status ReadData(archive* reader, const std::string& name, int depth,
                        const std::string& where);
  // Walks the zip in the rest of the current entry of `outer`, whose first
  // bytes were read into `head`.
  absl::Status WalkNested(archive* outer, std::string head, int depth,
                          const std::string& where);
  // Reads the next piece of the current entry into `chunk` and counts it.
  // Returns its size, 0 at the end of the entry.
  absl::StatusOr<size_t> ReadChunk(archive* reader, char* chunk,
                                   absl::string_view where);
  absl::Status CountInflated(int64_t bytes);

  const Limits& limits_;
  const int64_t upload_bytes_;
  ArchiveWalk result_;
  char chunk_[kChunkBytes];
};

absl::Status Walker::WalkEntries(archive* reader, int depth,
                                 const std::string& where, ArchiveTree& tree) {
  for (;;) {
    archive_entry* entry = nullptr;
    const int read = archive_read_next_header(reader, &entry);
    if (read == ARCHIVE_EOF) return absl::OkStatus();
    if (read < ARCHIVE_WARN) return Unreadable(reader, where);
    if (absl::Status status = CheckEntry(reader, entry, depth, where, tree);
        !status.ok()) {
      return status;
    }
  }
}

absl::Status Walker::CheckEntry(archive* reader, archive_entry* entry,
                                int depth, const std::string& where,
                                ArchiveTree& tree) {
  if (++result_.entries > limits_.max_entries) {
    return absl::InvalidArgumentError(
        absl::StrCat("the archive has more than ", limits_.max_entries,
                     " entries; at most ", limits_.max_entries, " allowed"));
  }
  const char* raw_name = NameOf(entry);
  if (raw_name == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("an entry", where, " has a name that cannot be read"));
  }
  const std::string name = raw_name;
  if (absl::Status status = CheckEntryName(name, where); !status.ok()) {
    return status;
  }
  const mode_t type = archive_entry_filetype(entry);
  if (type == AE_IFLNK) {
    const char* target = archive_entry_symlink(entry);
    if (absl::Status status =
            CheckLinkTarget(name, target == nullptr ? "" : target, where);
        !status.ok()) {
      return status;
    }
  }
  if (archive_entry_is_encrypted(entry)) {
    return absl::InvalidArgumentError(
        absl::StrCat("entry '", Printable(name), "'", where,
                     " is encrypted; upload a zip without a password"));
  }
  const EntryKind kind = type == AE_IFLNK   ? EntryKind::kLink
                         : type == AE_IFDIR ? EntryKind::kDirectory
                                            : EntryKind::kFile;
  if (absl::Status status = tree.Add(name, kind, where); !status.ok()) {
    return status;
  }
  return ReadData(reader, name, depth, where);
}

absl::Status Walker::ReadData(archive* reader, const std::string& name,
                              int depth, const std::string& where) {
  std::string head;
  while (head.size() < 4) {
    absl::StatusOr<size_t> read = ReadChunk(reader, chunk_, where);
    if (!read.ok()) return read.status();
    if (*read == 0) break;
    head.append(chunk_, *read);
  }
  if (StartsLikeZip(head)) {
    const std::string nested_where =
        absl::StrCat(" in '", Printable(name), "'", where);
    if (depth + 1 > limits_.max_archive_depth) {
      return absl::InvalidArgumentError(absl::StrCat(
          "entry '", Printable(name), "'", where, " is a zip nested ", depth,
          " levels deep; archives may be nested at most ",
          limits_.max_archive_depth - 1, " level(s) deep"));
    }
    ++result_.nested_archives;
    if (absl::Status status =
            WalkNested(reader, std::move(head), depth + 1, nested_where);
        !status.ok()) {
      return status;
    }
  }
  // The rest of the entry: all of it, or what follows a nested archive's
  // end, which counts as inflated too.
  for (;;) {
    absl::StatusOr<size_t> read = ReadChunk(reader, chunk_, where);
    if (!read.ok()) return read.status();
    if (*read == 0) return absl::OkStatus();
  }
}

la_ssize_t Walker::ReadNested(archive* inner, void* opaque,
                              const void** buffer) {
  auto* source = static_cast<NestedSource*>(opaque);
  if (!source->head_served) {
    source->head_served = true;
    *buffer = source->head.data();
    return static_cast<la_ssize_t>(source->head.size());
  }
  absl::StatusOr<size_t> read =
      source->walker->ReadChunk(source->outer, source->chunk, "");
  if (!read.ok()) {
    source->status = read.status();
    archive_set_error(inner, EIO, "outer entry unreadable");
    return -1;
  }
  *buffer = source->chunk;
  return static_cast<la_ssize_t>(*read);
}

absl::Status Walker::WalkNested(archive* outer, std::string head, int depth,
                                const std::string& where) {
  auto source = std::make_unique<NestedSource>();
  source->walker = this;
  source->outer = outer;
  source->head = std::move(head);
  absl::StatusOr<ArchivePtr> inner = NewZipReader(ZipSource::kStream);
  if (!inner.ok()) return inner.status();
  ArchiveTree tree;  // links are guarded archive by archive
  const absl::Status walked =
      archive_read_open(inner->get(), source.get(), nullptr, &ReadNested,
                        nullptr) == ARCHIVE_OK
          ? WalkEntries(inner->get(), depth, where, tree)
          : Unreadable(inner->get(), where);
  return source->status.ok() ? walked : source->status;
}

absl::StatusOr<size_t> Walker::ReadChunk(archive* reader, char* chunk,
                                         absl::string_view where) {
  const la_ssize_t read = archive_read_data(reader, chunk, kChunkBytes);
  if (read < 0) return Unreadable(reader, where);
  if (absl::Status status = CountInflated(read); !status.ok()) return status;
  return static_cast<size_t>(read);
}

absl::Status Walker::CountInflated(int64_t bytes) {
  result_.inflated_bytes += bytes;
  const int64_t inflated = result_.inflated_bytes;
  if (inflated > limits_.max_inflated_bytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the archive inflates past ", HumanBytes(limits_.max_inflated_bytes),
        ", the most allowed"));
  }
  if (limits_.max_inflation_ratio > 0 &&
      inflated > limits_.ratio_applies_above_bytes &&
      inflated / limits_.max_inflation_ratio > upload_bytes_) {
    return absl::InvalidArgumentError(
        absl::StrCat("the archive inflates to more than ",
                     limits_.max_inflation_ratio, " times its size (",
                     HumanBytes(inflated), " from ", HumanBytes(upload_bytes_),
                     " so far), which looks like a decompression bomb"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ArchiveWalk> WalkZip(const std::string& path, int64_t file_bytes,
                                    const Limits& limits) {
  absl::StatusOr<ArchivePtr> reader = NewZipReader(ZipSource::kFile);
  if (!reader.ok()) return reader.status();
  if (archive_read_open_filename(reader->get(), path.c_str(), kChunkBytes) !=
      ARCHIVE_OK) {
    return Unreadable(reader->get(), "");
  }
  // The walker holds two 64 KiB buffers: keep it off the stack.
  auto walker = std::make_unique<Walker>(limits, file_bytes);
  if (absl::Status status =
          walker->WalkEntries(reader->get(), 1, "", walker->result().tree);
      !status.ok()) {
    return status;
  }
  return std::move(walker->result());
}

absl::StatusOr<std::vector<std::string>> ListZipNames(const std::string& path,
                                                      int64_t max_entries) {
  absl::StatusOr<ArchivePtr> reader = NewZipReader(ZipSource::kFile);
  if (!reader.ok()) return reader.status();
  if (archive_read_open_filename(reader->get(), path.c_str(), kChunkBytes) !=
      ARCHIVE_OK) {
    return Unreadable(reader->get(), "");
  }
  std::vector<std::string> names;
  archive_entry* entry = nullptr;
  while (static_cast<int64_t>(names.size()) < max_entries) {
    const int read = archive_read_next_header(reader->get(), &entry);
    if (read == ARCHIVE_EOF) break;
    if (read < ARCHIVE_WARN) return Unreadable(reader->get(), "");
    const char* name = NameOf(entry);
    names.emplace_back(name == nullptr ? "" : name);
  }
  return names;
}

}  // namespace handin::inspect
