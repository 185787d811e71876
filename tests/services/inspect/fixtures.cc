#include "tests/services/inspect/fixtures.h"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFObjectHandle.hh>
#include <qpdf/QPDFPageDocumentHelper.hh>
#include <qpdf/QPDFWriter.hh>

#include "gtest/gtest.h"

namespace handin::inspect::testing {
namespace {

la_ssize_t AppendToString(archive*, void* out, const void* bytes, size_t size) {
  static_cast<std::string*>(out)->append(static_cast<const char*>(bytes), size);
  return static_cast<la_ssize_t>(size);
}

void WriteEntry(archive* zip, const ZipEntry& spec) {
  std::unique_ptr<archive_entry, decltype(&archive_entry_free)> entry(
      archive_entry_new(), &archive_entry_free);
  archive_entry_set_pathname(entry.get(), spec.name.c_str());
  switch (spec.kind) {
    case ZipEntry::Kind::kFile:
      archive_entry_set_filetype(entry.get(), AE_IFREG);
      archive_entry_set_perm(entry.get(), 0644);
      archive_entry_set_size(
          entry.get(),
          static_cast<la_int64_t>(spec.data.size() + spec.zero_bytes));
      break;
    case ZipEntry::Kind::kDirectory:
      archive_entry_set_filetype(entry.get(), AE_IFDIR);
      archive_entry_set_perm(entry.get(), 0755);
      break;
    case ZipEntry::Kind::kSymlink:
      archive_entry_set_filetype(entry.get(), AE_IFLNK);
      archive_entry_set_perm(entry.get(), 0777);
      archive_entry_set_symlink(entry.get(), spec.link_target.c_str());
      break;
  }
  ASSERT_EQ(archive_write_header(zip, entry.get()), ARCHIVE_OK)
      << archive_error_string(zip);
  if (spec.kind != ZipEntry::Kind::kFile) return;
  ASSERT_EQ(archive_write_data(zip, spec.data.data(), spec.data.size()),
            static_cast<la_ssize_t>(spec.data.size()));
  const std::string zeros(1 << 20, '\0');
  for (int64_t left = spec.zero_bytes; left > 0;) {
    const size_t now = static_cast<size_t>(
        std::min<int64_t>(left, static_cast<int64_t>(zeros.size())));
    ASSERT_EQ(archive_write_data(zip, zeros.data(), now),
              static_cast<la_ssize_t>(now));
    left -= static_cast<int64_t>(now);
  }
}

ZipEntry Xml(const std::string& name) {
  return File(name, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><x/>");
}

}  // namespace

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
  ASSERT_TRUE(out.good()) << path;
}

void WritePdf(const std::string& path, int pages,
              const std::string& user_password,
              const std::string& owner_password) {
  QPDF pdf;
  pdf.emptyPDF();
  QPDFPageDocumentHelper document(pdf);
  for (int i = 0; i < pages; ++i) {
    QPDFObjectHandle page = pdf.makeIndirectObject(QPDFObjectHandle::parse(
        "<< /Type /Page /MediaBox [0 0 612 792] /Resources << >> >>"));
    document.addPage(QPDFPageObjectHelper(page), /*first=*/false);
  }
  QPDFWriter writer(pdf, path.c_str());
  if (!user_password.empty() || !owner_password.empty()) {
    writer.setR6EncryptionParameters(user_password.c_str(),
                                     owner_password.c_str(), true, true, true,
                                     true, true, true, qpdf_r3p_full, true);
  }
  writer.write();
}

std::string ZipBytes(const std::vector<ZipEntry>& entries,
                     const std::string& passphrase) {
  std::string bytes;
  std::unique_ptr<archive, decltype(&archive_write_free)> zip(
      archive_write_new(), &archive_write_free);
  EXPECT_EQ(archive_write_set_format_zip(zip.get()), ARCHIVE_OK);
  // No padding after the archive: its bytes are exactly the zip.
  EXPECT_EQ(archive_write_set_bytes_in_last_block(zip.get(), 1), ARCHIVE_OK);
  EXPECT_EQ(archive_write_set_options(zip.get(), "zip:compression=deflate"),
            ARCHIVE_OK);
  if (!passphrase.empty()) {
    EXPECT_EQ(archive_write_set_options(zip.get(), "zip:encryption=zipcrypt"),
              ARCHIVE_OK);
    EXPECT_EQ(archive_write_set_passphrase(zip.get(), passphrase.c_str()),
              ARCHIVE_OK);
  }
  EXPECT_EQ(
      archive_write_open(zip.get(), &bytes, nullptr, &AppendToString, nullptr),
      ARCHIVE_OK);
  for (const ZipEntry& entry : entries) WriteEntry(zip.get(), entry);
  EXPECT_EQ(archive_write_close(zip.get()), ARCHIVE_OK);
  return bytes;
}

ZipEntry File(const std::string& name, const std::string& data) {
  return ZipEntry{name, data};
}

ZipEntry Directory(const std::string& name) {
  return ZipEntry{name, "", ZipEntry::Kind::kDirectory};
}

ZipEntry Symlink(const std::string& name, const std::string& target) {
  return ZipEntry{name, "", ZipEntry::Kind::kSymlink, target};
}

std::vector<ZipEntry> PptxEntries() {
  return {Xml("[Content_Types].xml"), Xml("_rels/.rels"),
          Xml("ppt/presentation.xml"), Xml("ppt/slides/slide1.xml")};
}

std::vector<ZipEntry> DocxEntries() {
  return {Xml("[Content_Types].xml"), Xml("_rels/.rels"),
          Xml("word/document.xml")};
}

}  // namespace handin::inspect::testing
