#include "services/storage/keys.h"

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/storage/database.h"

namespace handin::storage::keys {
namespace {

constexpr char kSep = '\0';
constexpr absl::string_view kBlob = "blob";
constexpr absl::string_view kChunk = "chunk";
constexpr absl::string_view kSubmission = "sub";
constexpr absl::string_view kByItem = "by_item";
constexpr absl::string_view kByPrincipal = "by_principal";
constexpr absl::string_view kExtension = "ext";
constexpr absl::string_view kIdempotency = "idem";
constexpr absl::string_view kStaged = "staged";
constexpr absl::string_view kRefusal = "refusal";
constexpr absl::string_view kRefusalByItem = "refusal_by_item";
constexpr absl::string_view kRefusalByPrincipal = "refusal_by_principal";
constexpr absl::string_view kAudit = "audit";
constexpr absl::string_view kScore = "score";
constexpr absl::string_view kAttendance = "attendance";
constexpr absl::string_view kVote = "vote";
constexpr absl::string_view kRegrade = "regrade";
constexpr unsigned char kManifestVersion = 1;
constexpr size_t kManifestSize = 1 + 8 + 8;

// Joins `parts` with NUL separators.
std::string Join(std::initializer_list<absl::string_view> parts) {
  std::string out;
  for (absl::string_view part : parts) {
    if (!out.empty()) out.push_back(kSep);
    out.append(part.data(), part.size());
  }
  return out;
}

std::string Hex16(uint64_t value) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i) {
    out[i] = kDigits[value & 0xf];
    value >>= 4;
  }
  return out;
}

void PutBigEndian64(uint64_t value, std::string* out) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    out->push_back(static_cast<char>((value >> shift) & 0xff));
  }
}

uint64_t GetBigEndian64(absl::string_view bytes) {
  uint64_t value = 0;
  for (int i = 0; i < 8; ++i) {
    value = (value << 8) | static_cast<unsigned char>(bytes[i]);
  }
  return value;
}

}  // namespace

absl::string_view ColumnFamilyOf(absl::string_view key) {
  const absl::string_view kind = key.substr(0, key.find(kSep));
  if (kind == kBlob || kind == kChunk || kind == kStaged) return kBlobsFamily;
  if (kind == kSubmission) return kSubmissionsFamily;
  if (kind == kByItem || kind == kByPrincipal || kind == kIdempotency ||
      kind == kRefusalByItem || kind == kRefusalByPrincipal) {
    return kIndexesFamily;
  }
  if (kind == kRefusal) return kRefusalsFamily;
  if (kind == kExtension) return kExtensionsFamily;
  if (kind == kAudit) return kAuditFamily;
  if (kind == kScore || kind == kAttendance || kind == kVote ||
      kind == kRegrade) {
    return kGradesFamily;
  }
  return "";
}

absl::Status ValidateKeyComponent(absl::string_view what,
                                  absl::string_view component) {
  if (component.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(what, " is empty"));
  }
  if (component.find(kSep) != absl::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " contains a NUL byte"));
  }
  return absl::OkStatus();
}

absl::Status ValidateListQuery(absl::string_view course_id,
                               absl::string_view item_id,
                               absl::string_view principal) {
  absl::Status status = ValidateKeyComponent("course_id", course_id);
  if (status.ok() && !item_id.empty()) {
    status = ValidateKeyComponent("item_id", item_id);
  }
  if (status.ok() && !principal.empty()) {
    status = ValidateKeyComponent("principal", principal);
  }
  return status;
}

std::string PrefixEnd(absl::string_view prefix) {
  std::string end(prefix);
  end.back() = static_cast<char>(static_cast<unsigned char>(end.back()) + 1);
  return end;
}

std::string BlobKey(absl::string_view sha256_hex) {
  return Join({kBlob, sha256_hex});
}
std::string BlobPrefix() { return Join({kBlob, ""}); }

std::string ChunkPrefix() { return Join({kChunk, ""}); }
std::string UploadChunkPrefix(uint64_t upload_id) {
  return Join({kChunk, Hex16(upload_id), ""});
}
std::string ChunkKey(uint64_t upload_id, int64_t offset) {
  return Join({kChunk, Hex16(upload_id), Hex16(static_cast<uint64_t>(offset))});
}

absl::StatusOr<ChunkKeyParts> ParseChunkKey(absl::string_view key) {
  const std::string prefix = ChunkPrefix();
  // chunk\0 + 16 hex + \0 + 16 hex
  if (key.size() != prefix.size() + 16 + 1 + 16 ||
      key.substr(0, prefix.size()) != prefix ||
      key[prefix.size() + 16] != kSep) {
    return absl::DataLossError(
        absl::StrCat("malformed chunk key \"", absl::CHexEscape(key), "\""));
  }
  ChunkKeyParts parts;
  uint64_t offset = 0;
  if (!absl::SimpleHexAtoi(key.substr(prefix.size(), 16), &parts.upload_id) ||
      !absl::SimpleHexAtoi(key.substr(prefix.size() + 17, 16), &offset)) {
    return absl::DataLossError(
        absl::StrCat("malformed chunk key \"", absl::CHexEscape(key), "\""));
  }
  parts.offset = static_cast<int64_t>(offset);
  return parts;
}

std::string SubmissionPrefix(absl::string_view course_id) {
  return Join({kSubmission, course_id, ""});
}
std::string SubmissionKey(absl::string_view course_id,
                          absl::string_view submission_id) {
  return Join({kSubmission, course_id, submission_id});
}

std::string ItemIndexPrefix(absl::string_view course_id,
                            absl::string_view item_id) {
  return Join({kByItem, course_id, item_id, ""});
}
std::string ItemIndexKey(absl::string_view course_id, absl::string_view item_id,
                         absl::string_view submission_id) {
  return Join({kByItem, course_id, item_id, submission_id});
}

std::string PrincipalIndexPrefix(absl::string_view course_id,
                                 absl::string_view principal) {
  return Join({kByPrincipal, course_id, principal, ""});
}
std::string PrincipalIndexKey(absl::string_view course_id,
                              absl::string_view principal,
                              absl::string_view submission_id) {
  return Join({kByPrincipal, course_id, principal, submission_id});
}

std::string CourseExtensionPrefix(absl::string_view course_id) {
  return Join({kExtension, course_id, ""});
}
std::string PrincipalExtensionPrefix(absl::string_view course_id,
                                     absl::string_view principal) {
  return Join({kExtension, course_id, principal, ""});
}
std::string ExtensionKey(absl::string_view course_id,
                         absl::string_view principal,
                         absl::string_view item_id) {
  return Join({kExtension, course_id, principal, item_id});
}

std::string IdempotencyKey(absl::string_view course_id,
                           absl::string_view principal,
                           absl::string_view idempotency_key) {
  return Join({kIdempotency, course_id, principal, idempotency_key});
}

std::string StagedPrefix() { return Join({kStaged, ""}); }
std::string StagedUploadKey(absl::string_view course_id,
                            absl::string_view principal,
                            absl::string_view idempotency_key) {
  return Join({kStaged, course_id, principal, idempotency_key});
}

std::string RefusalPrefix(absl::string_view course_id) {
  return Join({kRefusal, course_id, ""});
}
std::string RefusalKey(absl::string_view course_id,
                       absl::string_view attempt_id) {
  return Join({kRefusal, course_id, attempt_id});
}
std::string RefusalItemIndexPrefix(absl::string_view course_id,
                                   absl::string_view item_id) {
  return Join({kRefusalByItem, course_id, item_id, ""});
}
std::string RefusalItemIndexKey(absl::string_view course_id,
                                absl::string_view item_id,
                                absl::string_view attempt_id) {
  return Join({kRefusalByItem, course_id, item_id, attempt_id});
}
std::string RefusalPrincipalIndexPrefix(absl::string_view course_id,
                                        absl::string_view principal) {
  return Join({kRefusalByPrincipal, course_id, principal, ""});
}
std::string RefusalPrincipalIndexKey(absl::string_view course_id,
                                     absl::string_view principal,
                                     absl::string_view attempt_id) {
  return Join({kRefusalByPrincipal, course_id, principal, attempt_id});
}

std::string CourseScorePrefix(absl::string_view course_id) {
  return Join({kScore, course_id, ""});
}
std::string PrincipalScorePrefix(absl::string_view course_id,
                                 absl::string_view principal) {
  return Join({kScore, course_id, principal, ""});
}
std::string ScoreKey(absl::string_view course_id, absl::string_view principal,
                     absl::string_view item_id) {
  return Join({kScore, course_id, principal, item_id});
}

std::string CourseAttendancePrefix(absl::string_view course_id) {
  return Join({kAttendance, course_id, ""});
}
std::string SessionAttendancePrefix(absl::string_view course_id,
                                    absl::string_view session_id) {
  return Join({kAttendance, course_id, session_id, ""});
}
std::string AttendanceKey(absl::string_view course_id,
                          absl::string_view session_id,
                          absl::string_view student) {
  return Join({kAttendance, course_id, session_id, student});
}

std::string CourseVotePrefix(absl::string_view course_id) {
  return Join({kVote, course_id, ""});
}
std::string VoteKey(absl::string_view course_id, absl::string_view session_id) {
  return Join({kVote, course_id, session_id});
}

std::string RegradePrefix(absl::string_view course_id) {
  return Join({kRegrade, course_id, ""});
}
std::string RegradeKey(absl::string_view course_id,
                       absl::string_view regrade_id) {
  return Join({kRegrade, course_id, regrade_id});
}

std::string AuditPrefix() { return Join({kAudit, ""}); }
std::string AuditKey(uint64_t sequence) {
  return Join({kAudit, Hex16(sequence)});
}
absl::StatusOr<uint64_t> ParseAuditKey(absl::string_view key) {
  const std::string prefix = AuditPrefix();
  uint64_t sequence = 0;
  if (key.size() != prefix.size() + 16 ||
      key.substr(0, prefix.size()) != prefix ||
      !absl::SimpleHexAtoi(key.substr(prefix.size()), &sequence)) {
    return absl::DataLossError(
        absl::StrCat("malformed audit key \"", absl::CHexEscape(key), "\""));
  }
  return sequence;
}

std::string EncodeManifest(const BlobManifest& manifest) {
  std::string out;
  out.reserve(kManifestSize);
  out.push_back(static_cast<char>(kManifestVersion));
  PutBigEndian64(manifest.upload_id, &out);
  PutBigEndian64(static_cast<uint64_t>(manifest.size_bytes), &out);
  return out;
}

absl::StatusOr<BlobManifest> DecodeManifest(absl::string_view value) {
  if (value.size() != kManifestSize ||
      static_cast<unsigned char>(value[0]) != kManifestVersion) {
    return absl::DataLossError(
        absl::StrCat("malformed blob manifest of ", value.size(), " bytes"));
  }
  BlobManifest manifest;
  manifest.upload_id = GetBigEndian64(value.substr(1, 8));
  manifest.size_bytes = static_cast<int64_t>(GetBigEndian64(value.substr(9)));
  if (manifest.size_bytes < 0) {
    return absl::DataLossError("blob manifest records a negative size");
  }
  return manifest;
}

}  // namespace handin::storage::keys
