// The extension RPCs of StorageServiceImpl: each runs its ExtensionStore
// call on the executor and finishes from there.

#include <utility>

#include "common/grpc_status.h"
#include "services/storage/storage_service.h"
#include "services/storage/unary_rpc.h"
#include "spdlog/spdlog.h"

namespace handin::storage {
namespace {

using ::handin::common::v1::Extension;
using ::handin::storage::v1::DeleteExtensionRequest;
using ::handin::storage::v1::DeleteExtensionResponse;
using ::handin::storage::v1::ExtensionAuditEntry;
using ::handin::storage::v1::ListExtensionAuditRequest;
using ::handin::storage::v1::ListExtensionAuditResponse;
using ::handin::storage::v1::ListExtensionsRequest;
using ::handin::storage::v1::ListExtensionsResponse;
using ::handin::storage::v1::PutExtensionRequest;
using ::handin::storage::v1::PutExtensionResponse;

}  // namespace

grpc::ServerUnaryReactor* StorageServiceImpl::PutExtension(
    grpc::CallbackServerContext* context, const PutExtensionRequest* request,
    PutExtensionResponse* response) {
  return FinishOnExecutor(context, executor_, [this, request, response] {
    absl::StatusOr<PutExtensionResult> put =
        store_.extensions().Put(request->extension());
    if (!put.ok()) return put.status();
    spdlog::info("event=extension_granted course={} item={} principal={} by={}",
                 put->stored.course_id(), put->stored.item_id(),
                 put->stored.principal(), put->stored.granted_by());
    *response->mutable_extension() = std::move(put->stored);
    if (put->previous.has_value()) {
      *response->mutable_previous() = *std::move(put->previous);
    }
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* StorageServiceImpl::DeleteExtension(
    grpc::CallbackServerContext* context, const DeleteExtensionRequest* request,
    DeleteExtensionResponse* response) {
  return FinishOnExecutor(context, executor_, [this, request, response] {
    absl::StatusOr<Extension> revoked = store_.extensions().Delete(
        request->course_id(), request->item_id(), request->principal(),
        request->revoked_by(), request->reason());
    if (!revoked.ok()) return revoked.status();
    spdlog::info("event=extension_revoked course={} item={} principal={} by={}",
                 revoked->course_id(), revoked->item_id(), revoked->principal(),
                 request->revoked_by());
    *response->mutable_revoked() = *std::move(revoked);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* StorageServiceImpl::ListExtensions(
    grpc::CallbackServerContext* context, const ListExtensionsRequest* request,
    ListExtensionsResponse* response) {
  auto list = [this, request, response] {
    absl::StatusOr<std::vector<Extension>> found = store_.extensions().List(
        request->course_id(), request->item_id(), request->principal());
    if (!found.ok()) return found.status();
    for (Extension& extension : *found) {
      *response->add_extensions() = std::move(extension);
    }
    return absl::OkStatus();
  };
  // One principal's extensions (a handful of keys) are read for every
  // upload's verdict; a whole course's list is a longer scan.
  if (!request->principal().empty()) return FinishInline(context, list);
  return FinishOnExecutor(context, executor_, list);
}

grpc::ServerUnaryReactor* StorageServiceImpl::ListExtensionAudit(
    grpc::CallbackServerContext* context,
    const ListExtensionAuditRequest* request,
    ListExtensionAuditResponse* response) {
  return FinishOnExecutor(context, executor_, [this, request, response] {
    absl::StatusOr<std::vector<ExtensionAuditEntry>> entries =
        store_.extensions().ListAudit(request->course_id());
    if (!entries.ok()) return entries.status();
    for (ExtensionAuditEntry& entry : *entries) {
      *response->add_entries() = std::move(entry);
    }
    return absl::OkStatus();
  });
}

}  // namespace handin::storage
