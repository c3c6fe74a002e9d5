"""Reading an uploaded attachment 2/3: refuse what is not a plain .xlsx, find the table, check every row.

The file is checked before openpyxl sees it (size, a real zip holding a workbook, no macros, no zip
bomb) and then read in read-only mode (openpyxl parses with defusedxml when it is installed, and it
is).  The header row may be anywhere among the first rows: title rows, "单位：…（公章）", merged
cells and blank rows come before it; blank rows, numbered empty rows and the 备注 lines after it.
"""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass, field

import openpyxl

from aid_projects.sheets import SPECS, header_key, normalise_text
from aid_projects.validation import validate_row

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


def check_container(fileobj, size: int) -> None:
    """Refuse files that are too big, not xlsx, macro-enabled, or zip bombs — before parsing any XML."""
    if size > MAX_UPLOAD_BYTES:
        raise UploadRefused(f"文件大小为 {size / 1024 / 1024:.1f} MB，超过 10 MB 的上限，请拆分后分别上传")
    if size == 0:
        raise UploadRefused("文件是空的")
    fileobj.seek(0)
    if not zipfile.is_zipfile(fileobj):
        raise UploadRefused("文件不是 Excel 2007 及以上版本的 .xlsx 文件"
                            "（旧版 .xls、CSV、WPS 格式请另存为 .xlsx 后上传）")
    fileobj.seek(0)
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
    except zipfile.BadZipFile:
        raise UploadRefused("文件已损坏，无法打开") from None
    fileobj.seek(0)


def _find_header(rows, spec):
    """(row number, {column index: field}) of the header row among the first rows."""
    wanted = {m: col.field for col in spec.columns for m in col.match}
    required = {col.field for col in spec.data_columns if col.required} | {"place_text"}
    for number, cells in enumerate(rows, start=1):
        mapping = {}
        for index, value in enumerate(cells):
            key = header_key(value)
            if key in wanted and wanted[key] not in mapping.values():
                mapping[index] = wanted[key]
        if required <= set(mapping.values()):
            return number, mapping
        if number >= HEADER_SEARCH_ROWS:
            break
    return None, None


def _is_note_line(cells) -> bool:
    texts = [normalise_text(v) for v in cells if normalise_text(v)]
    return bool(texts) and (texts[0].startswith(("备注", "注:", "说明:", "填表人", "填报人", "审核人", "联系人:"))
                            or texts[0].startswith("-备注"))


def parse_workbook(fileobj, *, kind: str, province_code: str) -> list[ParsedRow]:
    """Every data row of the first sheet holding the attachment's table, validated."""
    spec = SPECS[kind]
    try:
        workbook = openpyxl.load_workbook(fileobj, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise UploadRefused(f"文件无法按 Excel 工作簿读取：{exc.__class__.__name__}") from None
    try:
        for sheet in workbook.worksheets:
            rows = sheet.iter_rows(values_only=True)
            header_row, mapping = _find_header(rows, spec)
            if header_row is None:
                continue
            return _parse_rows(rows, header_row, mapping, kind=kind, province_code=province_code)
    finally:
        workbook.close()
    headers = "、".join(c.header for c in spec.columns)
    raise UploadRefused(f"文件中没有找到{spec.attachment}《{spec.title}》的表头（{headers}），请使用本系统提供的模板")


def _parse_rows(rows, header_row, mapping, *, kind, province_code) -> list[ParsedRow]:
    parsed: list[ParsedRow] = []
    for number, cells in enumerate(rows, start=header_row + 1):
        raw = {f: cells[i] if i < len(cells) else None for i, f in mapping.items()}
        data = {f: v for f, v in raw.items() if f and normalise_text(v)}
        if not data:
            if _is_note_line(cells):
                break
            continue  # a blank row, or a numbered row left empty in the template
        if _is_note_line(cells):
            break
        if len(parsed) >= MAX_ROWS:
            raise UploadRefused(f"一次最多上传 {MAX_ROWS} 行，请拆分文件")
        clean, errors, warnings = validate_row(raw, kind=kind, province_code=province_code)
        values = {}
        for key in ("name", "category", "place_text", "summary", "amount", "contact_name", "contact_mobile"):
            if key in clean:
                values[key] = str(clean[key])
            else:
                values[key] = "" if raw.get(key) is None else str(raw.get(key))
        if "place_id" in clean:
            values["place_id"] = clean["place_id"]
            values["place_name"] = clean["place_name"]
        parsed.append(ParsedRow(row=number, values=values, errors=errors, warnings=warnings))
    return parsed
