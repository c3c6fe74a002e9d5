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


# --- printing: the portal's forms and tables print on A4 --------------------------------------------
A4_PAPER = 9  # OOXML's paper-size code for A4
PRINT_MARGINS = {"left": 0.4, "right": 0.4, "top": 0.6, "bottom": 0.6}  # inches


def print_a4(ws, *, landscape: bool = True) -> None:
    """A4, landscape, one page wide and as many pages tall as it takes, centred, narrow margins.

    The one print setup of every sheet the portal writes to be printed, for both libraries it writes
    with: an xlsxwriter worksheet (the notice's attachments and summaries) or an openpyxl one
    (statistics tables), write-only or not.
    """
    if hasattr(ws, "set_paper"):  # xlsxwriter
        ws.set_landscape() if landscape else ws.set_portrait()
        ws.set_paper(A4_PAPER)
        ws.fit_to_pages(1, 0)
        ws.center_horizontally()
        ws.set_margins(**PRINT_MARGINS)
        return
    from openpyxl.worksheet.properties import PageSetupProperties

    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = A4_PAPER
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_options.horizontalCentered = True
    for side, inches in PRINT_MARGINS.items():
        setattr(ws.page_margins, side, inches)


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


# --- exports of personal data (issue 8 point 11; PIPL 第五十一条, 等保 8.1.4.3 安全审计) ---------------
def export_line(user, when=None) -> str:
    """Who took this file out of the portal, and when: written into every personal-data export."""
    from django.utils import timezone

    when = timezone.localtime(when or timezone.now())
    authority = getattr(getattr(user, "authority", None), "name", "")
    who = f"{user.full_name}（{user.username}）" if getattr(user, "full_name", "") else user.username
    return (f"导出人：{authority}{'　' if authority else ''}{who}　导出时间：{when:%Y-%m-%d %H:%M:%S}　"
            "本表含个人信息，仅限工作使用，不得外传。")


def stamp_workbook(source, *, user, when=None):
    """The workbook ``source`` (a path or file) with the export line as each sheet's last row and as
    its printed footer; returns it as a BytesIO.  For small workbooks (liaison tables): it is
    loaded whole."""
    import io

    from openpyxl import load_workbook

    line = export_line(user, when)
    workbook = load_workbook(source)
    for ws in workbook.worksheets:
        last_column = max(ws.max_column, 1)
        row = ws.max_row + 2  # one blank row after the table or its notes
        cell = ws.cell(row=row, column=1)
        set_text_safe(cell, line)
        cell.alignment = Alignment(horizontal="left", vertical="center", wrap_text=True)
        if last_column > 1:
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last_column)
        ws.row_dimensions[row].height = 30
        for footer in (ws.oddFooter, ws.evenFooter, ws.firstFooter):
            footer.center.text = line.replace("&", "&&")
            footer.center.size = 9
    out = io.BytesIO()
    workbook.save(out)
    workbook.close()
    out.seek(0)
    return out


def personal_data_response(request, source, *, obj=None, filename: str):
    """Hand a personal-data workbook to ``request.user``: stamped with the user and the time
    (``stamp_workbook``) and audited as an export (导出) naming the file."""
    from django.http import FileResponse
    from django.utils import timezone

    from portal.audit import record_change
    from portal.models import AuditAction

    when = timezone.now()
    with source.open("rb") as fh:
        stamped = stamp_workbook(fh, user=request.user, when=when)
    record_change(actor=request.user, action=AuditAction.EXPORT, obj=obj,
                  note=f"导出含个人信息的文件：{filename}（文件内注明导出人和导出时间 "
                       f"{timezone.localtime(when):%Y-%m-%d %H:%M:%S}）")
    return FileResponse(stamped, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)
