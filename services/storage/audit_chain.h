#ifndef HANDIN_SERVICES_STORAGE_AUDIT_CHAIN_H_
#define HANDIN_SERVICES_STORAGE_AUDIT_CHAIN_H_

// The hash chain of the store's audit log, as pure functions: how an event
// is encoded for hashing, its hash, and the verification of a whole log. No
// RocksDB and no clock here; AuditLog (audit_log.h) writes and reads the
// events.
//
// Canonical encoding (version 1). The bytes hashed are the ASCII header
// "handin-audit-v1\n" followed by these fields in this order, each written
// as <name>=<decimal byte length>:<bytes>\n so that no two events encode
// alike:
//   sequence          decimal, no leading zeros
//   recorded_at       <unix seconds>.<nanos as 9 digits>, "-" if unset
//   kind              the AuditEventKind name, e.g. "AUDIT_EVENT_KIND_..."
//   course_id, principal, item_id, subject_id, sha256_hex   as stored
//   size_bytes        decimal (may be negative)
//   actor, reason     as stored
//   old_extension, new_extension
//                     "-" if unset, else the extension's course_id,
//                     item_id, principal, due_at, reason, granted_by,
//                     granted_at, each field encoded the same way (names
//                     as in extension.proto, instants as recorded_at)
//   previous_hash_hex as stored
//   old_grade, new_grade
//                     only in events with either set (grade and regrade
//                     events): "-" if unset, else the record's kind
//                     ("score", "attendance", "best_group_vote",
//                     "regrade") and its fields in grade.proto order, each
//                     encoded the same way (numbers of points as printf
//                     "%.17g", booleans "true"/"false", enums by name)
// `hash_hex` is the lower-case hex SHA-256 of these bytes; it is the only
// field not covered. A new field is added to the encoding, never slipped
// in: events written before it keep their encoding (the field is empty).

#include <cstdint>
#include <string>
#include <vector>

#include "handin/storage/v1/storage_service.pb.h"

namespace handin::storage {

// Returns the canonical encoding of `event` described above.
std::string CanonicalAuditEncoding(const v1::AuditEvent& event);

// Returns the lower-case hex SHA-256 of CanonicalAuditEncoding(event).
std::string AuditEventHash(const v1::AuditEvent& event);

// One stored audit entry as read from the database: its key and its value.
struct RawAuditEntry {
  std::string key;
  std::string value;
};

// The outcome of VerifyAuditChain.
struct AuditChainReport {
  // True when every entry verified.
  bool intact = true;
  // Events verified before the first break (all of them when intact).
  uint64_t verified_events = 0;
  // hash_hex of the last verified event ("" when none).
  std::string head_hash_hex;
  // The first break (only when !intact): the sequence where it is, what the
  // chain expected there and what was found, in words for an operator.
  uint64_t break_sequence = 0;
  std::string expected;
  std::string found;
};

// Walks `entries` (in key order, as a scan of the audit prefix yields them)
// and checks that their keys are audit\0<1>, audit\0<2>, ... without gaps;
// that each value parses as an AuditEvent with that sequence; that each
// event's previous_hash_hex is the hash_hex of the event before it ("" for
// the first); and that each hash_hex is AuditEventHash of the event. Stops
// at the first break. A changed event breaks its own hash; a deleted one
// breaks the sequence. Deleting the newest events is not detectable from
// the log alone: compare head_hash_hex with one noted earlier.
AuditChainReport VerifyAuditChain(const std::vector<RawAuditEntry>& entries);

}  // namespace handin::storage

#endif  // HANDIN_SERVICES_STORAGE_AUDIT_CHAIN_H_
