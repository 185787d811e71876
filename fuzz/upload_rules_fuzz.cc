// Fuzzes intake's upload rules the way an upload stream drives them: the
// message order, the metadata checks, the replay check, the chunk sequence
// and the mapping of peer failures. Any stream must be accepted or refused
// with the documented codes, never crash, leak or hit undefined behaviour,
// and the chunk sequence must never accept more than was declared.
//
// Input: a handin.fuzz.UploadSession (upload_session.proto) in text format
// (corpus/upload_rules/); inputs that do not parse are skipped.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "fuzz/upload_session.pb.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"
#include "services/intake/upload_rules.h"

namespace {

using ::handin::intake::ChunkSequence;
using ::handin::intake::UploadPhase;

// Stops with a report when a documented contract does not hold.
void Expect(bool holds) {
  if (!holds) std::abort();
}

void Replay(const handin::fuzz::UploadSession& session) {
  // Intake passes positive limits; other values are outside the contract.
  const int64_t max_file_bytes =
      session.max_file_bytes() > 0 ? session.max_file_bytes() : 512 << 20;
  const int64_t max_chunk_bytes =
      session.max_chunk_bytes() > 0 ? session.max_chunk_bytes() : 1 << 20;
  UploadPhase phase = UploadPhase::kAwaitingMetadata;
  std::optional<ChunkSequence> chunks;
  int64_t declared = 0;
  for (const auto& request : session.requests()) {
    absl::Status order = handin::intake::CheckMessageOrder(phase, request);
    if (!order.ok()) {
      Expect(order.code() == absl::StatusCode::kFailedPrecondition ||
             order.code() == absl::StatusCode::kInvalidArgument);
      return;
    }
    if (request.has_metadata()) {
      const auto& metadata = request.metadata();
      absl::Status valid =
          handin::intake::ValidateMetadata(metadata, max_file_bytes);
      (void)handin::intake::HumanBytes(metadata.size_bytes());
      if (!valid.ok()) {
        Expect(valid.code() == absl::StatusCode::kInvalidArgument);
        return;
      }
      Expect(metadata.size_bytes() >= 0 &&
             metadata.size_bytes() <= max_file_bytes);
      if (session.has_existing()) {
        absl::Status replay =
            handin::intake::CheckReplay(metadata, session.existing());
        Expect(replay.ok() ||
               replay.code() == absl::StatusCode::kAlreadyExists);
      }
      declared = metadata.size_bytes();
      chunks.emplace(declared, max_chunk_bytes);
      phase = UploadPhase::kReceivingChunks;
    } else if (request.has_chunk()) {
      const int64_t before = chunks->received();
      absl::Status accepted = chunks->Accept(request.chunk());
      if (!accepted.ok()) {
        Expect(accepted.code() == absl::StatusCode::kInvalidArgument &&
               chunks->received() == before);
        return;
      }
      Expect(static_cast<int64_t>(request.chunk().data().size()) <=
             max_chunk_bytes);
      Expect(chunks->received() <= declared);
    } else {
      absl::Status complete = chunks->CheckComplete();
      Expect(complete.ok() ? chunks->received() == declared
                           : complete.code() == absl::StatusCode::kDataLoss);
      return;
    }
  }
}

void MapAnswers(const handin::fuzz::UploadSession& session) {
  absl::Status allowed = handin::intake::VerdictAllowsUpload(session.verdict());
  Expect(allowed.ok() ||
         allowed.code() == absl::StatusCode::kFailedPrecondition ||
         allowed.code() == absl::StatusCode::kInternal);
  const int code = session.peer_code();
  if (code < 0 || code > 16) return;  // absl defines codes 0..16
  const absl::Status peer(static_cast<absl::StatusCode>(code),
                          session.peer_message());
  absl::Status mapped = handin::intake::PeerError("storage", peer);
  Expect(mapped.ok() == peer.ok());
  (void)handin::intake::IsRecordedRefusal(mapped);
}

// A quiet parser: most mutated inputs do not parse, and that is expected.
class SilentErrors final : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int, google::protobuf::io::ColumnNumber,
                const std::string&) override {}
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  handin::fuzz::UploadSession session;
  google::protobuf::TextFormat::Parser parser;
  parser.AllowPartialMessage(true);
  SilentErrors silent;
  parser.RecordErrorsTo(&silent);
  if (!parser.ParseFromString(
          std::string(reinterpret_cast<const char*>(data), size), &session)) {
    return 0;
  }
  Replay(session);
  MapAnswers(session);
  return 0;
}
