// Fuzzes the PDF check: CountPdfPages on any bytes must return a page count
// or a refusal (InvalidArgument; ResourceExhausted if memory ran out),
// never crash, throw, leak or hit undefined behaviour.
//
// Input: the bytes of an uploaded file, usually a PDF (corpus/pdf_pages/).

#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "absl/status/status.h"
#include "fuzz/input_file.h"
#include "services/inspect/pdf_pages.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  handin::fuzz::InputFile& file = handin::fuzz::InputFile::Get();
  file.Write(data, size);
  absl::StatusOr<int> pages = handin::inspect::CountPdfPages(file.path());
  if (pages.ok()
          ? *pages < 0
          : pages.status().code() != absl::StatusCode::kInvalidArgument &&
                pages.status().code() != absl::StatusCode::kResourceExhausted) {
    std::abort();
  }
  return 0;
}
