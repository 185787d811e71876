#ifndef HANDIN_CLIENTS_HANDIN_RECEIPT_H_
#define HANDIN_CLIENTS_HANDIN_RECEIPT_H_

#include <cstdint>
#include <string>

#include "google/protobuf/repeated_ptr_field.h"
#include "handin/common/v1/common.pb.h"

namespace handin::client {

// Returns a short label for a verdict: "on time", "late, counted" (with the
// penalty when there is one: "late, counted (-10%)"), "late, not counted",
// "refused", or "unknown" for a verdict with no kind.
std::string VerdictLabel(const common::v1::Verdict& verdict);

// Formats a byte count for people: "17 B", "1.5 KiB", "612.0 MiB".
std::string FormatBytes(int64_t bytes);

// Returns the receipt printed after a successful submit, one field a line:
// submission id, item, file, size (bytes and human), SHA-256, the started and
// completed instants in UTC RFC 3339 (started is the one that counts), the
// verdict and its reason, then the media type the content check found and
// a line per content warning (e.g. a page count the item flags), when
// there are any. Ends with a newline.
std::string FormatReceipt(const common::v1::SubmissionRecord& record);

// Returns `handin status`'s table: a header row then one row per record
// (id, item, verdict, started UTC, size, the first 12 hex digits of the
// SHA-256), columns padded to line up, then a "warning: <id> <item>:
// <warning>" line per content warning of any record. "no submissions yet\n"
// when empty.
std::string FormatStatusTable(
    const google::protobuf::RepeatedPtrField<common::v1::SubmissionRecord>&
        records);

// Returns the refused-attempts part of `handin status`: a heading saying
// nothing of them was stored, then a header row and one row per attempt
// (attempt id, item, started UTC, bytes received of the declared size, the
// gRPC code, and the reason, last and unpadded), columns lined up. "" when
// there are none.
std::string FormatRefusedTable(
    const google::protobuf::RepeatedPtrField<common::v1::RefusedAttempt>&
        attempts);

}  // namespace handin::client

#endif  // HANDIN_CLIENTS_HANDIN_RECEIPT_H_
