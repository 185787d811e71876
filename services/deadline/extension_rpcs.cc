// The extension half of DeadlineServiceImpl: the Grant/Revoke/List RPCs,
// and the storage read that Evaluate, WhatIf, ListItems and ListDeadlines
// make to apply extensions.

#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/grpc_status.h"
#include "common/proto_time.h"
#include "services/deadline/deadline_service.h"
#include "services/deadline/extensions.h"
#include "services/deadline/request_checks.h"
#include "services/deadline/storage_calls.h"
#include "spdlog/spdlog.h"

namespace handin::deadline {
namespace {

namespace storage_v1 = ::handin::storage::v1;
using ProtoExtension = ::handin::common::v1::Extension;

Extension FromProto(const ProtoExtension& extension) {
  Extension out;
  out.item_id = extension.item_id();
  out.principal = extension.principal();
  out.due_at = FromProtoTimestamp(extension.due_at());
  out.granted_by = extension.granted_by();
  out.reason = extension.reason();
  return out;
}

}  // namespace

absl::StatusOr<std::vector<Extension>> DeadlineServiceImpl::ExtensionsFor(
    absl::string_view principal) const {
  std::vector<Extension> out;
  if (storage_ == nullptr) return out;
  std::vector<std::string> principals = GroupsOf(*course_, principal);
  principals.insert(principals.begin(), std::string(principal));
  for (const std::string& who : principals) {
    storage_v1::ListExtensionsRequest request;
    request.set_course_id(course_->id());
    request.set_principal(who);
    storage_v1::ListExtensionsResponse response;
    const grpc::Status status =
        storage_->ListExtensions(StorageContext().get(), request, &response);
    if (!status.ok()) {
      return FromStorage(status,
                         absl::StrCat("reading the extensions of ", who));
    }
    for (const ProtoExtension& extension : response.extensions()) {
      out.push_back(FromProto(extension));
    }
  }
  return out;
}

absl::Status DeadlineServiceImpl::CheckStorage() const {
  if (storage_ != nullptr) return absl::OkStatus();
  return absl::FailedPreconditionError(
      "extensions need --storage_addr: this deadline service runs without "
      "the storage service, so it keeps no extensions");
}

absl::StatusOr<std::string> DeadlineServiceImpl::ActingUser(
    const grpc::CallbackServerContext& context, absl::string_view course_id,
    absl::string_view acting_user) const {
  absl::StatusOr<Principal> caller = authenticator_.CallerOf(context);
  if (!caller.ok()) return caller.status();
  if (absl::Status s = CheckCallerCourse(*caller, course_id); !s.ok()) {
    return s;
  }
  if (!acting_user.empty() && acting_user != caller->subject) {
    return absl::PermissionDeniedError(
        absl::StrCat("acting_user \"", acting_user,
                     "\" is not the token's subject \"", caller->subject,
                     "\"; a call acts for its token (leave acting_user "
                     "empty)"));
  }
  return caller->subject;
}

absl::Status DeadlineServiceImpl::DoGrant(
    const v1::GrantExtensionRequest& request, const std::string& acting_user,
    v1::GrantExtensionResponse& response) const {
  if (absl::Status s = CheckCourse(request.course_id()); !s.ok()) return s;
  if (absl::Status s = CheckStorage(); !s.ok()) return s;
  // Who asks comes first: a grader learns they may not, whatever else.
  if (absl::Status s =
          CheckStaff(*course_, acting_user, StaffRequirement::kInstructor,
                     "grant extensions");
      !s.ok()) {
    return s;
  }
  if (!request.has_due_at()) {
    return absl::InvalidArgumentError("due_at is required");
  }
  if (absl::Status s = CheckTimestamp(request.due_at(), "due_at"); !s.ok()) {
    return s;
  }
  Extension grant;
  grant.item_id = request.item_id();
  grant.principal = request.principal();
  grant.due_at = FromProtoTimestamp(request.due_at());
  grant.granted_by = acting_user;
  grant.reason = request.reason();
  if (absl::Status s = ValidateGrant(*course_, grant); !s.ok()) return s;

  storage_v1::PutExtensionRequest put;
  ProtoExtension& extension = *put.mutable_extension();
  extension.set_course_id(course_->id());
  extension.set_item_id(request.item_id());
  extension.set_principal(request.principal());
  *extension.mutable_due_at() = request.due_at();
  extension.set_reason(request.reason());
  extension.set_granted_by(acting_user);
  storage_v1::PutExtensionResponse stored;
  if (absl::Status s = FromStorage(
          storage_->PutExtension(StorageContext().get(), put, &stored),
          "storing the extension");
      !s.ok()) {
    return s;
  }
  spdlog::info("event=extension_granted item={} principal={} by={}",
               request.item_id(), request.principal(), acting_user);
  *response.mutable_extension() = std::move(*stored.mutable_extension());
  if (stored.has_previous()) {
    *response.mutable_previous() = std::move(*stored.mutable_previous());
  }
  return absl::OkStatus();
}

absl::Status DeadlineServiceImpl::DoRevoke(
    const v1::RevokeExtensionRequest& request, const std::string& acting_user,
    v1::RevokeExtensionResponse& response) const {
  if (absl::Status s = CheckCourse(request.course_id()); !s.ok()) return s;
  if (absl::Status s = CheckStorage(); !s.ok()) return s;
  if (absl::Status s =
          CheckStaff(*course_, acting_user, StaffRequirement::kInstructor,
                     "revoke extensions");
      !s.ok()) {
    return s;
  }
  for (const auto& [value, name] :
       {std::pair<absl::string_view, absl::string_view>{request.item_id(),
                                                        "item_id"},
        {request.principal(), "principal"},
        {request.reason(), "reason"}}) {
    if (absl::Status s = Require(value, name); !s.ok()) return s;
  }
  storage_v1::DeleteExtensionRequest remove;
  remove.set_course_id(course_->id());
  remove.set_item_id(request.item_id());
  remove.set_principal(request.principal());
  remove.set_revoked_by(acting_user);
  remove.set_reason(request.reason());
  storage_v1::DeleteExtensionResponse removed;
  if (absl::Status s = FromStorage(
          storage_->DeleteExtension(StorageContext().get(), remove, &removed),
          "revoking the extension");
      !s.ok()) {
    return s;
  }
  spdlog::info("event=extension_revoked item={} principal={} by={}",
               request.item_id(), request.principal(), acting_user);
  *response.mutable_revoked() = std::move(*removed.mutable_revoked());
  return absl::OkStatus();
}

absl::Status DeadlineServiceImpl::DoListExtensions(
    const v1::ListExtensionsRequest& request, const std::string& acting_user,
    v1::ListExtensionsResponse& response) const {
  if (absl::Status s = CheckCourse(request.course_id()); !s.ok()) return s;
  if (absl::Status s = CheckStorage(); !s.ok()) return s;
  if (absl::Status s =
          CheckStaff(*course_, acting_user, StaffRequirement::kAnyStaff,
                     "list extensions");
      !s.ok()) {
    return s;
  }
  storage_v1::ListExtensionsRequest list;
  list.set_course_id(course_->id());
  list.set_item_id(request.item_id());
  list.set_principal(request.principal());
  storage_v1::ListExtensionsResponse listed;
  if (absl::Status s = FromStorage(
          storage_->ListExtensions(StorageContext().get(), list, &listed),
          "listing extensions");
      !s.ok()) {
    return s;
  }
  *response.mutable_extensions() = std::move(*listed.mutable_extensions());
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* DeadlineServiceImpl::GrantExtension(
    grpc::CallbackServerContext* context,
    const v1::GrantExtensionRequest* request,
    v1::GrantExtensionResponse* response) {
  return Run(context, [this, context, request, response] {
    absl::StatusOr<std::string> acting_user =
        ActingUser(*context, request->course_id(), request->acting_user());
    if (!acting_user.ok()) return acting_user.status();
    return DoGrant(*request, *acting_user, *response);
  });
}

grpc::ServerUnaryReactor* DeadlineServiceImpl::RevokeExtension(
    grpc::CallbackServerContext* context,
    const v1::RevokeExtensionRequest* request,
    v1::RevokeExtensionResponse* response) {
  return Run(context, [this, context, request, response] {
    absl::StatusOr<std::string> acting_user =
        ActingUser(*context, request->course_id(), request->acting_user());
    if (!acting_user.ok()) return acting_user.status();
    return DoRevoke(*request, *acting_user, *response);
  });
}

grpc::ServerUnaryReactor* DeadlineServiceImpl::ListExtensions(
    grpc::CallbackServerContext* context,
    const v1::ListExtensionsRequest* request,
    v1::ListExtensionsResponse* response) {
  return Run(context, [this, context, request, response] {
    absl::StatusOr<std::string> acting_user =
        ActingUser(*context, request->course_id(), request->acting_user());
    if (!acting_user.ok()) return acting_user.status();
    return DoListExtensions(*request, *acting_user, *response);
  });
}

}  // namespace handin::deadline
