#include "services/inspect/utf8.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace handin::inspect {
namespace {

constexpr size_t kMaxPrintableBytes = 200;

bool IsAllowedControl(unsigned char c) {
  return c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

// Drops a UTF-8 sequence left incomplete at the end of `head` by a cut.
absl::string_view DropCutSequence(absl::string_view head) {
  size_t lead = head.size();
  while (lead > 0 && head.size() - lead < 3 &&
         (static_cast<unsigned char>(head[lead - 1]) & 0xC0) == 0x80) {
    --lead;
  }
  if (lead == 0) return head;
  const auto c = static_cast<unsigned char>(head[lead - 1]);
  if (c < 0xC0) return head;
  const size_t needed = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
  return head.size() - (lead - 1) < needed ? head.substr(0, lead - 1) : head;
}

}  // namespace

// Table 3-7 of the Unicode standard: the lead byte fixes the sequence
// length and the range of the first continuation byte.
bool Utf8TextValidator::Feed(absl::string_view bytes) {
  for (const char ch : bytes) {
    if (!ok_) return false;
    const auto c = static_cast<unsigned char>(ch);
    if (pending_ > 0) {
      if (c < lower_ || c > upper_) {
        ok_ = false;
        return false;
      }
      lower_ = 0x80;
      upper_ = 0xBF;
      --pending_;
      continue;
    }
    if (c < 0x80) {
      ok_ = (c >= 0x20 && c != 0x7F) || IsAllowedControl(c);
    } else if (c >= 0xC2 && c <= 0xDF) {
      pending_ = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      pending_ = 2;
      if (c == 0xE0) lower_ = 0xA0;  // no overlong forms
      if (c == 0xED) upper_ = 0x9F;  // no surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      pending_ = 3;
      if (c == 0xF0) lower_ = 0x90;  // no overlong forms
      if (c == 0xF4) upper_ = 0x8F;  // nothing past U+10FFFF
    } else {
      ok_ = false;
    }
  }
  return ok_;
}

std::string Printable(absl::string_view text) {
  absl::string_view head = text.substr(0, kMaxPrintableBytes);
  if (head.size() < text.size()) head = DropCutSequence(head);
  Utf8TextValidator validator;
  const bool clean = validator.Feed(head) && validator.Finish() &&
                     head.find_first_of("\t\n\f\r") == head.npos;
  std::string shown = clean ? std::string(head) : absl::CHexEscape(head);
  if (head.size() < text.size()) absl::StrAppend(&shown, "...");
  return shown;
}

}  // namespace handin::inspect
