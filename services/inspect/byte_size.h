#ifndef HANDIN_SERVICES_INSPECT_BYTE_SIZE_H_
#define HANDIN_SERVICES_INSPECT_BYTE_SIZE_H_

#include <cstdint>
#include <string>

namespace handin::inspect {

// Returns `bytes` for a person: "512 bytes", "64 KiB", "1.5 MiB", "1 GiB"
// (binary units, at most one decimal, trailing ".0" dropped).
std::string HumanBytes(int64_t bytes);

}  // namespace handin::inspect

#endif  // HANDIN_SERVICES_INSPECT_BYTE_SIZE_H_
