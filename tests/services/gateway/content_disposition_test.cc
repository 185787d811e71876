// How a downloaded submission is named and typed for the browser.
#include "gtest/gtest.h"
#include "services/gateway/download.h"

namespace handin::gateway {
namespace {

TEST(ContentDisposition, PlainNameIsKept) {
  EXPECT_EQ(ContentDisposition("report.pdf"),
            "attachment; filename=\"report.pdf\"; "
            "filename*=UTF-8''report.pdf");
}

TEST(ContentDisposition, OnlyTheLastPathComponentIsUsed) {
  EXPECT_EQ(ContentDisposition("../../etc/passwd"),
            "attachment; filename=\"passwd\"; filename*=UTF-8''passwd");
  EXPECT_EQ(ContentDisposition("C:\\Users\\ari\\deck.pptx"),
            "attachment; filename=\"deck.pptx\"; filename*=UTF-8''deck.pptx");
}

TEST(ContentDisposition, QuotesControlsAndNonAsciiCannotBreakTheHeader) {
  EXPECT_EQ(ContentDisposition("my \"final\";\r\nX-Evil: 1.pdf"),
            "attachment; filename=\"my _final____X-Evil: 1.pdf\"; "
            "filename*=UTF-8''my%20%22final%22%3B%0D%0AX-Evil%3A%201.pdf");
  EXPECT_EQ(ContentDisposition("résumé.pdf"),
            "attachment; filename=\"r__sum__.pdf\"; "
            "filename*=UTF-8''r%C3%A9sum%C3%A9.pdf");
}

TEST(ContentDisposition, EmptyNameBecomesDownload) {
  EXPECT_EQ(ContentDisposition(""),
            "attachment; filename=\"download\"; filename*=UTF-8''download");
  EXPECT_EQ(ContentDisposition("dir/"),
            "attachment; filename=\"download\"; filename*=UTF-8''download");
}

TEST(DownloadMediaType, InspectedTypeElseOctetStream) {
  common::v1::SubmissionRecord record;
  EXPECT_EQ(DownloadMediaType(record), "application/octet-stream");
  record.set_media_type("application/pdf");
  EXPECT_EQ(DownloadMediaType(record), "application/pdf");
}

}  // namespace
}  // namespace handin::gateway
