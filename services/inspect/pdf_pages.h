#ifndef HANDIN_SERVICES_INSPECT_PDF_PAGES_H_
#define HANDIN_SERVICES_INSPECT_PDF_PAGES_H_

#include <string>

#include "absl/status/statusor.h"

namespace handin::inspect {

// Returns the number of pages of the PDF at `path`, read with qpdf (which
// repairs what damage it can, as PDF readers do). A PDF encrypted with only
// an owner password opens without one, as in any reader, and is counted.
//
// Returns InvalidArgument, with a refusal message for the student, if the
// PDF needs a password to open or cannot be read; ResourceExhausted if
// memory ran out.
absl::StatusOr<int> CountPdfPages(const std::string& path);

}  // namespace handin::inspect

#endif  // HANDIN_SERVICES_INSPECT_PDF_PAGES_H_
