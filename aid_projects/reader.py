"""Reading an uploaded attachment 2/3: refuse what is not a plain .xlsx, find the table, check every row.

The file is checked before any parser sees it (size, a real zip holding a workbook, no macros, no zip
bomb, no DTD or entity in any XML part) and then read with python-calamine for the saved values;
openpyxl (read-only, through defusedxml) reads formula texts when the sheets hold formulas.  The header
row may be anywhere among the first rows: title rows, "单位：…（公章）", merged cells and blank rows
come before it; blank rows, numbered empty rows and the 备注 lines after it.
"""

from __future__ import annotations

import gc
import hashlib
import re
import zipfile
from dataclasses import dataclass, field

import openpyxl
import python_calamine

from aid_projects.sheets import SPECS, header_key, normalise_text
from portal.gazetteer import place_full_name

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024  # a 10 MB sheet of text expands to well under this
MAX_COMPRESSION_RATIO = 200
MAX_ZIP_ENTRIES = 2000
HEADER_SEARCH_ROWS = 30
MAX_ROWS = 100_000


class UploadRefused(ValueError):
    """The file as a whole cannot be read; the message says why, in Chinese."""


@dataclass
class ParsedRow:
    row: int  # the Excel row number, as the user sees it
    values: dict  # clean values (JSON-able), or the raw text where a rule failed
    errors: dict = field(default_factory=dict)
    warnings: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        return {"row": self.row, "values": self.values, "errors": self.errors, "warnings": self.warnings}


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


# --- which form the file is -------------------------------------------------------------------------
@dataclass
class SheetHead:
    """What comes before the data: the header row found and the title/unit rows above it."""

    header_row: int | None = None
    mapping: dict = field(default_factory=dict)  # column index → field
    header_texts: list = field(default_factory=list)  # normalised header cells
    above: list = field(default_factory=list)  # normalised texts of the rows above the header


def _find_header(rows, spec) -> SheetHead:
    """The header row among the first rows, with the texts above it."""
    wanted = {m: col.field for col in spec.columns for m in col.match}
    required = {col.field for col in spec.data_columns if col.required}
    head = SheetHead()
    for number, cells in enumerate(rows, start=1):
        mapping = {}
        for index, value in enumerate(cells):
            key = header_key(value)
            if key in wanted and wanted[key] not in mapping.values():
                mapping[index] = wanted[key]
        if required <= set(mapping.values()):
            head.header_row, head.mapping = number, mapping
            head.header_texts = [normalise_text(v) for v in cells if normalise_text(v)]
            return head
        head.above.extend(normalise_text(v) for v in cells if normalise_text(v))
        if number >= HEADER_SEARCH_ROWS:
            break
    return head


def _kind_named(head: SheetHead) -> str | None:
    """The attachment the title rows name (附件N, 需求清单…), else the one whose distinctive headers it has."""
    named = set()
    for text in head.above:
        match = re.match(r"^附件([123])", text)
        if match:
            named |= {kind for kind, spec in SPECS.items() if spec.attachment == f"附件{match.group(1)}"}
        for kind, spec in SPECS.items():
            if spec.title in text or (f"项目{spec.short_name}" in text and "汇总表" in text):
                named.add(kind)
    if len(named) == 1:
        return named.pop()
    if named or not head.header_texts:
        return None
    # no title: a header printed only on one form (项目拟实施地（填报到县级）) says which one it is
    texts = set(head.header_texts)
    own = {kind: {normalise_text(h) for h in spec.headers} for kind, spec in SPECS.items()}
    distinctive = {kind: {h for h in own[kind] if not any(h in hs for k, hs in own.items() if k != kind)}
                   for kind in own}
    hits = {kind for kind, hs in distinctive.items() if len(texts & hs) >= 2}
    return hits.pop() if len(hits) == 1 else None


def _unit_named(head: SheetHead) -> str:
    """The unit written on the 单位：…（公章） line, '' when blank."""
    for text in head.above:
        match = re.match(r"^单位[:：]?(.*)$", text)
        if match:
            unit = re.sub(r"\((?:公章|盖章)\)$", "", match.group(1))
            return unit.strip("_（）() ")
    return ""


def check_identity(head: SheetHead, spec, province_code: str) -> None:
    """Refuse a file that is another attachment, or another province's, by its title, headers and unit."""
    from portal.gazetteer import province_index, province_of_text

    own_name = province_index(province_code).province.name
    kind = _kind_named(head)
    if kind is not None and kind != spec.kind:
        other = SPECS[kind]
        raise UploadRefused(f"此文件是{other.attachment}{other.short_name}，"
                            f"本清单为{spec.attachment}{spec.short_name}，请上传{spec.attachment}《{spec.title}》")
    unit = _unit_named(head)
    code = province_of_text(unit) if unit else None
    if code is not None and code != province_code:
        other_name = province_index(code).province.name
        raise UploadRefused(f"此文件的填报单位是“{unit}”（{other_name}），本清单为{own_name}的"
                            f"{spec.attachment}{spec.short_name}，请上传本省（区、市）的清单")


# --- the rows ---------------------------------------------------------------------------------------
UNREADABLE = "文件内容已损坏或不是标准的 Excel 工作簿，无法读取；请用 Excel 或 WPS 打开后另存为 .xlsx 再上传"


NOTE_PREFIXES = ("备注", "注:", "说明:", "填表人", "填报人", "审核人", "联系人:", "-备注")


def _is_note_line(cells) -> bool:
    """A 备注/填表人 line under the table (checked on the first filled cell only, cheaply)."""
    first = next((v for v in cells if v is not None and v != ""), None)
    if not isinstance(first, str) or first.lstrip()[:1] not in "备注说填审联-－":
        return False
    return normalise_text(first).startswith(NOTE_PREFIXES)


def _blank(value) -> bool:
    return value is None or value == "" or (isinstance(value, str) and not value.strip())


def parse_workbook(fileobj, *, kind: str, province_code: str, has_formulas: bool = True) -> list[ParsedRow]:
    """Every data row of the first sheet holding the attachment's table, validated.

    Whatever the parser raises on a damaged file becomes one Chinese sentence: no exception class or
    English text reaches the user.
    """
    try:
        return _parse(fileobj, kind=kind, province_code=province_code, has_formulas=has_formulas)
    except UploadRefused:
        raise
    except Exception:  # openpyxl and the XML parser raise many kinds for a broken file
        raise UploadRefused(UNREADABLE) from None


def _parse(fileobj, *, kind, province_code, has_formulas) -> list[ParsedRow]:
    spec = SPECS[kind]
    first_head = None
    for index, rows in _sheets(fileobj):
        head = _find_header(rows, spec)
        first_head = first_head or head
        if head.header_row is None:
            continue
        check_identity(head, spec, province_code)
        formulas = _formula_texts(fileobj, index, head) if has_formulas else {}
        # the parsed rows hold no reference cycles: Python's cycle collector, which would otherwise walk
        # every row kept so far again and again as they accumulate, is paused while they are made
        # (≈ 5 % of the parse's CPU time at 10,000 rows; issue 11)
        collecting = gc.isenabled()
        gc.disable()
        try:
            return _parse_rows(rows, head, formulas, spec=spec, province_code=province_code)
        finally:
            if collecting:
                gc.enable()
    if first_head is not None:
        check_identity(first_head, spec, province_code)
    headers = "、".join(c.header for c in spec.columns)
    raise UploadRefused(f"文件中没有找到{spec.attachment}《{spec.title}》的表头（{headers}），请使用本系统提供的模板")


def _sheets(fileobj):
    """(sheet index, iterator of rows from A1) of each worksheet, values as last saved (python-calamine).

    calamine (Rust) reads the saved values about seven times faster than openpyxl; the container was
    checked first, so it only ever sees a plain, bounded, DTD-free workbook.  A formula's saved value is
    what it reads; a formula saved without one reads as empty (``_formula_texts`` tells them apart).
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


def _formula_texts(fileobj, sheet_index: int, head: SheetHead) -> dict[tuple[int, int], str]:
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


def _parse_rows(rows, head: SheetHead, formulas, *, spec, province_code) -> list[ParsedRow]:
    parsed: list[ParsedRow] = []
    mapping = head.mapping
    for number, cells in enumerate(rows, start=head.header_row + 1):
        raw = {f: cells[i] if i < len(cells) else None for i, f in mapping.items()}
        formula_errors = {}
        if formulas:
            for index, fld in mapping.items():
                formula = formulas.get((number, index))
                if formula is None or not _blank(raw[fld]):
                    continue  # no formula, or one whose saved value is what the user saw
                column = spec.column(fld)
                if column.required:
                    formula_errors[fld] = f"第{number}行 {column.header} 是公式，请改为文字后重新上传"
                    raw[fld] = formula
                else:
                    raw[fld] = formula  # an optional text: the formula is kept as the text it is
        if all(_blank(v) for f, v in raw.items() if f):
            if _is_note_line(cells):
                break
            continue  # a blank row, or a numbered row left empty in the template
        if _is_note_line(cells):
            break
        if len(parsed) >= MAX_ROWS:
            raise UploadRefused(f"一次最多上传 {MAX_ROWS} 行，请拆分文件")
        clean, errors = spec.clean_row({c.field: raw.get(c.field) for c in spec.data_columns},
                                       province_code=province_code)
        warnings = spec.row_warnings(clean)
        errors.update(formula_errors)
        values = {}
        for column in spec.data_columns:
            key = column.field
            if key in clean and key not in formula_errors:
                values[key] = str(clean[key])
            else:
                values[key] = "" if raw.get(key) is None else str(raw.get(key))
        for column in spec.data_columns:
            if column.resolves and column.resolves in clean and column.field not in formula_errors:
                # the preview is JSON: the object as its id and full name (the commit takes the id)
                resolved = clean[column.resolves]
                values[f"{column.resolves}_id"] = resolved.pk
                values[f"{column.resolves}_name"] = place_full_name(resolved)
        parsed.append(ParsedRow(row=number, values=values, errors=errors, warnings=warnings))
    return parsed
