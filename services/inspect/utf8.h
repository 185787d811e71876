#ifndef HANDIN_SERVICES_INSPECT_UTF8_H_
#define HANDIN_SERVICES_INSPECT_UTF8_H_

#include <string>

#include "absl/strings/string_view.h"

namespace handin::inspect {

// Checks that a byte stream fed in pieces is UTF-8 text: well-formed UTF-8
// (no overlong forms, surrogates or code points past U+10FFFF) without NUL
// or control characters other than tab, line feed, form feed and carriage
// return. A sequence may be split across pieces.
class Utf8TextValidator {
 public:
  // Feeds the next piece. Returns false once the stream is known not to be
  // UTF-8 text; later calls keep returning false.
  bool Feed(absl::string_view bytes);
  // Returns true if everything fed so far is UTF-8 text and no sequence is
  // left unfinished.
  bool Finish() const { return ok_ && pending_ == 0; }

 private:
  bool ok_ = true;
  int pending_ = 0;             // continuation bytes still expected
  unsigned char lower_ = 0x80;  // bounds of the next continuation byte
  unsigned char upper_ = 0xBF;
};

// Returns `text` as it may safely appear in a message and a proto string
// field: its first 200 bytes (fewer rather than split a character), then
// "..." if anything was cut; unchanged if those are valid UTF-8 without
// control characters, C-escaped otherwise. A crafted entry name thus
// cannot flood a message: the result is at most 803 bytes (an escaped byte
// takes 4).
std::string Printable(absl::string_view text);

}  // namespace handin::inspect

#endif  // HANDIN_SERVICES_INSPECT_UTF8_H_
