#!/usr/bin/env python3
"""Writes the binary seed corpora of the zip_walk, pdf_pages and inspect fuzz
targets into fuzz/corpus/ (the text corpora are written by hand).

Run from anywhere: fuzz/make_seeds.py. Needs only Python's standard library,
plus the qpdf command for the encrypted-PDF seeds (skipped without it). The
output is committed; rerun after changing this script. Every seed is a few
KiB at most, so the corpora stay small.
"""

import io
import os
import shutil
import stat
import subprocess
import tempfile
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")
# Fixed timestamps keep the output identical from run to run.
DATE = (2024, 3, 19, 9, 0, 0)


def write(target, name, data):
    directory = os.path.join(CORPUS, target)
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, name), "wb") as out:
        out.write(data)


def zip_bytes(entries, compression=zipfile.ZIP_DEFLATED):
    """entries: (name, data) for files, (name, None) for directories,
    (name, ("link", target)) for symbolic links, (name, ("flags", bits,
    data)) for a file with extra general-purpose flag bits."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name, DATE)
            info.compress_type = compression
            info.create_system = 3  # Unix, so the mode bits below count
            if data is None:
                info.external_attr = (stat.S_IFDIR | 0o755) << 16 | 0x10
                data = b""
            elif isinstance(data, tuple) and data[0] == "link":
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
                data = data[1].encode()
            elif isinstance(data, tuple) and data[0] == "flags":
                info.flag_bits |= data[1]
                data = data[2]
            else:
                info.external_attr = (stat.S_IFREG | 0o644) << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def pdf_bytes(pages, broken_xref=False):
    """A minimal PDF of `pages` empty pages with a correct cross-reference
    table (or one pointing at wrong offsets, which qpdf repairs)."""
    kids = " ".join(f"{3 + i} 0 R" for i in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode(),
    ]
    for _ in range(pages):
        objects.append(b"<< /Type /Page /Parent 2 0 R "
                       b"/MediaBox [0 0 612 792] >>")
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset + (7 if broken_xref else 0):010d} 00000 n \n".encode()
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\n"
            f"startxref\n{xref}\n%%EOF\n").encode()
    return bytes(out)


def qpdf_encrypt(pdf, user, owner):
    """`pdf` encrypted with AES-256 by the qpdf command, or None."""
    if shutil.which("qpdf") is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        plain, sealed = os.path.join(tmp, "in.pdf"), os.path.join(tmp, "out.pdf")
        with open(plain, "wb") as out:
            out.write(pdf)
        subprocess.run(["qpdf", "--static-id", "--static-aes-iv", "--encrypt", user, owner, "256",
                        "--", plain, sealed], check=True)
        with open(sealed, "rb") as sealed_file:
            return sealed_file.read()


def zip_seeds():
    project = [("README.md", b"# Project\n"), ("src/", None),
               ("src/main.c", b"int main(void) { return 0; }\n"),
               ("Makefile", b"all:\n\tcc -o main src/main.c\n")]
    seeds = {
        "project.zip": zip_bytes(project),
        "project_stored.zip": zip_bytes(project, zipfile.ZIP_STORED),
        "top_directory.zip": zip_bytes(
            [("proj/", None), ("proj/readme.txt", b"hi\n"),
             ("proj/src/a.py", b"print(1)\n"),
             ("__MACOSX/proj/._a.py", b"\0\5\26\7")]),
        "empty.zip": zip_bytes([]),
        "nested.zip": zip_bytes(
            [("README", b"outer\n"),
             ("lib/inner.zip", zip_bytes([("inner.txt", b"inner\n")]))]),
        "nested_too_deep.zip": zip_bytes(
            [("a.zip", zip_bytes([("b.zip", zip_bytes(
                [("c.zip", zip_bytes([("d.txt", b"d")]))]))]))]),
        "dot_dot.zip": zip_bytes([("../evil.sh", b"rm -rf /\n")]),
        "absolute.zip": zip_bytes([("/etc/passwd", b"root:x:0:0\n")]),
        "backslash.zip": zip_bytes([("src\\..\\..\\x", b"x")]),
        "link_escapes.zip": zip_bytes([("up", ("link", "../../etc/passwd"))]),
        "link_inside.zip": zip_bytes(
            [("docs/", None), ("docs/a.txt", b"a"),
             ("latest", ("link", "docs/a.txt"))]),
        "link_through_link.zip": zip_bytes(
            [("a", ("link", "sub")), ("a/b", ("link", "../../x"))]),
        "encrypted_flag.zip": zip_bytes(
            [("secret.txt", ("flags", 0x1, b"not really encrypted"))]),
        "bomb.zip": zip_bytes([("zeros.bin", bytes(1 << 20))]),
        "docx_like.zip": zip_bytes(
            [("[Content_Types].xml", b"<Types/>"),
             ("word/document.xml", b"<w:document/>")]),
    }
    seeds["truncated.zip"] = seeds["project.zip"][:-30]
    seeds["no_central_directory.zip"] = seeds["project.zip"][:120]
    for name, data in seeds.items():
        write("zip_walk", name, data)
    return seeds


def pdf_seeds():
    seeds = {
        "one_page.pdf": pdf_bytes(1),
        "three_pages.pdf": pdf_bytes(3),
        "broken_xref.pdf": pdf_bytes(2, broken_xref=True),
        "truncated.pdf": pdf_bytes(2)[:150],
        "header_only.pdf": b"%PDF-1.7\n",
        "not_a_pdf.pdf": b"GIF89a\1\0\1\0",
    }
    for name, (user, owner) in {"user_password.pdf": ("u", "o"),
                                "owner_password.pdf": ("", "o")}.items():
        sealed = qpdf_encrypt(pdf_bytes(1), user, owner)
        if sealed is not None:
            seeds[name] = sealed
    for name, data in seeds.items():
        write("pdf_pages", name, data)
    return seeds


def main():
    shutil.rmtree(os.path.join(CORPUS, "zip_walk"), ignore_errors=True)
    shutil.rmtree(os.path.join(CORPUS, "pdf_pages"), ignore_errors=True)
    shutil.rmtree(os.path.join(CORPUS, "inspect"), ignore_errors=True)
    zips = zip_seeds()
    pdfs = pdf_seeds()
    # The whole content check: one of each kind the inspector tells apart.
    inspect = {
        "empty": b"",
        "utf8.txt": "Résumé — notes\n\tline two\r\n".encode(),
        "latin1.txt": "R\xe9sum\xe9\n".encode("latin-1"),
        "control.txt": b"text with a \x01 control character\n",
        "png_header.png": b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
        "project.zip": zips["project.zip"],
        "top_directory.zip": zips["top_directory.zip"],
        "docx_like.zip": zips["docx_like.zip"],
        "three_pages.pdf": pdfs["three_pages.pdf"],
        "truncated.pdf": pdfs["truncated.pdf"],
    }
    for name, data in inspect.items():
        write("inspect", name, data)


if __name__ == "__main__":
    main()
