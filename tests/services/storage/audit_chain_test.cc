// The pure hash chain: encoding, hash and verification, without RocksDB.
#include "services/storage/audit_chain.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/storage/keys.h"

namespace handin::storage {
namespace {

using ::handin::storage::v1::AuditEvent;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

AuditEvent Event(uint64_t sequence, const std::string& previous) {
  AuditEvent event;
  event.set_sequence(sequence);
  event.mutable_recorded_at()->set_seconds(1714600800);
  event.set_kind(v1::AUDIT_EVENT_KIND_SUBMISSION_ACCEPTED);
  event.set_course_id("eecs598-w24");
  event.set_principal("ann");
  event.set_item_id("report");
  event.set_subject_id("20240501T220000.000000Z");
  event.set_sha256_hex(std::string(64, 'a'));
  event.set_size_bytes(42);
  event.set_actor("ann");
  event.set_reason("VERDICT_KIND_ON_TIME: on time");
  event.set_previous_hash_hex(previous);
  event.set_hash_hex(AuditEventHash(event));
  return event;
}

// A chain of `n` well-formed events as stored.
std::vector<RawAuditEntry> Chain(int n) {
  std::vector<RawAuditEntry> out;
  std::string previous;
  for (int i = 1; i <= n; ++i) {
    AuditEvent event = Event(i, previous);
    previous = event.hash_hex();
    out.push_back({keys::AuditKey(i), event.SerializeAsString()});
  }
  return out;
}

TEST(AuditChain, TheEncodingIsLengthPrefixedFieldsInAFixedOrder) {
  const std::string encoding = CanonicalAuditEncoding(Event(7, "p"));
  EXPECT_THAT(encoding, StartsWith("handin-audit-v1\nsequence=1:7\n"
                                   "recorded_at=20:1714600800.000000000\n"
                                   "kind=36:AUDIT_EVENT_KIND_SUBMISSION_"
                                   "ACCEPTED\ncourse_id=11:eecs598-w24\n"));
  EXPECT_THAT(encoding, HasSubstr("old_extension=1:-\n"));
  EXPECT_THAT(encoding, HasSubstr("previous_hash_hex=1:p\n"));
  EXPECT_THAT(encoding, Not(HasSubstr("hash_hex=64")));
}

TEST(AuditChain, EveryFieldChangesTheHash) {
  const AuditEvent base = Event(1, "");
  std::vector<AuditEvent> changed(6, base);
  changed[0].set_reason("late");
  changed[1].set_size_bytes(43);
  changed[2].mutable_recorded_at()->set_nanos(1);
  changed[3].set_previous_hash_hex("x");
  changed[4].mutable_new_extension()->set_reason("illness");
  // Moving bytes from one field to the next is a change too.
  changed[5].set_course_id("eecs598-w24a");
  changed[5].set_principal("nn");
  for (const AuditEvent& event : changed) {
    EXPECT_NE(AuditEventHash(event), AuditEventHash(base))
        << event.ShortDebugString();
  }
}

TEST(AuditChain, AnIntactChainReportsItsLengthAndHead) {
  const std::vector<RawAuditEntry> chain = Chain(3);
  const AuditChainReport report = VerifyAuditChain(chain);
  EXPECT_TRUE(report.intact);
  EXPECT_EQ(report.verified_events, 3u);
  AuditEvent last;
  ASSERT_TRUE(last.ParseFromString(chain.back().value));
  EXPECT_EQ(report.head_hash_hex, last.hash_hex());
  EXPECT_TRUE(VerifyAuditChain({}).intact);
}

TEST(AuditChain, AChangedEventBreaksItsOwnHash) {
  std::vector<RawAuditEntry> chain = Chain(3);
  AuditEvent event;
  ASSERT_TRUE(event.ParseFromString(chain[1].value));
  event.set_reason("VERDICT_KIND_ON_TIME: rewritten");
  chain[1].value = event.SerializeAsString();
  const AuditChainReport report = VerifyAuditChain(chain);
  EXPECT_FALSE(report.intact);
  EXPECT_EQ(report.break_sequence, 2u);
  EXPECT_EQ(report.verified_events, 1u);
  EXPECT_THAT(report.expected, HasSubstr(AuditEventHash(event)));
  EXPECT_THAT(report.found, HasSubstr(event.hash_hex()));
}

TEST(AuditChain, ARehashedChangeBreaksTheNextEventsLink) {
  std::vector<RawAuditEntry> chain = Chain(3);
  AuditEvent event;
  ASSERT_TRUE(event.ParseFromString(chain[1].value));
  event.set_size_bytes(1);
  event.set_hash_hex(AuditEventHash(event));
  chain[1].value = event.SerializeAsString();
  const AuditChainReport report = VerifyAuditChain(chain);
  EXPECT_FALSE(report.intact);
  EXPECT_EQ(report.break_sequence, 3u);
  EXPECT_THAT(report.expected, HasSubstr(event.hash_hex()));
}

TEST(AuditChain, AMissingEventAndGarbageAreBreaks) {
  std::vector<RawAuditEntry> chain = Chain(4);
  chain.erase(chain.begin() + 1);
  AuditChainReport report = VerifyAuditChain(chain);
  EXPECT_FALSE(report.intact);
  EXPECT_EQ(report.break_sequence, 2u);
  EXPECT_EQ(report.expected, "event 2");
  EXPECT_THAT(report.found, HasSubstr("event 3"));

  chain = Chain(2);
  chain[0].value = "\xff\xff garbage";
  report = VerifyAuditChain(chain);
  EXPECT_EQ(report.break_sequence, 1u);
  EXPECT_THAT(report.found, HasSubstr("do not parse"));
}

}  // namespace
}  // namespace handin::storage
