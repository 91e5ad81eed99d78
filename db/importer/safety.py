"""Refuse hostile or mislabelled files before any reader opens them, and say what is wrong.

`check_file` looks only at a file's size, its first bytes and a zip's directory (plus the first
bytes of each entry), so a zip bomb is refused before anything is decompressed and a workbook
with macros or external links before openpyxl parses it. Rule ids: F01 the file is not what its
name says, or is empty, encrypted or corrupt (the spec's F01); F04 an unsafe archive; F05 macros
or external links; F06 a file over the upload limit. Imports db.importer.report only.
"""

from __future__ import annotations

import re
import stat
import zipfile
from pathlib import Path, PurePosixPath

from db.importer.report import Issue, Rejected

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted OOXML and old .xls files
ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"

# A return's workbook holds a few dozen parts; a zip of CSVs five files.
MAX_ENTRIES = 500
# Spreadsheet XML compresses about 10-30 times; a bomb thousands of times. Small parts are
# exempt because a tiny, highly repetitive part can have a big ratio and do no harm.
MAX_RATIO = 100
RATIO_EXEMPT_BYTES = 1 << 20
# All entries together may unpack to at most this many times the upload limit.
MAX_UNPACKED_FACTOR = 10

# A lone text file a format may read on its own (an SSDA903 table, the 903 XML).
TEXT_SUFFIXES = (".csv", ".xml")
MACRO_SUFFIXES = frozenset({".xlsm", ".xltm", ".xlsb", ".xlam"})
ARCHIVE_SUFFIXES = (".zip", ".xlsx", ".xlsm", ".xlsb", ".docx", ".7z", ".rar", ".gz", ".tgz",
                    ".tar", ".bz2", ".xz", ".jar", ".cab")
# Parts that only a macro-enabled workbook has: VBA, Excel 4 macro sheets, ActiveX controls.
MACRO_PARTS = ("vbaproject.bin", "xl/macrosheets/", "xl/activex/")
MACRO_CONTENT_TYPES = (b"macroenabled", b"macrosheet", b"vbaproject")
EXTERNAL_PARTS = ("xl/externallinks/", "xl/connections.xml")

# What a file really is, from its first bytes, for the message when it is not a zip.
SIGNATURES = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"{\\rtf", "an RTF document"),
)
TEXT_CHARS = bytes(range(32, 127)) + b"\t\r\n"


def issue(rule: str, file_name: str, why: str) -> Rejected:
    return Rejected([Issue(rule, "(file)", None, None, file_name, why)])


def check_file(path: Path, max_bytes: int) -> str:
    """What the path holds, "folder", "workbook", "zip", or a lone text file "csv" or "xml" (an
    SSDA903 table or the 903 XML), once it has passed every safety check.

    Raises Rejected (F01, F04, F05, F06) naming the problem and how to fix it."""
    name = path.name
    if not path.exists():
        raise issue("F01", name, f"there is no file or folder at {path}; check the path.")
    if path.is_dir():
        _check_folder(path, max_bytes)
        return "folder"
    size = path.stat().st_size
    if size > max_bytes:
        raise too_large(name, "the file is", size, max_bytes)
    if size == 0:
        raise issue("F01", name, "the file is empty (0 bytes); save or export the return again.")
    with path.open("rb") as f:
        head = f.read(512)
    suffix = path.suffix.lower()
    if head.startswith(OLE_MAGIC):
        raise issue(
            "F01",
            name,
            "this is an encrypted (password-protected) workbook or an old .xls file; remove the "
            "password and save it as an Excel Workbook (.xlsx).",
        )
    if suffix in MACRO_SUFFIXES:
        raise issue(
            "F05",
            name,
            f"{suffix} files can carry macros and are not accepted; save it as an Excel "
            "Workbook (.xlsx) without macros.",
        )
    if suffix in TEXT_SUFFIXES and not head.startswith(ZIP_MAGIC):
        return _check_text(path, name, suffix)
    if not head.startswith(ZIP_MAGIC):
        raise _not_a_zip(name, suffix, head)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise issue("F01", name, f"the file is corrupt ({exc}); save or export it again.") from exc
    with archive:
        entries = archive.infolist()
        _check_archive(archive, entries, name, max_bytes)
        names = {info.filename for info in entries}
        if "[Content_Types].xml" in names or "xl/workbook.xml" in names:
            _check_workbook(archive, names, name)  # before contents: vbaProject.bin is OLE
            kind = "workbook"
        else:
            kind = "zip"
        for info in entries:
            if not info.is_dir():
                _check_entry_content(archive, info, name)
    if kind == "workbook" and suffix != ".xlsx":
        ending = f"ends {suffix}" if suffix else "has no extension"
        raise issue("F01", name, f"this is an Excel workbook, but its name {ending}; rename it "
                    "so its name ends .xlsx.")
    if kind == "zip" and suffix == ".xlsx":
        raise issue("F01", name, "this is a zip of other files, not an .xlsx workbook; save the "
                    "return from Excel as .xlsx, or name a zip of CSV files .zip.")
    return kind


def too_large(name: str, what: str, size: int, max_bytes: int) -> Rejected:
    return issue(
        "F06",
        name,
        f"{what} {size / 2**20:,.1f} MiB, more than the {max_bytes / 2**20:,.1f} MiB a return "
        "may be (UPLOAD_MAX_BYTES), so it is not read; check you chose the right file.",
    )


def _check_text(path: Path, name: str, suffix: str) -> str:
    """A lone .csv or .xml: text (UTF-16 only with its byte-order mark), and XML without a
    DOCTYPE or entities (which can expand into a bomb or reach outside). Its encoding's other
    faults are the reader's to name."""
    data = path.read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data[: len(data) // 2 * 2].decode("utf-16", errors="replace")
    else:
        if b"\0" in data:
            raise issue("F01", name, f"{what_it_is(data[:512])} with NUL bytes, not a text "
                        f"{suffix} file; export it again as text (UTF-8).")
        text = data.decode("utf-8", errors="replace")
    if suffix == ".xml" and re.search(r"<!\s*(doctype|entity)", text, re.IGNORECASE):
        raise issue("F04", name, "the XML declares a DOCTYPE or entities, which the 903 XML never "
                    "has and which can expand into an XML bomb; export the XML again.")
    return suffix[1:]


def lone_text_file(name: str, kind: str) -> Rejected:
    """What to say of a lone CSV or XML file that no format reads."""
    return _not_a_zip(name, "." + kind, b"<?xml" if kind == "xml" else b"")


def _not_a_zip(name: str, suffix: str, head: bytes) -> Rejected:
    if suffix == ".csv":
        return issue(
            "F01",
            name,
            "a single CSV cannot carry a return; put return.csv, children.csv, "
            "adopters.csv, special_guardianship.csv and support.csv in a folder or a .zip.",
        )
    return issue(
        "F01",
        name,
        f"this is not an .xlsx workbook or a .zip of CSV files: it is {what_it_is(head)}; save "
        "the return as .xlsx, or zip its CSV files.",
    )


def what_it_is(head: bytes) -> str:
    """A reader's name for a file's type, from its first bytes."""
    if head.startswith(EMPTY_ZIP_MAGIC):
        return "an empty zip archive"
    for magic, kind in SIGNATURES:
        if head.startswith(magic):
            return kind
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html")):
        return "a web page (HTML), perhaps saved from a browser"
    if text.startswith(b"<?xml"):
        return "an XML file (perhaps 'XML Spreadsheet 2003')"
    if all(byte in TEXT_CHARS for byte in head):
        return "plain text, perhaps a CSV file"
    return "an unknown kind of file (its first bytes are not a zip archive)"


def _check_folder(path: Path, max_bytes: int) -> None:
    total = 0
    for child in path.iterdir():
        if child.is_symlink():
            raise issue(
                "F04",
                path.name,
                f"{child.name} is a symbolic link, which is not followed; copy the real file into "
                "the folder instead.",
            )
        if child.is_file() and child.suffix.lower() == ".csv":
            total += child.stat().st_size
    if total > max_bytes:
        raise too_large(path.name, "the folder's CSV files are", total, max_bytes)


def _check_archive(
    archive: zipfile.ZipFile, entries: list[zipfile.ZipInfo], name: str, max_bytes: int
) -> None:
    """Zip bombs, too many entries, unsafe names, symbolic links, passwords.

    zipfile never unpacks more than an entry's declared size, so checking declared sizes is
    enough to bound what reading the archive later can cost."""
    if len(entries) > MAX_ENTRIES:
        raise issue("F04", name, f"the archive holds {len(entries):,} entries, more than the "
                    f"{MAX_ENTRIES} a return can need; zip only the return's files.")
    unpacked = 0
    for info in entries:
        entry = info.filename
        problem = unsafe_name(entry)
        if problem:
            raise issue("F04", name, f"the entry {entry!r} {problem}; zip the files again from "
                        "one folder, with plain file names.")
        if info.create_system == 3 and stat.S_ISLNK(info.external_attr >> 16):
            raise issue("F04", name, f"the entry {entry!r} is a symbolic link, which is never "
                        "followed; zip the real files instead.")
        if info.flag_bits & 0x1:
            raise issue("F01", name, f"the entry {entry!r} is password-protected; zip the "
                        "files again without a password.")
        unpacked += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_EXEMPT_BYTES and ratio > MAX_RATIO:
            raise issue("F04", name, f"the entry {entry!r} would unpack to {info.file_size:,} "
                        f"bytes from {info.compress_size:,} (a zip bomb); it is not opened. "
                        "Zip the return's own files again.")
    if unpacked > MAX_UNPACKED_FACTOR * max_bytes:
        raise issue("F04", name, f"the archive would unpack to {unpacked:,} bytes, more than "
                    f"{MAX_UNPACKED_FACTOR} times the upload limit (a zip bomb); it is not "
                    "opened. Zip the return's own files again.")


def unsafe_name(entry: str) -> str | None:
    """Why an archive entry's name could write or read outside its folder, or None."""
    if "\\" in entry:
        return "has a backslash in its name (a Windows path that may point outside the folder)"
    if entry.startswith("/"):
        return "has an absolute path"
    if len(entry) >= 2 and entry[1] == ":" and entry[0].isalpha():
        return "starts with a drive letter"
    if ".." in PurePosixPath(entry).parts:
        return "has '..' in its path (it points outside the folder)"
    if "\0" in entry:
        return "has a NUL character in its name"
    return None


def _check_entry_content(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> None:
    """Nested archives (by name or first bytes) and XML with a DOCTYPE (entity bombs)."""
    entry = info.filename
    lower = entry.lower()
    with archive.open(info) as f:
        head = f.read(1024)
    if lower.endswith(ARCHIVE_SUFFIXES) or head.startswith((ZIP_MAGIC, OLE_MAGIC, b"Rar!",
                                                            b"7z\xbc\xaf", b"\x1f\x8b")):
        raise issue("F04", name, f"the entry {entry!r} is itself an archive or an embedded "
                    "document; archives inside archives are not opened. Zip the CSV files "
                    "themselves, or remove embedded objects from the workbook.")
    if lower.endswith((".xml", ".rels", ".vml")) and b"<!doctype" in head.lower():
        raise issue("F04", name, f"the entry {entry!r} declares a DOCTYPE, which Excel never "
                    "writes and which can expand into an XML bomb; save the workbook again "
                    "from Excel.")


def _check_workbook(archive: zipfile.ZipFile, names: set[str], name: str) -> None:
    lowered = [n.lower() for n in names]
    content_types = b""
    if "[Content_Types].xml" in names:
        content_types = archive.read("[Content_Types].xml").lower()
    if any(part in n for n in lowered for part in MACRO_PARTS) or any(
        kind in content_types for kind in MACRO_CONTENT_TYPES
    ):
        raise issue("F05", name, "the workbook contains macros (VBA, Excel 4 macro sheets or "
                    "ActiveX controls), which are never run here; save it as an Excel Workbook "
                    "(.xlsx) without macros.")
    if any(n.startswith(EXTERNAL_PARTS) for n in lowered):
        raise issue("F05", name, "the workbook links to other workbooks or data sources "
                    "(external links), which are never followed; in Excel use Data > Edit Links "
                    "> Break Link, then save it again.")
