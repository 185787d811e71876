#include "bench/loadgen/handin_target.h"

#include <chrono>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "bench/loadgen/bench_course.h"
#include "common/auth_token.h"
#include "common/tls.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/support/channel_arguments.h"

namespace handin::bench {
namespace {

using intake::v1::UploadRequest;
using intake::v1::UploadResponse;
using Outcome = UploadResult::Outcome;

// Codes with which handin says "no" to an upload (as opposed to failing
// to handle it).
bool IsRefusal(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::FAILED_PRECONDITION:
    case grpc::StatusCode::PERMISSION_DENIED:
    case grpc::StatusCode::UNAUTHENTICATED:
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
    case grpc::StatusCode::ALREADY_EXISTS:
    case grpc::StatusCode::OUT_OF_RANGE:
      return true;
    default:
      return false;
  }
}

// The call metadata that carries a bearer token ("Bearer <token>").
constexpr char kAuthorizationKey[] = "authorization";

std::chrono::system_clock::time_point After(absl::Duration d) {
  return std::chrono::system_clock::now() + absl::ToChronoMilliseconds(d);
}

}  // namespace

absl::StatusOr<std::unique_ptr<HandinTarget>> HandinTarget::Create(
    HandinTargetOptions options) {
  if (options.receipt_key == nullptr) {
    return absl::InvalidArgumentError(
        "the receipt public key is required: every receipt is verified");
  }
  ChannelTlsOptions tls;
  tls.ca_file = options.ca_file;
  absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> credentials =
      MakeChannelCredentials(tls);
  if (!credentials.ok()) return credentials.status();
  std::unique_ptr<HandinTarget> target(new HandinTarget(std::move(options)));
  const HandinTargetOptions& o = target->options_;
  const absl::Time now = absl::Now();
  for (int i = 0; i < o.students; ++i) {
    Student student;
    student.user_id = StudentId(i);
    TokenClaims claims;
    claims.subject = student.user_id;
    claims.role = Role::kStudent;
    claims.course_id = o.course_id;
    claims.issued_at = now;
    claims.expires_at = now + absl::Hours(12);
    absl::StatusOr<std::string> token =
        IssueToken(claims, o.token_private_key_pem);
    if (!token.ok()) return token.status();
    grpc::ChannelArguments arguments;
    // One connection per student, as each student's own machine has:
    // channels with equal arguments would otherwise share one.
    arguments.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    student.bearer = absl::StrCat("Bearer ", *token);
    student.channel =
        grpc::CreateCustomChannel(o.server, *credentials, arguments);
    student.stub = intake::v1::IntakeService::NewStub(student.channel);
    target->students_.push_back(std::move(student));
  }
  return target;
}

absl::Status HandinTarget::Connect(int student) {
  grpc::Channel& channel = *students_.at(student).channel;
  if (!channel.WaitForConnected(After(absl::Seconds(30)))) {
    return absl::UnavailableError(
        absl::StrCat("could not connect to intake at ", options_.server, " as ",
                     students_[student].user_id, " within 30 s"));
  }
  return absl::OkStatus();
}

UploadResult HandinTarget::Upload(int student_index, const std::string& item_id,
                                  const GeneratedFile& file,
                                  const std::string& tag) {
  const Student& student = students_.at(student_index);
  UploadResult result;
  grpc::ClientContext context;
  context.set_deadline(After(options_.upload_timeout));
  context.AddMetadata(kAuthorizationKey, student.bearer);
  UploadResponse response;
  std::unique_ptr<grpc::ClientWriter<UploadRequest>> writer =
      student.stub->Upload(&context, &response);
  UploadRequest request;
  intake::v1::UploadMetadata& metadata = *request.mutable_metadata();
  metadata.set_course_id(options_.course_id);
  metadata.set_item_id(item_id);
  metadata.set_file_name(file.file_name());
  metadata.set_size_bytes(file.size_bytes());
  metadata.set_sha256_hex(file.sha256_hex());
  metadata.set_idempotency_key(tag);
  bool open = writer->Write(request);
  for (int64_t offset = 0; open && offset < file.size_bytes();) {
    common::v1::Chunk& chunk = *request.mutable_chunk();
    chunk.set_offset(offset);
    std::string& data = *chunk.mutable_data();
    data.resize(static_cast<size_t>(
        std::min(options_.chunk_bytes, file.size_bytes() - offset)));
    data.resize(file.Read(offset, data.data(), data.size()));
    offset += static_cast<int64_t>(data.size());
    open = writer->Write(request);
  }
  const absl::Time last_chunk = absl::Now();
  if (open) {
    request.mutable_finish();
    writer->Write(request);
  }
  writer->WritesDone();
  const grpc::Status status = writer->Finish();
  result.receipt_latency = absl::Now() - last_chunk;
  if (!status.ok()) {
    result.outcome =
        IsRefusal(status.error_code()) ? Outcome::kRefused : Outcome::kFailed;
    result.error =
        absl::StrCat(absl::StatusCodeToString(
                         static_cast<absl::StatusCode>(status.error_code())),
                     ": ", status.error_message());
    return result;
  }
  if (absl::Status receipt = CheckReceipt(response, student, item_id, file);
      !receipt.ok()) {
    result.outcome = Outcome::kFailed;
    result.error = absl::StrCat("receipt: ", receipt.message());
    return result;
  }
  result.outcome = Outcome::kStored;
  return result;
}

absl::Status HandinTarget::CheckReceipt(const UploadResponse& response,
                                        const Student& student,
                                        const std::string& item_id,
                                        const GeneratedFile& file) const {
  if (!response.has_receipt()) {
    return absl::DataLossError("the response carries no signed receipt");
  }
  if (absl::Status signed_ok = options_.receipt_key->Verify(response.receipt());
      !signed_ok.ok()) {
    return signed_ok;
  }
  const common::v1::ReceiptClaims& claims = response.receipt().claims();
  const auto differs = [](absl::string_view what, const auto& got,
                          const auto& sent) {
    return absl::DataLossError(
        absl::StrCat("the receipt's ", what, " is ", got, ", not ", sent));
  };
  if (claims.principal() != student.user_id) {
    return differs("principal", claims.principal(), student.user_id);
  }
  if (claims.course_id() != options_.course_id) {
    return differs("course", claims.course_id(), options_.course_id);
  }
  if (claims.item_id() != item_id) {
    return differs("item", claims.item_id(), item_id);
  }
  if (claims.size_bytes() != file.size_bytes()) {
    return differs("size", claims.size_bytes(), file.size_bytes());
  }
  if (claims.sha256_hex() != file.sha256_hex()) {
    return differs("SHA-256", claims.sha256_hex(), file.sha256_hex());
  }
  if (claims.submission_id().empty() ||
      claims.submission_id() != response.submission().submission_id()) {
    return differs("submission id", claims.submission_id(),
                   response.submission().submission_id());
  }
  return absl::OkStatus();
}

}  // namespace handin::bench
