"""Writing the notice's attachments (附件1–3) and the national summaries as .xlsx.

Every sheet is written in openpyxl's write-only mode, so a national workbook of 100,000 rows streams
from the database cursor to the file without holding the rows.  Write-only mode still takes column
widths, row heights, frozen panes, print setup and print titles (all before the first row), merged
cells and data validations (any time before saving: they are written after the rows).

Headers, widths, wrapping and notes come from ``aid_projects.sheets`` (STYLE.md point 8), so a file
written here is one ``aid_projects.reader`` reads back.  Text that looks like a formula is written
as text (``portal.excel.is_formula_like``), never as a formula.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from aid_projects.choices import ListKind
from aid_projects.sheets import CATEGORIES, SPECS, FormSpec
from portal.excel import (
    BODY_FONT,
    BORDER,
    CENTER,
    FORMULA_PREFIXES,
    HEADER_FONT,
    TITLE_FONT,
    WRAP,
    is_formula_like,
    style_cell,
)

# Row layout of an attachment sheet: 附件N / title / filers line / 单位 line / header / data …
ATTACHMENT_ROW = 1
TITLE_ROW = 2
FILERS_ROW = 3
UNIT_ROW = 4
HEADER_ROW = 5
FIRST_DATA_ROW = HEADER_ROW + 1
BLANK_TEMPLATE_ROWS = 20
AMOUNT_FORMAT = "0.00"
NOTES_LABEL = "备注："
PROGRESS_EVERY = 500  # rows between progress callbacks

LABEL_FONT = Font(name="黑体", size=12)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center")

Progress = Callable[[int], None] | None


class Styles:
    """Cell styles registered once per workbook; data cells share them instead of re-hashing fonts per cell."""

    def __init__(self, wb: Workbook):
        self.wb = wb
        self._cache: dict[tuple, object] = {}
        # a detached sheet to hang the template cells on: styles belong to the workbook, not a sheet
        self._scratch = wb.create_sheet("_styles")
        wb.remove(self._scratch)

    def get(self, *, font=BODY_FONT, alignment=None, border=None, number_format=None):
        key = (id(font), id(alignment), id(border), number_format)
        style = self._cache.get(key)
        if style is None:
            cell = style_cell(Cell(self._scratch, row=1, column=1), font=font, alignment=alignment, border=border,
                              number_format=number_format)
            style = self._cache[key] = cell._style
        return style

    def quoted(self, style):
        """The same style with Excel's quote prefix (the cell stays text when edited in Excel)."""
        key = ("quoted", tuple(style))
        quoted = self._cache.get(key)
        if quoted is None:
            quoted = self._cache[key] = StyleArray(style)
            quoted.quotePrefix = 1
        return quoted


class RowCell(Cell):
    """A write-only cell with its style id resolved once, so it can be reused row after row.

    openpyxl looks the style up per cell when writing (``Cell.style_id`` hashes the style array);
    a data column's cells all share one style, so the id is computed when the column is set up.
    """

    __slots__ = ("has_style", "style_id")

    def set_style(self, style) -> None:
        self._style = style
        self.style_id = self.parent.parent._cell_styles.add(style)
        self.has_style = any(style)

    def set(self, value) -> None:
        """Bind a value the way openpyxl would, text always as text (``t="inlineStr"``), never a formula."""
        if value is None:
            self._value, self.data_type = None, "n"
        elif isinstance(value, str):
            self._value, self.data_type = clean_text(value), "s"
        elif isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
            self._value, self.data_type = value, "n"
        else:
            self.value = value  # dates and the rest: openpyxl's own binding


def clean_text(value: str) -> str:
    """Text as Excel takes it: no control characters, at most 32,767 characters."""
    if ILLEGAL_CHARACTERS_RE.search(value):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return value[:32767]


def make_cell(ws, value, style, styles: Styles | None = None) -> RowCell:
    """A write-only cell with a shared style; formula-like text stays text (with Excel's quote prefix)."""
    cell = RowCell(ws, row=1, column=1)
    if styles is not None and is_formula_like(value):
        style = styles.quoted(style)
    cell.set_style(style)
    cell.set(value)
    return cell


def _prepared_rows(values, row_idx):
    """Replaces ``WriteOnlyWorksheet._values_to_row`` on our sheets: rows are lists of ready cells."""
    for col_idx, cell in enumerate(values, start=1):
        if cell is None:
            continue
        cell.column = col_idx
        cell.row = row_idx
        yield cell


def new_sheet(wb: Workbook, title: str):
    ws = wb.create_sheet(title)
    ws._values_to_row = _prepared_rows  # every row we append is a list of RowCells
    return ws


class ColumnCells:
    """The two reusable cells of one data column: plain, and quote-prefixed for formula-like text."""

    __slots__ = ("plain", "quoted")

    def __init__(self, ws, style, styles: Styles):
        self.plain = make_cell(ws, None, style)
        self.quoted = make_cell(ws, None, styles.quoted(style))

    def cell(self, value) -> RowCell:
        cell = self.quoted if isinstance(value, str) and value.startswith(FORMULA_PREFIXES) else self.plain
        cell.set(value)
        return cell


def _line_height(text: str, width_chars: float, base: float = 15.0) -> float:
    """Row height for wrapped text: CJK characters take two width units."""
    units = sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
    lines = max(1, math.ceil(units / max(width_chars, 1)))
    return base * lines + 3


class SheetWriter:
    """One sheet in the attachment's form, written row by row into a write-only workbook."""

    def __init__(self, wb: Workbook, styles: Styles, spec: FormSpec, *, unit: str = "", sheet_title: str = "",
                 title: str = "", validation: bool = False):
        self.spec = spec
        self.styles = styles
        self.ws = ws = new_sheet(wb, sheet_title or spec.attachment)
        self.ncols = len(spec.columns)
        self.last_letter = get_column_letter(self.ncols)
        self.total_width = sum(c.width for c in spec.columns)
        self.row = 0
        self.count = 0
        self.validation = validation and any(c.field == "category" for c in spec.columns)
        # everything the writer emits before the rows must be set now
        for index, column in enumerate(spec.columns, start=1):
            ws.column_dimensions[get_column_letter(index)].width = column.width
        ws.row_dimensions[TITLE_ROW].height = 36
        ws.row_dimensions[HEADER_ROW].height = 45
        ws.freeze_panes = f"A{FIRST_DATA_ROW}"
        ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0  # as many pages tall as it takes
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.horizontalCentered = True
        ws.page_margins.left = ws.page_margins.right = 0.4
        ws.page_margins.top = ws.page_margins.bottom = 0.6
        self.data_styles = [self._column_style(c) for c in spec.columns]
        self.columns = [ColumnCells(ws, style, styles) for style in self.data_styles]
        self.seq_index = [i for i, c in enumerate(spec.columns) if not c.field]
        self._write_head(unit, title)

    def _column_style(self, column):
        if not column.field:  # 序号
            return self.styles.get(alignment=CENTER, border=BORDER)
        if column.field == "amount":
            return self.styles.get(alignment=RIGHT, border=BORDER, number_format=AMOUNT_FORMAT)
        return self.styles.get(alignment=WRAP if column.wrap else CENTER, border=BORDER)

    def _append(self, cells: list):
        self.ws.append(cells)
        self.row += 1

    def _merged_line(self, text: str, style):
        self._append([make_cell(self.ws, text, style, self.styles)])
        self.ws.merged_cells.add(f"A{self.row}:{self.last_letter}{self.row}")

    def _write_head(self, unit: str, title: str):
        st = self.styles
        self._append([make_cell(self.ws, self.spec.attachment, st.get(font=LABEL_FONT))])
        self._merged_line(title or self.spec.title, st.get(font=TITLE_FONT, alignment=CENTER))
        self._merged_line(self.spec.filers, st.get(alignment=CENTER))
        self._merged_line(self.spec.unit_line(unit), st.get(alignment=LEFT))
        header = st.get(font=HEADER_FONT, alignment=CENTER, border=BORDER)
        self._append([make_cell(self.ws, h, header) for h in self.spec.headers])

    def add_row(self, values: Sequence) -> None:
        """One data row: ``values`` in the order of ``spec.data_columns``; 序号 is numbered here."""
        self.count += 1
        values = list(values)
        for i in self.seq_index:
            values.insert(i, self.count)
        self.ws.append([column.cell(value) for column, value in zip(self.columns, values, strict=True)])
        self.row += 1

    def add_blank_rows(self, n: int) -> None:
        for _ in range(n):
            self.count += 1
            self._append([make_cell(self.ws, self.count if not c.field else None, style)
                          for c, style in zip(self.spec.columns, self.data_styles, strict=True)])

    def finish(self) -> None:
        """The 备注 notes under the table, the 帮扶类别 drop-down, then the sheet is closed by the workbook."""
        if self.validation and self.count:
            letter = get_column_letter(1 + next(i for i, c in enumerate(self.spec.columns) if c.field == "category"))
            dv = DataValidation(type="list", formula1='"{}"'.format(",".join(CATEGORIES)), allow_blank=True,
                                showErrorMessage=True, errorTitle="帮扶类别",
                                error="请从下拉列表中选择：" + "、".join(CATEGORIES), promptTitle="帮扶类别",
                                prompt="请选择帮扶类别", showInputMessage=True)
            dv.add(f"{letter}{FIRST_DATA_ROW}:{letter}{FIRST_DATA_ROW + self.count - 1}")
            self.ws.data_validations.append(dv)
        if self.spec.notes:
            note_style = self.styles.get(alignment=LEFT)
            self._merged_line(NOTES_LABEL, self.styles.get(font=HEADER_FONT, alignment=LEFT))
            for number, note in enumerate(self.spec.notes, start=1):
                text = f"{number}. {note}"
                self.ws.row_dimensions[self.row + 1].height = _line_height(text, self.total_width)
                self._merged_line(text, note_style)


# --- one province's attachment ---------------------------------------------------------------------
def _spec(kind_or_spec) -> FormSpec:
    return kind_or_spec if isinstance(kind_or_spec, FormSpec) else SPECS[kind_or_spec]


def write_attachment(target, spec, unit: str, rows: Iterable, *, title: str = "", progress: Progress = None) -> int:
    """One province's attachment in the notice's form.  Returns the number of rows written.

    ``rows`` are sequences in ``spec.data_columns`` order (what ``values_list`` gives) or mappings by
    field name (a version's frozen rows; amounts may be strings).  For attachment 1, mappings that
    carry ``authority`` (and ``unit``) also give a second sheet, 联络员名录, naming each officer's
    authority and unit — the form itself has only 姓名, 工作电话, 手机 and 电子信箱.
    """
    spec = _spec(spec)
    fields = [c.field for c in spec.data_columns]
    directory = []
    wb = Workbook(write_only=True)
    styles = Styles(wb)
    sheet = SheetWriter(wb, styles, spec, unit=unit, title=title, validation=True)
    for row in rows:
        if isinstance(row, Mapping):
            if spec.kind == ListKind.LIAISON and row.get("authority"):
                directory.append(row)
            row = [_amount(row.get(f)) if f == "amount" else row.get(f) for f in fields]
        sheet.add_row(row)
        if progress and sheet.count % PROGRESS_EVERY == 0:
            progress(sheet.count)
    sheet.finish()
    if directory:
        write_table_sheet(
            wb, styles, sheet_title="联络员名录", title=DIRECTORY_TITLE, subtitle=spec.unit_line(unit),
            headers=liaison_directory_headers(national=False), widths=[6, 30, 10, 28, 16, 15, 28],
            rows=[(i, str(r["authority"]), r.get("name"), r.get("unit", ""), r.get("work_phone"), r.get("mobile"),
                   r.get("email")) for i, r in enumerate(directory, start=1)],
        )
    wb.save(target)
    return sheet.count


def _amount(value):
    """万元 as a number: a frozen row keeps it as a string ("12.50")."""
    if isinstance(value, str) and value.strip():
        try:
            return Decimal(value)
        except ArithmeticError:
            return value
    return value


def write_blank_template(target, kind, unit: str = "") -> None:
    """The empty form to fill in: 20 numbered rows, 帮扶类别 as a drop-down (附件2/3)."""
    spec = _spec(kind)
    wb = Workbook(write_only=True)
    styles = Styles(wb)
    sheet = SheetWriter(wb, styles, spec, unit=unit, validation=True)
    sheet.add_blank_rows(BLANK_TEMPLATE_ROWS)
    sheet.finish()
    wb.save(target)


# --- plain tables (summary sheet, liaison directory) ------------------------------------------------
def write_table_sheet(wb: Workbook, styles: Styles, *, sheet_title: str, title: str, headers: Sequence[str],
                      widths: Sequence[float], rows: Iterable[Sequence], subtitle: str = "",
                      footer: Sequence[str] = ()) -> int:
    """A titled, bordered table with one header row (frozen, printed on every page)."""
    ws = new_sheet(wb, sheet_title)
    ncols = len(headers)
    last = get_column_letter(ncols)
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    header_row = 3 if subtitle else 2
    ws.row_dimensions[1].height = 36
    ws.row_dimensions[header_row].height = 36
    ws.freeze_panes = f"A{header_row + 1}"
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.append([make_cell(ws, title, styles.get(font=TITLE_FONT, alignment=CENTER), styles)])
    ws.merged_cells.add(f"A1:{last}1")
    if subtitle:
        ws.append([make_cell(ws, subtitle, styles.get(alignment=LEFT), styles)])
        ws.merged_cells.add(f"A2:{last}2")
    header = styles.get(font=HEADER_FONT, alignment=CENTER, border=BORDER)
    ws.append([make_cell(ws, h, header, styles) for h in headers])
    text = styles.get(alignment=WRAP, border=BORDER)
    number = styles.get(alignment=RIGHT, border=BORDER, number_format=AMOUNT_FORMAT)
    integer = styles.get(alignment=RIGHT, border=BORDER)
    bold_text = styles.get(font=HEADER_FONT, alignment=WRAP, border=BORDER)
    bold_number = styles.get(font=HEADER_FONT, alignment=RIGHT, border=BORDER, number_format=AMOUNT_FORMAT)
    bold_integer = styles.get(font=HEADER_FONT, alignment=RIGHT, border=BORDER)
    count = 0
    for row in rows:
        bold = isinstance(row, TotalRow)
        cells = []
        for value in row:
            if isinstance(value, Decimal | float):
                style = bold_number if bold else number
            elif isinstance(value, int) and not isinstance(value, bool):
                style = bold_integer if bold else integer
            else:
                style = bold_text if bold else text
            cells.append(make_cell(ws, value, style, styles))
        ws.append(cells)
        count += 1
    row_no = header_row + count
    for line in footer:
        row_no += 1
        ws.row_dimensions[row_no].height = _line_height(line, sum(widths))
        ws.append([make_cell(ws, line, styles.get(alignment=LEFT), styles)])
        ws.merged_cells.add(f"A{row_no}:{last}{row_no}")
    return count


class TotalRow(tuple):
    """A row printed in bold (合计)."""


# --- national and paired workbooks ----------------------------------------------------------------
def summary_headers() -> list[str]:
    headers = ["序号", "省份", "状态", "报送时间"]
    for category in CATEGORIES:
        headers += [f"{category}\n项目数", f"{category}\n资金（万元）"]
    return [*headers, "合计\n项目数", "合计\n资金（万元）"]


NATIONAL_NOTE = "说明：汇总包括已报送（待审核）和已接收的清单，草稿和已退回的清单不计入；资金单位为万元。"


def write_lists_workbook(target, *, kind: str, lists: Sequence, title: str, missing: Sequence[str] = (),
                         missing_label: str = "尚未报送", total_label: str = "全国合计", note: str = NATIONAL_NOTE,
                         progress: Progress = None, items_q=None) -> int:
    """A summary sheet by province × 帮扶类别, then one sheet per list in the attachment's form.

    ``lists`` are AidList rows (with ``authority``) in province-code order.  The items are read in one
    streaming query ordered by (province code, seq) and written as they come; ``items_q`` (a ``Q``)
    keeps only some of them (an aiding province's paired prefectures).  Returns the row count.
    """
    from django.db.models import Count, Sum

    from aid_projects.models import AidItem

    spec = _spec(kind)
    lists = list(lists)
    list_ids = [aid_list.pk for aid_list in lists]
    selected = AidItem.objects.filter(aid_list_id__in=list_ids)
    if items_q is not None:
        selected = selected.filter(items_q)
    totals: dict[int, dict[str, tuple[int, Decimal]]] = defaultdict(dict)
    for list_id, category, n, amount in (
        selected.order_by().values_list("aid_list_id", "category")
        .annotate(n=Count("id"), amount=Sum("amount"))
    ):
        totals[list_id][category] = (n, amount or Decimal("0"))

    wb = Workbook(write_only=True)
    styles = Styles(wb)
    summary_rows = []
    grand = {c: [0, Decimal("0")] for c in CATEGORIES}
    for number, aid_list in enumerate(lists, start=1):
        by_category = totals.get(aid_list.pk, {})
        row = [number, aid_list.authority.name, aid_list.get_status_display(),
               _local(aid_list.submitted_at)]
        n_all, amount_all = 0, Decimal("0")
        for category in CATEGORIES:
            n, amount = by_category.get(category, (0, Decimal("0")))
            row += [n, amount]
            grand[category][0] += n
            grand[category][1] += amount
            n_all += n
            amount_all += amount
        summary_rows.append(tuple([*row, n_all, amount_all]))
    total_row = ["", total_label, f"{len(lists)} 个省份", ""]
    for category in CATEGORIES:
        total_row += grand[category]
    total_row += [sum(v[0] for v in grand.values()), sum((v[1] for v in grand.values()), Decimal("0"))]
    summary_rows.append(TotalRow(total_row))
    footer = [f"{missing_label}：" + "、".join(missing)] if missing else []
    footer.append(note)
    widths = [6, 16, 10, 17] + [9, 11] * len(CATEGORIES) + [9, 12]
    write_table_sheet(wb, styles, sheet_title="汇总", title=title, headers=summary_headers(), widths=widths,
                      rows=summary_rows, footer=footer)

    fields = [c.field for c in spec.data_columns]
    items = (
        selected.order_by("aid_list__authority__code", "seq", "id")
        .values_list("aid_list_id", *fields)
        .iterator(chunk_size=2000)
    )
    written = 0
    pending = next(items, None)
    for aid_list in lists:
        sheet = SheetWriter(wb, styles, spec, unit=aid_list.authority.bureau_name,
                            sheet_title=_sheet_title(aid_list.authority.name))
        while pending is not None and pending[0] == aid_list.pk:
            sheet.add_row(pending[1:])
            written += 1
            if progress and written % PROGRESS_EVERY == 0:
                progress(written)
            pending = next(items, None)
        sheet.finish()
    wb.save(target)
    return written


def _sheet_title(name: str) -> str:
    for ch in "[]:*?/\\":
        name = name.replace(ch, "")
    return name[:31]


def _local(value):
    """A timezone-aware datetime as local time without tzinfo (Excel has no time zones)."""
    if value is None:
        return ""
    from django.utils import timezone

    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


# --- liaison tables -----------------------------------------------------------------------------
def liaison_directory_headers(*, national: bool = True) -> list[str]:
    """序号, (省份,) 登记管理机关, then the form's 姓名 … 电子信箱 with the officer's 单位 after the name (, 状态)."""
    from aid_projects.models import Liaison

    spec = SPECS[ListKind.LIAISON]
    opts = Liaison._meta
    headers = ["序号", "省份", str(opts.get_field("authority").verbose_name), spec.column("name").header,
               str(opts.get_field("unit").verbose_name), spec.column("work_phone").header,
               spec.column("mobile").header, spec.column("email").header, "状态"]
    return headers if national else [h for h in headers if h not in ("省份", "状态")]


LIAISON_DIRECTORY_WIDTHS = [6, 14, 30, 10, 28, 16, 15, 28, 10]
DIRECTORY_TITLE = "社会组织援藏援疆工作联络员名录（省级及以下）"


def write_liaison_directory(wb: Workbook, styles: Styles, *, title: str, rows: Iterable[Sequence],
                            sheet_title: str = "联络员名录", footer: Sequence[str] = ()) -> int:
    """The national liaison table: each officer with province, authority, unit and the list's status."""
    return write_table_sheet(wb, styles, sheet_title=sheet_title, title=title, headers=liaison_directory_headers(),
                             widths=LIAISON_DIRECTORY_WIDTHS, rows=rows, footer=footer)
