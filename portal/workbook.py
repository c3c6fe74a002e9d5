"""An uploaded .xlsx, before any domain reads it: the container checks, the sheets' saved values, formula
texts, and the header row found among the first rows.  Shared by every import (aid_projects' attachments
2/3, the register's organizations and credit records); each app keeps its own columns and row rules.

The file is checked before any parser sees it (size, a real zip holding a workbook, no macros, no zip
bomb, no DTD or entity in any XML part) and then read with python-calamine for the saved values;
openpyxl (read-only, through defusedxml) reads formula texts when the sheets hold formulas.
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

import openpyxl
import python_calamine

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024  # a 10 MB sheet of text expands to well under this
MAX_COMPRESSION_RATIO = 200
MAX_ZIP_ENTRIES = 2000
HEADER_SEARCH_ROWS = 30
MAX_ROWS = 100_000


class UploadRefused(ValueError):
    """The file as a whole cannot be read; the message says why, in Chinese."""


UNREADABLE = "文件内容已损坏或不是标准的 Excel 工作簿，无法读取；请用 Excel 或 WPS 打开后另存为 .xlsx 再上传"


def sha256_of(fileobj) -> str:
    digest = hashlib.sha256()
    fileobj.seek(0)
    for chunk in iter(lambda: fileobj.read(1024 * 1024), b""):
        digest.update(chunk)
    fileobj.seek(0)
    return digest.hexdigest()




# --- the container, before any XML parser sees it ---------------------------------------------------
XML_SUFFIXES = (".xml", ".rels", ".vml")
PROLOG_LIMIT = 1024 * 1024  # a real part's prolog is one line; more is padding to hide a DTD
_FORMULA_ELEMENT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")


def check_container(fileobj, size: int) -> bool:
    """Refuse files that are too big, not xlsx, macro-enabled, zip bombs or carry XML attacks — before parsing.

    Returns whether a worksheet holds formulas (the reader then also reads their text, see ``_formula_texts``).
    """
    if size > MAX_UPLOAD_BYTES:
        raise UploadRefused(f"文件大小为 {size / 1024 / 1024:.1f} MB，超过 10 MB 的上限，请拆分后分别上传")
    if size == 0:
        raise UploadRefused("文件是空的")
    fileobj.seek(0)
    if not zipfile.is_zipfile(fileobj):
        raise UploadRefused("文件不是 Excel 2007 及以上版本的 .xlsx 文件"
                            "（旧版 .xls、CSV、WPS 格式请另存为 .xlsx 后上传）")
    fileobj.seek(0)
    has_formulas = False
    try:
        with zipfile.ZipFile(fileobj) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            if len(infos) > MAX_ZIP_ENTRIES:
                raise UploadRefused("文件内部结构异常（条目过多），已拒绝")
            if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
                raise UploadRefused("文件不是有效的 .xlsx 工作簿")
            content_types = archive.read("[Content_Types].xml")
            if any(n.lower().endswith("vbaproject.bin") for n in names) or b"macroEnabled" in content_types:
                raise UploadRefused("文件含有宏（VBA），出于安全原因不予接收，请另存为不含宏的 .xlsx 文件")
            total = sum(info.file_size for info in infos)
            if total > MAX_UNCOMPRESSED_BYTES:
                raise UploadRefused("文件解压后体积异常巨大，疑似压缩炸弹，已拒绝")
            for info in infos:
                if info.compress_size and info.file_size / info.compress_size > MAX_COMPRESSION_RATIO \
                        and info.file_size > 10 * 1024 * 1024:
                    raise UploadRefused("文件压缩比异常，疑似压缩炸弹，已拒绝")
            for info in infos:
                lower = info.filename.lower()
                if not lower.endswith(XML_SUFFIXES):
                    continue
                with archive.open(info) as part:
                    start = _check_prolog(part)
                    if lower.startswith("xl/worksheets/") and not has_formulas:
                        has_formulas = _holds_formula(start, part)
    except zipfile.BadZipFile:
        raise UploadRefused("文件已损坏，无法打开") from None
    except (zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError, OSError):
        # encrypted entries, unknown compression methods, truncated data
        raise UploadRefused("文件已损坏或被加密，无法打开；请取消密码保护后另存为 .xlsx 再上传") from None
    fileobj.seek(0)
    return has_formulas


def _check_prolog(part) -> bytes:
    """Every XML part must start (after its declaration and comments) with its root element.

    Excel, WPS and LibreOffice never write a DTD: a <!DOCTYPE …> or <!ENTITY …> is an entity attack
    (XXE, billion laughs).  A part not in UTF-8 (UTF-16 would hide the declaration from a byte scan)
    is refused too, since no spreadsheet program writes one.  Returns what was read.
    """
    buf = b""
    while True:
        chunk = part.read(65536)
        buf += chunk
        verdict = _prolog_verdict(buf, eof=not chunk)
        if verdict == "":
            return buf
        if verdict is not None:
            raise UploadRefused(verdict)
        if len(buf) > PROLOG_LIMIT:
            raise UploadRefused("文件内部的 XML 开头异常冗长，疑似恶意构造的文件，已拒绝")


def _prolog_verdict(buf: bytes, *, eof: bool) -> str | None:
    """'' when the root element is reached safely, a refusal, or None to read more."""
    pos = 3 if buf.startswith(b"\xef\xbb\xbf") else 0
    size = len(buf)
    while True:
        while pos < size and buf[pos] in b" \t\r\n":
            pos += 1
        if size - pos < 4 and not eof:
            return None
        if pos >= size:
            return ""  # an empty part: nothing to parse
        for opening, closing in ((b"<?", b"?>"), (b"<!--", b"-->")):
            if buf.startswith(opening, pos):
                end = buf.find(closing, pos + len(opening))
                if end < 0:
                    return "文件内部的 XML 结构不完整，文件已损坏" if eof else None
                pos = end + len(closing)
                break
        else:
            if buf.startswith(b"<!", pos):
                return ("文件内部含有 XML 实体或文档类型声明（DTD），正常的 Excel 文件不会有，"
                        "疑似恶意构造的文件，已拒绝")
            following = buf[pos + 1:pos + 2]
            if buf.startswith(b"<", pos) and (following.isalpha() or following == b"_"):
                return ""
            return "文件内部的 XML 编码异常（不是 UTF-8），无法安全读取；请用 Excel 或 WPS 打开后另存为 .xlsx 再上传"


def _holds_formula(start: bytes, part) -> bool:
    if _FORMULA_ELEMENT.search(start):
        return True
    tail = start[-64:]
    for chunk in iter(lambda: part.read(1024 * 1024), b""):
        if _FORMULA_ELEMENT.search(tail + chunk):
            return True
        tail = chunk[-64:]
    return False


# --- where the table starts -------------------------------------------------------------------------
@dataclass
class SheetHead:
    """What comes before the data: the header row found and the title/unit rows above it."""

    header_row: int | None = None
    mapping: dict = field(default_factory=dict)  # column index → field
    header_texts: list = field(default_factory=list)  # normalised header cells
    above: list = field(default_factory=list)  # normalised texts of the rows above the header


def find_header(rows, *, wanted: dict[str, str], required: set[str], key: Callable[[object], str],
                text: Callable[[object], str]) -> SheetHead:
    """The header row among the first ``HEADER_SEARCH_ROWS`` rows: the first row whose cells, reduced by
    ``key``, name every ``required`` field (``wanted``: reduced header text → field), with the texts of the
    rows above it (title, 单位) and its own cells, each reduced by ``text``."""
    head = SheetHead()
    for number, cells in enumerate(rows, start=1):
        mapping = {}
        for index, value in enumerate(cells):
            reduced = key(value)
            if reduced in wanted and wanted[reduced] not in mapping.values():
                mapping[index] = wanted[reduced]
        if required <= set(mapping.values()):
            head.header_row, head.mapping = number, mapping
            head.header_texts = [t for t in (text(v) for v in cells) if t]
            return head
        head.above.extend(t for t in (text(v) for v in cells) if t)
        if number >= HEADER_SEARCH_ROWS:
            break
    return head


# --- the sheets ---------------------------------------------------------------------------------------
def sheets(fileobj):
    """(sheet index, iterator of rows from A1) of each worksheet, values as last saved (python-calamine).

    calamine (Rust) reads the saved values about seven times faster than openpyxl; the container was
    checked first, so it only ever sees a plain, bounded, DTD-free workbook.  A formula's saved value is
    what it reads; a formula saved without one reads as empty (``formula_texts`` tells them apart).
    """
    fileobj.seek(0)
    workbook = python_calamine.CalamineWorkbook.from_filelike(fileobj)
    try:
        for index, meta in enumerate(workbook.sheets_metadata):
            if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
                continue
            sheet = workbook.get_sheet_by_index(index)
            if sheet.start in (None, (0, 0)):
                yield index, sheet.iter_rows()
            else:  # the used range starts below or right of A1: pad it so row and column numbers are Excel's
                yield index, iter(sheet.to_python(skip_empty_area=False))
    finally:
        workbook.close()


def formula_texts(fileobj, sheet_index: int, head: SheetHead) -> dict[tuple[int, int], str]:
    """{(Excel row, column index): formula} of the table's formula cells (read with formulas, not values).

    Only for a file whose sheets hold formulas (``check_container`` says so): openpyxl reads the formula
    text, which calamine does not give.
    """
    fileobj.seek(0)
    workbook = openpyxl.load_workbook(fileobj, read_only=True, data_only=False)
    texts = {}
    try:
        sheet = workbook.worksheets[sheet_index]
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number <= head.header_row:
                continue
            for index in head.mapping:
                value = cells[index] if index < len(cells) else None
                formula = getattr(value, "text", value)  # ArrayFormula keeps its text in .text
                if isinstance(formula, str) and formula.startswith("="):
                    texts[(number, index)] = formula
    finally:
        workbook.close()
    return texts

