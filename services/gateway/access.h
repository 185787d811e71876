#ifndef HANDIN_SERVICES_GATEWAY_ACCESS_H_
#define HANDIN_SERVICES_GATEWAY_ACCESS_H_

#include "common/access_policy.h"

namespace handin::gateway {

// The staff dashboard's API: the gRPC methods the gateway exposes over
// HTTP ("/pkg.Service/Method", as in the HTTP/2 :path) and which token
// roles may call each through it. A method not listed here does not exist
// on the gateway (HTTP 404), whatever the services behind it offer. The
// services check the same token again against their own tables; this one
// only refuses early with a clear HTTP status and never grants more.
AccessPolicy GatewayAccess();

}  // namespace handin::gateway

#endif  // HANDIN_SERVICES_GATEWAY_ACCESS_H_
