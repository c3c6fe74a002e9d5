"""Excel helpers shared by every app's forms and reports.

Safety: a text cell that begins with = + - @ or a tab/CR is written as text, never as a formula
(CSV/formula injection); ``text_safe_cell`` does that in openpyxl's write-only mode.
"""

from __future__ import annotations

import io

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, Side

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
TITLE_FONT = Font(name="宋体", size=16, bold=True)
HEADER_FONT = Font(name="宋体", size=11, bold=True)
BODY_FONT = Font(name="宋体", size=11)
WRAP = Alignment(wrap_text=True, vertical="center")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def is_formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def text_safe_cell(ws, value, *, font=None, alignment=None, border=None, number_format=None) -> WriteOnlyCell:
    """A write-only cell whose text is never interpreted as a formula."""
    cell = WriteOnlyCell(ws, value=value)
    if is_formula_like(value):
        cell.data_type = "s"
    return style_cell(cell, font=font, alignment=alignment, border=border, number_format=number_format)


def style_cell(cell, *, font=None, alignment=None, border=None, number_format=None):
    """Set the given parts of a cell's style (those left None keep their default)."""
    if font is not None:
        cell.font = font
    if alignment is not None:
        cell.alignment = alignment
    if border is not None:
        cell.border = border
    if number_format is not None:
        cell.number_format = number_format
    return cell


def set_text_safe(cell, value) -> None:
    """The same for a normal (not write-only) worksheet cell."""
    cell.value = value
    if is_formula_like(value):
        cell.data_type = "s"


XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def write_table_xlsx(title: str, rows) -> io.BytesIO:
    """A list exported as shown: a header row (bold) and the rows as text-safe cells; returns the buffer."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title[:31] or "导出")
    for i, row in enumerate(rows):
        ws.append([text_safe_cell(ws, "" if value is None else value, font=HEADER_FONT if i == 0 else BODY_FONT)
                   for value in row])
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    return buffer
