#include "services/inspect/pdf_pages.h"

#include <exception>
#include <new>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFExc.hh>
#include <qpdf/QPDFPageDocumentHelper.hh>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "services/inspect/utf8.h"

namespace handin::inspect {
namespace {

absl::Status Unreadable(absl::string_view detail) {
  return absl::InvalidArgumentError(
      absl::StrCat("the PDF could not be read (", Printable(detail),
                   "); export or print it to PDF again and re-upload"));
}

}  // namespace

absl::StatusOr<int> CountPdfPages(const std::string& path) {
  try {
    QPDF pdf;
    pdf.setSuppressWarnings(true);
    pdf.processFile(path.c_str());
    return static_cast<int>(QPDFPageDocumentHelper(pdf).getAllPages().size());
  } catch (const std::bad_alloc&) {
    return absl::ResourceExhaustedError("out of memory reading the PDF");
  } catch (const QPDFExc& error) {
    if (error.getErrorCode() == qpdf_e_password) {
      return absl::InvalidArgumentError(
          "the PDF is password-protected; upload it without a password");
    }
    // The detail, unlike what(), does not name the server's file.
    return Unreadable(error.getMessageDetail());
  } catch (const std::exception& error) {
    return Unreadable(error.what());
  }
}

}  // namespace handin::inspect
