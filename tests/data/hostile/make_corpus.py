"""Write the hostile-file corpus: small files the importer must refuse, each named for its trap.

Run from the project root, `.venv/bin/python -m tests.data.hostile.make_corpus`, after changing
the table below; the files are committed, and tests/db/test_hostile_files.py says what each one must
be refused for. Zip entries carry a fixed date so that a file's bytes change only when its recipe
does (workbooks written by openpyxl still carry the time they were made). The two `loads_*` files
are not hostile: they are encodings the importer decodes. Imports tests.builders.
"""

from __future__ import annotations

import gzip
import io
import re
import stat
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl

from tests.builders import valid_return

HERE = Path(__file__).resolve().parent
DATE = (2024, 1, 1, 0, 0, 0)
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
BOMB_BYTES = 20 * 2**20  # unpacks to 20 MiB, packs to about 20 KB
Parts = list[tuple[str, bytes]]


def pack(parts: Parts, tweak: Callable[[zipfile.ZipInfo], None] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts:
            info = zipfile.ZipInfo(name, DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            if tweak is not None:
                tweak(info)
            archive.writestr(info, data)
    return out.getvalue()


def workbook_bytes(edit: Callable[[openpyxl.Workbook], None] | None = None) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        path = valid_return().write_xlsx(Path(folder) / "return.xlsx")
        if edit is not None:
            workbook = openpyxl.load_workbook(path)
            edit(workbook)
            workbook.save(path)
        return path.read_bytes()


def workbook_parts() -> Parts:
    with zipfile.ZipFile(io.BytesIO(workbook_bytes())) as archive:
        return [(info.filename, archive.read(info)) for info in archive.infolist()]


def csv_parts(**replace: bytes) -> Parts:
    """The valid return's CSV files, with some files' bytes replaced (by table name)."""
    files = valid_return().csv_files()
    return [(name, replace.get(name[: -len(".csv")], data)) for name, data in files.items()]


def csv_zip(**replace: bytes) -> bytes:
    return pack(csv_parts(**replace))


def renamed(parts: Parts, old: str, new: str) -> Parts:
    return [(new if name == old else name, data) for name, data in parts]


def edited(parts: Parts, name: str, edit: Callable[[bytes], bytes]) -> Parts:
    return [(n, edit(data) if n == name else data) for n, data in parts]


def children_csv(encoding: str, bom: bytes = b"", child_id: str = "C001") -> bytes:
    text = valid_return().set("children", 2, "child_id", child_id).csv_files()["children.csv"]
    return bom + text.decode("utf-8").encode(encoding)


def symlink(info: zipfile.ZipInfo) -> None:
    if info.filename == "children.csv":
        info.create_system = 3  # Unix, where the mode bits live in external_attr
        info.external_attr = (stat.S_IFLNK | 0o777) << 16


def password_flagged(archive: bytes) -> bytes:
    """The archive with every entry marked encrypted (zipfile cannot write encrypted entries)."""
    data = bytearray(archive)
    for signature, flag_offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = data.find(signature)
        while start != -1:
            data[start + flag_offset] |= 0x1
            start = data.find(signature, start + 4)
    return bytes(data)


def formula_without_value(workbook: openpyxl.Workbook) -> None:
    workbook["support"]["B2"] = "=1+1"  # openpyxl stores no value with a formula


def million_rows(sheet: bytes) -> bytes:
    return re.sub(rb'<dimension ref="[A-Z0-9:]+"\s*/>', b'<dimension ref="A1:P1048576"/>', sheet)


def row_beyond_excel(sheet: bytes) -> bytes:
    sheet = re.sub(rb'<dimension ref="[A-Z0-9:]+"\s*/>', b"", sheet)
    return sheet.replace(b"</sheetData>", b'<row r="2000000"><c r="A2000000" t="inlineStr">'
                         b"<is><t>C999</t></is></c></row></sheetData>")


BILLION_LAUGHS = (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
                  + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1
                                                            else b"&lol;") * 10)
                             for i in range(1, 10))
                  + b']>\n<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
                  b'2006/main"><numFmts count="1"><numFmt numFmtId="164" formatCode="&lol9;"/>'
                  b"</numFmts></styleSheet>")
MACRO_MAIN = b"application/vnd.ms-excel.sheet.macroEnabled.main+xml"
EXTERNAL_LINK = (b'<?xml version="1.0" encoding="UTF-8"?>\n<externalLink xmlns="http://schemas.'
                 b'openxmlformats.org/spreadsheetml/2006/main"><externalBook r:id="rId1" xmlns:r='
                 b'"http://schemas.openxmlformats.org/officeDocument/2006/relationships"/>'
                 b"</externalLink>")
PDF = (b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n"
       b"%%EOF\n")
HTML = (b"<!DOCTYPE html>\n<html><body><table><tr><td>agency_code</td><td>quarter</td></tr>"
        b"</table></body></html>\n")
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 40
XML_2003 = (b'<?xml version="1.0"?>\n<Workbook xmlns="urn:schemas-microsoft-com:office:'
            b'spreadsheet"><Worksheet ss:Name="return"/></Workbook>\n')
SHEET_CHILDREN = "xl/worksheets/sheet2.xml"  # openpyxl writes the sheets in the format's order


def corpus() -> dict[str, Callable[[], bytes]]:
    """File name -> its bytes. tests/db/test_hostile_files.py holds what each is refused for."""
    return {
        # not what the name says, empty, encrypted or corrupt (F01)
        "empty.xlsx": lambda: b"",
        "renamed_pdf.xlsx": lambda: PDF,
        "renamed_html.xlsx": lambda: HTML,
        "renamed_csv.xlsx": lambda: valid_return().csv_files()["return.csv"],
        "renamed_png.zip": lambda: PNG,
        "renamed_gzip.zip": lambda: gzip.compress(csv_parts()[1][1], mtime=0),
        "xml_spreadsheet_2003.xlsx": lambda: XML_2003,
        "empty_archive.zip": lambda: pack([]),
        "truncated.xlsx": lambda: workbook_bytes()[:4000],
        "truncated.zip": lambda: csv_zip()[:600],
        "encrypted.xlsx": lambda: OLE_MAGIC + b"\x00" * 1016,
        "old_format.xls": lambda: OLE_MAGIC + b"\x00" * 1016,
        "csv_zip_renamed.xlsx": csv_zip,
        "workbook_renamed.zip": workbook_bytes,
        "password_protected.zip": lambda: password_flagged(csv_zip()),
        # unsafe archives (F04)
        "zip_bomb.zip": lambda: csv_zip(children=b"0" * BOMB_BYTES),
        "zip_bomb.xlsx": lambda: pack(edited(workbook_parts(), SHEET_CHILDREN,
                                             lambda b: b + b" " * BOMB_BYTES)),
        "too_many_entries.zip": lambda: pack(csv_parts() + [(f"x/{i:03d}", b"")
                                                            for i in range(500)]),
        "nested_zip.zip": lambda: pack(csv_parts() + [("more/inner.zip", csv_zip())]),
        "csv_that_is_a_zip.zip": lambda: csv_zip(children=csv_zip()),
        "embedded_workbook.xlsx": lambda: pack(workbook_parts() + [
            ("xl/embeddings/Microsoft_Excel_Worksheet.xlsx", workbook_bytes())]),
        "path_traversal.zip": lambda: pack(renamed(csv_parts(), "children.csv",
                                                   "../../children.csv")),
        "absolute_path.zip": lambda: pack(renamed(csv_parts(), "children.csv",
                                                  "/tmp/children.csv")),
        "backslash_path.zip": lambda: pack(renamed(csv_parts(), "children.csv",
                                                   "..\\..\\children.csv")),
        "drive_letter.zip": lambda: pack(renamed(csv_parts(), "children.csv",
                                                 "C:/children.csv")),
        "symlink.zip": lambda: pack(edited(csv_parts(), "children.csv",
                                           lambda _: b"/etc/passwd"), symlink),
        "xml_bomb.xlsx": lambda: pack(edited(workbook_parts(), "xl/styles.xml",
                                             lambda _: BILLION_LAUGHS)),
        # macros and external links (F05)
        "macro.xlsm": workbook_bytes,
        "macro_binary.xlsb": workbook_bytes,
        "vba_project.xlsx": lambda: pack(workbook_parts() + [
            ("xl/vbaProject.bin", OLE_MAGIC + b"\x00" * 504)]),
        "macro_content_type.xlsx": lambda: pack(edited(
            workbook_parts(), "[Content_Types].xml",
            lambda b: b.replace(b"application/vnd.openxmlformats-officedocument.spreadsheetml."
                                b"sheet.main+xml", MACRO_MAIN))),
        "excel4_macro_sheet.xlsx": lambda: pack(workbook_parts() + [
            ("xl/macrosheets/sheet1.xml", b"<xm:macrosheet/>")]),
        "external_link.xlsx": lambda: pack(workbook_parts() + [
            ("xl/externalLinks/externalLink1.xml", EXTERNAL_LINK)]),
        "data_connection.xlsx": lambda: pack(workbook_parts() + [
            ("xl/connections.xml", b"<connections/>")]),
        # cells and sheets (V02, F01)
        "formula_no_value.xlsx": lambda: workbook_bytes(formula_without_value),
        "declares_a_million_rows.xlsx": lambda: pack(edited(workbook_parts(), SHEET_CHILDREN,
                                                            million_rows)),
        "row_beyond_excel.xlsx": lambda: pack(edited(workbook_parts(), SHEET_CHILDREN,
                                                     row_beyond_excel)),
        # CSV text (F01)
        "utf16_no_bom.zip": lambda: csv_zip(children=children_csv("utf-16-le")),
        "utf16_damaged.zip": lambda: csv_zip(children=children_csv("utf-16-le", b"\xff\xfe")
                                             + b"\x00"),
        "latin1.zip": lambda: csv_zip(children=children_csv("latin-1", child_id="Zoë1")),
        "nul_bytes.zip": lambda: csv_zip(children=children_csv("utf-8", child_id="C0\x0001")),
        # decoded, so these load
        "loads_utf8_bom.zip": lambda: csv_zip(children=children_csv("utf-8", b"\xef\xbb\xbf")),
        "loads_utf16_bom.zip": lambda: csv_zip(children=children_csv("utf-16-le", b"\xff\xfe")),
    }


def main() -> None:
    for name, make in corpus().items():
        (HERE / name).write_bytes(make())
    print(f"wrote {len(corpus())} files to {HERE.name}/")


if __name__ == "__main__":
    main()
