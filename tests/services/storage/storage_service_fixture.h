#ifndef HANDIN_TESTS_SERVICES_STORAGE_STORAGE_SERVICE_FIXTURE_H_
#define HANDIN_TESTS_SERVICES_STORAGE_STORAGE_SERVICE_FIXTURE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/executor.h"
#include "common/server_runner.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "services/storage/storage_service.h"
#include "services/storage/submission_store.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/test_auth.h"

namespace handin::storage::testing {

// The real service on 127.0.0.1:0 over a store in a temporary directory.
class StorageServiceFixture : public ::testing::Test {
 protected:
  StorageServiceFixture() { Start(); }
  ~StorageServiceFixture() override { Stop(); }

  void Start() {
    auto store = SubmissionStore::Open(dir_.path(), clock_);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    executor_ = std::make_unique<Executor>(2);
    service_ = std::make_unique<StorageServiceImpl>(*store_, *executor_);
    ServerOptions options;
    options.listen_address = "127.0.0.1:0";
    options.tls.insecure = true;
    // Who may call what is StorageAccess's, tested in the access matrix.
    options.authenticator =
        auth_.AdmitAnyCaller(v1::StorageService::service_full_name());
    auto running = StartServer(options, {service_.get()});
    ASSERT_TRUE(running.ok()) << running.status();
    server_ = *std::move(running);
    stub_ = v1::StorageService::NewStub(
        CreateTokenChannel("127.0.0.1:" + std::to_string(server_.port),
                           grpc::InsecureChannelCredentials(),
                           auth_.Token(Role::kInstructor, "prof.kim")));
  }

  // Stops the server (every call done), the executor (every task run) and
  // closes the store, in that order.
  void Stop() {
    if (server_.server != nullptr) StopServer(server_, absl::Seconds(5));
    server_ = {};
    service_.reset();
    executor_.reset();
    store_.reset();
  }

  // Sends `messages` on one PutSubmission stream, then half-closes.
  grpc::Status SendRaw(const std::vector<v1::PutSubmissionRequest>& messages) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
    v1::PutSubmissionResponse response;
    auto writer = stub_->PutSubmission(&context, &response);
    bool open = true;
    for (const v1::PutSubmissionRequest& message : messages) {
      if (open) open = writer->Write(message);
    }
    if (open) writer->WritesDone();
    return writer->Finish();
  }

  handin::testing::TempDir dir_;
  handin::testing::TestAuth auth_;
  handin::testing::FakeClock clock_{absl::FromUnixSeconds(1714600800)};
  std::unique_ptr<SubmissionStore> store_;
  std::unique_ptr<Executor> executor_;
  std::unique_ptr<StorageServiceImpl> service_;
  RunningServer server_;
  std::unique_ptr<v1::StorageService::Stub> stub_;
};

}  // namespace handin::storage::testing

#endif  // HANDIN_TESTS_SERVICES_STORAGE_STORAGE_SERVICE_FIXTURE_H_
