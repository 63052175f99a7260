"""What an uploaded .xlsx may unpack to, checked before openpyxl opens it.

openpyxl reads the shared strings into one list and the workbook's small parts whole when it
opens a file, and pads each row to the sheet's declared width: a 662 KB upload declaring
16 M shared strings peaked at 1.56 GB, 290 MB of whitespace fit in a 297 KB upload, and a
declared range of A1:XFD1048576 pads every row to 16,384 cells. So, from the zip's directory
(no decompression): the entries, the total, each part's size and compression ratio; then,
streamed with defusedxml (no DTD, so no entity expansion) and never past the size the
directory declares (zipfile stops there): the shared strings counted, and the first sheet's
declared range. Every refusal names its limit; a file that cannot be parsed gets one
message for people, never the parser's text.
"""
from __future__ import annotations

import posixpath
import zipfile
import zlib
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser
from flask_babel import lazy_gettext as _l
from openpyxl.utils.cell import range_boundaries

from ..vocab import N_
from .errors import DomainError

MB = 1024 * 1024
MAX_UPLOAD_BYTES = 20 * MB
MAX_ZIP_ENTRIES = 2000
MAX_UNCOMPRESSED_BYTES = 300 * MB      # all parts together
MAX_STREAMED_PART_BYTES = 160 * MB     # a sheet or the shared strings (read as a stream): 200,000 rows fit
MAX_WHOLE_PART_BYTES = 20 * MB         # any other part (openpyxl parses styles, workbook ... whole)
MAX_RATIO = 100                        # uncompressed / compressed of a part; Excel's parts: 5-30
RATIO_FROM_BYTES = 1 * MB              # small parts compress as they like
MAX_SHARED_STRINGS = 2_000_000         # distinct texts; ~100 bytes each in openpyxl's list
MAX_SHEET_ROWS = 200_100               # the ledger's 200,000 rows (ledger_excel.MAX_ROWS) and headers
MAX_COLUMNS = 256                      # the deck has 23; a flat sheet a few more

UNREADABLE = N_("文件内容无法读取（文件已损坏，或不是 Excel 保存的工作簿），已拒绝。请在 Excel 中打开并另存为“Excel 工作簿 (.xlsx)”后重新上传。")
NOT_XLSX = N_("这不是 .xlsx 文件（请在 Excel 中另存为“Excel 工作簿 (.xlsx)”）。")
# What openpyxl's parsers (and zipfile under them) raise on a damaged or hostile file.
PARSE_ERRORS = (ParseError, DefusedXmlException, zipfile.BadZipFile, zlib.error, EOFError, KeyError, ValueError,
                TypeError, IndexError, AttributeError)

WORKBOOK_TYPES = {f"application/vnd.{t}" for t in (
    "openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "ms-excel.sheet.macroEnabled.main+xml",
    "openxmlformats-officedocument.spreadsheetml.template.main+xml",
    "ms-excel.template.macroEnabled.main+xml")}
SHARED_STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


class UploadRejected(DomainError):
    """A file refused as a whole. Carries its message as a msgid and values, so a job can
    record it and its page show it in the reader's language."""

    def __init__(self, message: str, **params):
        super().__init__(message)
        self.message, self.params = message, params

    def __str__(self) -> str:
        return str(_l(self.message, **self.params))


def check_upload(path: str, size: int) -> None:
    """Everything above, before any parsing by openpyxl: raises UploadRejected."""
    if size > MAX_UPLOAD_BYTES:
        raise UploadRejected(N_("文件超过 %(n)s MB。"), n=MAX_UPLOAD_BYTES // MB)
    if not zipfile.is_zipfile(path):
        raise UploadRejected(NOT_XLSX)
    try:
        with zipfile.ZipFile(path) as z:
            _check_directory(z)
            _check_parts(z)
    except UploadRejected:
        raise
    except PARSE_ERRORS as exc:
        raise UploadRejected(UNREADABLE) from exc


def _streamed(name: str) -> bool:
    return name.startswith("xl/worksheets/") or name == "xl/sharedStrings.xml"


def _check_directory(z: zipfile.ZipFile) -> None:
    entries = z.infolist()
    names = {e.filename for e in entries}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise UploadRejected(NOT_XLSX)
    if len(entries) > MAX_ZIP_ENTRIES:
        raise UploadRejected(N_("文件结构异常（包含的文件超过 %(n)s 个），已拒绝。"), n=MAX_ZIP_ENTRIES)
    if sum(e.file_size for e in entries) > MAX_UNCOMPRESSED_BYTES:
        raise UploadRejected(N_("文件解压后过大（超过 %(n)s MB），已拒绝。"), n=MAX_UNCOMPRESSED_BYTES // MB)
    for e in entries:
        limit = MAX_STREAMED_PART_BYTES if _streamed(e.filename) else MAX_WHOLE_PART_BYTES
        if e.file_size > limit:
            raise UploadRejected(N_("文件中的 %(part)s 解压后过大（超过 %(n)s MB），已拒绝。"),
                                 part=e.filename[:80], n=limit // MB)
        if e.file_size > RATIO_FROM_BYTES and e.file_size > MAX_RATIO * max(e.compress_size, 1):
            raise UploadRejected(N_("文件中的 %(part)s 压缩比异常（超过 %(n)s 倍，多为大量空白或重复内容），已拒绝。"),
                                 part=e.filename[:80], n=MAX_RATIO)


class _Enough(Exception):
    """Raised from a parser callback: the part has told what was needed."""


class _Target:
    def __init__(self, on_start):
        self.on_start = on_start

    def start(self, tag, attrib):
        if self.on_start(tag.rpartition("}")[2], attrib):
            raise _Enough

    def close(self):
        return None


def _stream(z: zipfile.ZipFile, name: str, on_start) -> None:
    """Parse one part in chunks with defusedxml (a DTD, hence any entity, is refused), calling
    on_start(local name, attributes) per element until it returns True. Nothing is kept."""
    parser = DefusedXMLParser(target=_Target(on_start), forbid_dtd=True)
    try:
        with z.open(name) as f:
            while chunk := f.read(1 << 16):
                parser.feed(chunk)
        parser.close()
    except _Enough:
        pass


def _check_parts(z: zipfile.ZipFile) -> None:
    names = set(z.namelist())
    overrides = {}

    def content_type(tag, attrib):
        if tag == "Override":
            overrides[attrib.get("PartName", "").lstrip("/")] = attrib.get("ContentType", "")

    _stream(z, "[Content_Types].xml", content_type)
    # the parts as openpyxl finds them: by their declared content type
    workbook = next((p for p, t in overrides.items() if t in WORKBOOK_TYPES), "xl/workbook.xml")
    strings = next((p for p, t in overrides.items() if t == SHARED_STRINGS_TYPE), None)
    if strings in names:
        _check_shared_strings(z, strings)
    sheet = _first_sheet(z, workbook, names)
    if sheet is not None:
        _check_dimension(z, sheet)


def _check_shared_strings(z: zipfile.ZipFile, name: str) -> None:
    count = 0

    def counting(tag, attrib):
        nonlocal count
        if tag == "sst" and int(attrib.get("uniqueCount") or 0) > MAX_SHARED_STRINGS:
            count = int(attrib["uniqueCount"])
            return True  # declared: refused without reading on
        if tag == "si":
            count += 1
            return count > MAX_SHARED_STRINGS
        return False

    _stream(z, name, counting)
    if count > MAX_SHARED_STRINGS:
        raise UploadRejected(N_("文件中不同的文字超过 %(n)s 条（共享字符串），已拒绝。请分批导入。"),
                             n=MAX_SHARED_STRINGS)


def _first_sheet(z: zipfile.ZipFile, workbook: str, names: set) -> str | None:
    """The part of the workbook's first worksheet (the one read_ledger reads), as openpyxl resolves it."""
    folder, base = posixpath.split(workbook)
    rels_path = posixpath.join(folder, "_rels", f"{base}.rels")
    targets = {}

    def relationship(tag, attrib):
        if tag == "Relationship" and attrib.get("TargetMode") != "External" and "worksheet" in attrib.get("Type", ""):
            target = attrib.get("Target", "")
            targets[attrib.get("Id")] = target[1:] if target.startswith("/") else \
                posixpath.normpath(posixpath.join(folder, target))

    sheets = []

    def sheet(tag, attrib):
        if tag == "sheet":
            sheets.append(attrib.get(REL_ID))

    if rels_path in names:
        _stream(z, rels_path, relationship)
    if workbook in names:
        _stream(z, workbook, sheet)
    return next((targets[r] for r in sheets if targets.get(r) in names), None)


def _check_dimension(z: zipfile.ZipFile, name: str) -> None:
    declared = []

    def dimension(tag, attrib):
        if tag == "dimension":
            declared.append(attrib.get("ref", ""))
        return tag in ("dimension", "sheetData")  # the range comes before the data, if at all

    _stream(z, name, dimension)
    if declared:
        _, _, max_col, max_row = range_boundaries(declared[0].upper())
        _check_size(max_row or 0, max_col or 0, declared[0])


def _check_size(rows: int, columns: int, ref: str) -> None:
    if rows > MAX_SHEET_ROWS or columns > MAX_COLUMNS:
        raise UploadRejected(N_("工作表的范围 %(ref)s 超过 %(rows)s 行或 %(cols)s 列的上限，已拒绝。"
                                "请删除表格下方和右侧多余的行列后另存，或分批导入。"),
                             ref=ref[:40], rows=MAX_SHEET_ROWS, cols=MAX_COLUMNS)
