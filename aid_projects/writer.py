"""Writing the notice's attachments (附件1–3) and the national summaries as .xlsx.

Every workbook is written with xlsxwriter; written to a path (a job's result) it runs in its
constant-memory mode, so a national workbook of 100,000 rows streams from the database cursor to the
file, one row at a time, without holding the rows (docs/BENCHMARKS.md).  Constant-memory mode wants
each row whole and in order, its height set before its cells: every row here is computed first,
then written.

Headers, widths, wrapping and notes come from ``aid_projects.sheets`` (STYLE.md point 8), so a file
written here is one ``aid_projects.reader`` reads back.  Text that looks like a formula is written
as text with Excel's quote prefix (``portal.excel.FORMULA_PREFIXES``), never as a formula.

Printing (the notice's forms are printed and stamped): A4 landscape, one page wide, the header row
repeated on every page, and each row as tall as its wrapped text (``text_lines``: CJK characters
take two width units, others one), so long names and contacts never run over the next row.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal

import xlsxwriter
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from aid_projects.choices import ListKind
from aid_projects.sheets import CATEGORIES, SPECS, FormSpec
from portal.excel import FORMULA_PREFIXES, print_a4

try:  # xlsxwriter's cell and row records (3.3, pinned), for ``SheetWriter._add_row_fast``
    from xlsxwriter.worksheet import CellBlankTuple, CellNumberTuple, CellStringTuple
    from xlsxwriter.worksheet import RowInfo as _ROW_INFO

    _CELL_TUPLES = (CellStringTuple, CellNumberTuple, CellBlankTuple)
except ImportError:  # another version: the public methods only
    _CELL_TUPLES = _ROW_INFO = None

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

# Row heights, in points: one line of 11-point 宋体 (or the CJK font a viewer substitutes) and the
# cell's inner padding.  Sizes other than 11 scale both.
LINE_HEIGHT = 15.0
ROW_PADDING = 4.0
MIN_DATA_ROW_HEIGHT = 20.0
CELL_MARGIN_UNITS = 1.0  # a column of width w holds w − 1 units of text on a line

Progress = Callable[[int], None] | None

# xlsxwriter format properties (the forms use 宋体 throughout; titles 16 pt bold, the 附件N label 黑体)
BODY = {"font_name": "宋体", "font_size": 11}
BOLD = {**BODY, "bold": True}
TITLE = {"font_name": "宋体", "font_size": 16, "bold": True}
LABEL = {"font_name": "黑体", "font_size": 12}
BORDER = {"border": 1}
CENTER = {"align": "center", "valign": "vcenter", "text_wrap": True}
LEFT = {"align": "left", "valign": "vcenter", "text_wrap": True}
WRAP = {"valign": "vcenter", "text_wrap": True}
RIGHT = {"align": "right", "valign": "vcenter"}
AMOUNT = {"num_format": AMOUNT_FORMAT}


def open_workbook(target) -> xlsxwriter.Workbook:
    """A workbook writing to ``target``: a path streams in constant-memory mode, a buffer in memory."""
    if isinstance(target, (str, bytes)) or hasattr(target, "__fspath__"):
        return xlsxwriter.Workbook(str(target), {"constant_memory": True, "strings_to_numbers": False,
                                                 "strings_to_formulas": False, "strings_to_urls": False})
    return xlsxwriter.Workbook(target, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})


class Styles:
    """The workbook's formats, created once each: a format is a dict of properties, plus the quoted twin
    (Excel's quote prefix) that formula-like text gets."""

    def __init__(self, wb: xlsxwriter.Workbook):
        self.wb = wb
        self._cache: dict[tuple, object] = {}
        self._quoted: dict[int, object] = {}  # id(format) → its quoted twin

    def get(self, *parts: dict, quoted: bool = False):
        props = {}
        for part in parts:
            props.update(part)
        if quoted:
            props["quote_prefix"] = True
        key = tuple(sorted(props.items()))
        fmt = self._cache.get(key)
        if fmt is None:
            fmt = self._cache[key] = self.wb.add_format(props)
            if not quoted:
                self._quoted[id(fmt)] = self.get(*parts, quoted=True)
        return fmt

    def quoted(self, fmt):
        return self._quoted.get(id(fmt), fmt)


def clean_text(value: str) -> str:
    """Text as Excel takes it: no control characters, at most 32,767 characters."""
    if not value.isprintable() and ILLEGAL_CHARACTERS_RE.search(value):  # isprintable: the fast, usual case
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return value if len(value) <= 32767 else value[:32767]


def text_units(text: str) -> float:
    """Width of ``text`` in Excel column units: CJK (3 bytes in UTF-8) two, ASCII one.

    Computed from the UTF-8 length, in C, rather than character by character: 100,000 rows × four
    wrapped columns are measured while the national workbook streams.
    """
    length = len(text)
    return length + (len(text.encode("utf-8")) - length) / 2


def text_lines(text, width: float, *, scale: float = 1.0) -> int:
    """How many lines ``text`` wraps to in a column ``width`` wide (explicit line breaks included)."""
    if text is None or text == "":
        return 1
    text = str(text)
    room = max(width - CELL_MARGIN_UNITS, 1.0)
    if len(text) * 2 * scale <= room and "\n" not in text:  # fits even if every character is wide
        return 1
    if "\n" not in text:
        return max(1, math.ceil(text_units(text) * scale / room))
    return sum(max(1, math.ceil(text_units(part) * scale / room)) for part in text.split("\n"))


def row_height(lines: int, *, size: float = 11.0, minimum: float = 0.0) -> float:
    scale = size / 11.0
    return max(minimum, lines * LINE_HEIGHT * scale + ROW_PADDING * scale)


class _Sheet:
    """A worksheet written row after row (``self.row`` is the next 0-based row)."""

    def __init__(self, wb, styles: Styles, title: str, widths: Sequence[float]):
        self.wb = wb
        self.styles = styles
        self.ws = wb.add_worksheet(title)
        self.widths = list(widths)
        self.ncols = len(widths)
        self.total_width = sum(widths)
        self.row = 0
        for index, width in enumerate(widths):
            self.ws.set_column(index, index, width)
        print_a4(self.ws)  # one page wide, as many pages tall as it takes

    def write(self, col: int, value, fmt) -> None:
        """One cell: text always as text (quoted when it looks like a formula), numbers as numbers."""
        ws, row = self.ws, self.row
        if value is None or value == "":
            ws.write_blank(row, col, None, fmt)
        elif isinstance(value, str):
            if value.startswith(FORMULA_PREFIXES):
                fmt = self.styles.quoted(fmt)
            ws.write_string(row, col, clean_text(value), fmt)
        elif isinstance(value, bool):
            ws.write_string(row, col, "是" if value else "否", fmt)
        elif isinstance(value, (int, float, Decimal)):
            ws.write_number(row, col, float(value) if isinstance(value, Decimal) else value, fmt)
        else:
            ws.write_string(row, col, clean_text(str(value)), fmt)

    def line(self, text: str, fmt, *, size: float = 11.0, height: float | None = None) -> None:
        """A line merged across the table (title, 单位, notes), as tall as its wrapped text."""
        lines = text_lines(text, self.total_width, scale=size / 11.0)
        self.ws.set_row(self.row, height or row_height(lines, size=size))
        if self.ncols > 1:
            if isinstance(text, str) and text.startswith(FORMULA_PREFIXES):
                fmt = self.styles.quoted(fmt)
            self.ws.merge_range(self.row, 0, self.row, self.ncols - 1, clean_text(text), fmt)
        else:
            self.write(0, text, fmt)
        self.row += 1

    def cells(self, values: Sequence, formats: Sequence, *, height: float | None = None) -> None:
        if height is not None:
            self.ws.set_row(self.row, height)
        for col, (value, fmt) in enumerate(zip(values, formats, strict=True)):
            self.write(col, value, fmt)
        self.row += 1


class SheetWriter(_Sheet):
    """One sheet in the attachment's form."""

    def __init__(self, wb, styles: Styles, spec: FormSpec, *, unit: str = "", sheet_title: str = "",
                 title: str = "", validation: bool = False):
        super().__init__(wb, styles, sheet_title or spec.attachment, [c.width for c in spec.columns])
        self.spec = spec
        self.count = 0
        self.validation = validation and any(c.field == "category" for c in spec.columns)
        self.ws.freeze_panes(FIRST_DATA_ROW - 1, 0)
        self.ws.repeat_rows(HEADER_ROW - 1)  # the header row on every printed page
        # a one-line data row needs no height of its own: the sheet's default is a data row's
        self.ws.set_default_row(MIN_DATA_ROW_HEIGHT)
        self.streaming = bool(getattr(self.ws, "constant_memory", False)) and isinstance(
            getattr(self.ws, "row_info", None), dict) and isinstance(getattr(self.ws, "row_sizes", None), dict)
        self.formats = [self._column_format(c) for c in spec.columns]
        self.seq_index = [i for i, c in enumerate(spec.columns) if not c.field]
        # the wrapped columns decide a row's height: (index among the data values, width)
        data = [c for c in spec.columns if c.field]
        self.wrapped = [(i, c.width) for i, c in enumerate(data) if c.wrap]
        # with the room each leaves for text (``text_lines``), for the inline fast path in ``add_row``
        self.wrapped_room = [(i, width, max(width - CELL_MARGIN_UNITS, 1.0)) for i, width in self.wrapped]
        # xlsxwriter's cell writers without their A1-notation wrapper (a call and an int() check per
        # cell: ≈ 10 % of the national workbook's CPU time); the public ones where a version lacks them
        ws = self.ws
        self._string = getattr(ws, "_write_string", ws.write_string)
        self._number = getattr(ws, "_write_number", ws.write_number)
        self._blank = getattr(ws, "_write_blank", ws.write_blank)
        # how each column is written, decided once: (column, is 序号, is amount, format, quoted format, value index)
        self.plan = []
        for col, column in enumerate(spec.columns):
            fmt = self.formats[col]
            self.plan.append((col, not column.field, column.field == "amount", fmt, styles.quoted(fmt),
                              data.index(column) if column.field else -1))
        # the fast path of ``add_row`` (streaming only): the row's cells put straight into xlsxwriter's
        # row table, its height as a ready ``RowInfo``, the bookkeeping done once per row rather than
        # once per cell (what ``_write_string``/``_write_number``/``_write_blank`` and ``set_row`` do,
        # the same bytes out: tests/aid_projects/test_writer.py compares it with the public methods)
        self.fast = self.streaming and _CELL_TUPLES is not None and isinstance(getattr(ws, "table", None), dict)
        self._row_infos: dict[int, object] = {}
        # (column, value index, format, quoted format, is amount) of the data columns; 序号's columns
        self.value_plan = [(col, index, fmt, quoted, is_amount)
                           for col, is_seq, is_amount, fmt, quoted, index in self.plan if not is_seq]
        self.seq_plan = [(col, fmt) for col, is_seq, _, fmt, _, _ in self.plan if is_seq]
        self._write_head(unit, title)

    def _column_format(self, column):
        if not column.field:  # 序号
            return self.styles.get(BODY, CENTER, BORDER)
        if column.field == "amount":
            return self.styles.get(BODY, RIGHT, BORDER, AMOUNT)
        return self.styles.get(BODY, WRAP if column.wrap else CENTER, BORDER)

    def _write_head(self, unit: str, title: str):
        st = self.styles
        self.ws.set_row(self.row, row_height(1, size=12))
        self.write(0, self.spec.attachment, st.get(LABEL))
        self.row += 1
        self.line(title or self.spec.title, st.get(TITLE, CENTER), size=16)
        self.line(self.spec.filers, st.get(BODY, CENTER))
        self.line(self.spec.unit_line(unit), st.get(BODY, LEFT))
        headers = self.spec.printed_headers
        lines = max(text_lines(h, c.width) for h, c in zip(headers, self.spec.columns, strict=True))
        self.cells(headers, [st.get(BOLD, CENTER, BORDER)] * self.ncols, height=row_height(lines))

    def add_row(self, values: Sequence) -> None:
        """One data row: ``values`` in the order of ``spec.data_columns``; 序号 is numbered here.

        The national workbook calls this 100,000 times: each column's way of writing is decided once
        (``self.plan``) and the row gets a height only when its text wraps to more than one line.
        """
        ws, row = self.ws, self.row
        if self.fast and row < ws.xls_rowmax and ws.dim_colmin == 0 and ws.dim_colmax >= self.ncols - 1:
            self._add_row_fast(values, ws, row)
            return
        self.count += 1
        lines = 1
        for index, width, room in self.wrapped_room:
            value = values[index]
            if not value:
                continue
            if value.__class__ is str and "\n" not in value:  # text_lines, inline (the usual case)
                n = len(value)
                if n * 2 > room:  # might not fit on one line: measure it (CJK two units, ASCII one)
                    n = math.ceil((n + (len(value.encode("utf-8")) - n) / 2) / room)
                    if n > lines:
                        lines = n
            else:
                lines = max(lines, text_lines(value, width))
        if lines > 1:
            ws.set_row(row, row_height(lines, minimum=MIN_DATA_ROW_HEIGHT))
            if self.streaming:
                # constant-memory mode writes a row out when the next one starts, but keeps every row's
                # height (``row_info``, ``row_sizes``: for placing images) until the end: forget the ones
                # already written, so memory stays flat in the row count (xlsxwriter 3.3, pinned; these
                # sheets have no images)
                ws.row_info.pop(row - 2, None)
                ws.row_sizes.pop(row - 2, None)
        write_string, write_number = self._string, self._number
        for col, is_seq, is_amount, fmt, quoted, index in self.plan:
            if is_seq:
                write_number(row, col, self.count, fmt)
                continue
            value = values[index]
            if value is None or value == "":
                self._blank(row, col, None, fmt)
            elif is_amount and isinstance(value, Decimal):
                write_number(row, col, float(value), fmt)
            elif isinstance(value, str):
                fmt_used = quoted if value.startswith(FORMULA_PREFIXES) else fmt
                if not value.isprintable() or len(value) > 32767:  # clean_text's work, only where it has any
                    value = clean_text(value)
                write_string(row, col, value, fmt_used)
            else:
                self.write(col, value, fmt)
        self.row += 1

    def _add_row_fast(self, values: Sequence, ws, row: int) -> None:
        """``add_row`` in constant-memory mode, writing what the public methods would write."""
        self.count += 1
        lines = 1
        for index, width, room in self.wrapped_room:
            value = values[index]
            if not value:
                continue
            if value.__class__ is str and "\n" not in value:  # text_lines, inline (the usual case)
                n = len(value)
                if n * 2 > room:  # might not fit on one line: measure it (CJK two units, ASCII one)
                    n = math.ceil((n + (len(value.encode("utf-8")) - n) / 2) / room)
                    if n > lines:
                        lines = n
            else:
                lines = max(lines, text_lines(value, width))
        if row > ws.previous_row:  # constant-memory mode: the previous row goes out as this one starts
            ws._write_single_row(row)
        if ws.dim_rowmax is None or row > ws.dim_rowmax:  # what _check_dimensions records per cell
            ws.dim_rowmax = row
        if ws.dim_rowmin is None or row < ws.dim_rowmin:
            ws.dim_rowmin = row
        if lines > 1:
            info = self._row_infos.get(lines)
            if info is None:  # what set_row(row, height) stores: the height in pixels, rounded
                height = row_height(lines, minimum=MIN_DATA_ROW_HEIGHT)
                info = self._row_infos[lines] = _ROW_INFO(height=int(height * 4.0 / 3.0 + 0.5), row_format=None,
                                                          hidden=False, level=0, collapsed=False)
            ws.row_info[row] = info
            # the rows already written out need no height any more (see ``add_row``)
            ws.row_info.pop(row - 2, None)
        string, number, blank = _CELL_TUPLES
        cells = ws.table[row]
        for col, fmt in self.seq_plan:
            cells[col] = number(self.count, fmt)
        for col, index, fmt, quoted, is_amount in self.value_plan:
            value = values[index]
            if value.__class__ is str:
                if not value:
                    cells[col] = blank(fmt)
                    continue
                if value.startswith(FORMULA_PREFIXES):
                    fmt = quoted
                if not value.isprintable() or len(value) > 16383:  # control characters, or near the limit
                    value = clean_text(value)
                    if len(value) > 16383:  # xlsxwriter's own check of the UTF-16 length
                        self._string(row, col, value, fmt)
                        continue
                cells[col] = string(value, fmt)
            elif value is None:
                cells[col] = blank(fmt)
            elif is_amount and value.__class__ is Decimal and value.is_finite():
                cells[col] = number(float(value), fmt)
            else:
                self.write(col, value, fmt)
        self.row += 1

    def add_blank_rows(self, n: int) -> None:
        for _ in range(n):
            self.count += 1
            self.cells([self.count if not c.field else None for c in self.spec.columns], self.formats)

    def finish(self) -> None:
        """The 帮扶类别 drop-down over the rows, then the 备注 notes under the table."""
        if self.validation and self.count:
            col = next(i for i, c in enumerate(self.spec.columns) if c.field == "category")
            first = FIRST_DATA_ROW - 1
            self.ws.data_validation(first, col, first + self.count - 1, col, {
                "validate": "list", "source": list(CATEGORIES), "ignore_blank": True,
                "error_title": "帮扶类别", "error_message": "请从下拉列表中选择：" + "、".join(CATEGORIES),
                "input_title": "帮扶类别", "input_message": "请选择帮扶类别", "show_input": True, "show_error": True,
            })
        if self.spec.notes:
            self.line(NOTES_LABEL, self.styles.get(BOLD, LEFT))
            for number, note in enumerate(self.spec.notes, start=1):
                self.line(f"{number}. {note}", self.styles.get(BODY, LEFT))


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
    wb = open_workbook(target)
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
    wb.close()
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
    wb = open_workbook(target)
    sheet = SheetWriter(wb, Styles(wb), spec, unit=unit, validation=True)
    sheet.add_blank_rows(BLANK_TEMPLATE_ROWS)
    sheet.finish()
    wb.close()


# --- plain tables (summary sheet, liaison directory) ------------------------------------------------
def write_table_sheet(wb, styles: Styles, *, sheet_title: str, title: str, headers: Sequence[str],
                      widths: Sequence[float], rows: Iterable[Sequence], subtitle: str = "",
                      footer: Sequence[str] = ()) -> int:
    """A titled, bordered table with one header row (frozen, printed on every page); the title and
    the footer lines are merged across the table's columns."""
    sheet = _Sheet(wb, styles, sheet_title, widths)
    ws = sheet.ws
    header_row = 3 if subtitle else 2
    ws.freeze_panes(header_row, 0)
    ws.repeat_rows(header_row - 1)
    sheet.line(title, styles.get(TITLE, CENTER), size=16)
    if subtitle:
        sheet.line(subtitle, styles.get(BODY, LEFT))
    lines = max(text_lines(h, w) for h, w in zip(headers, widths, strict=True))
    sheet.cells(list(headers), [styles.get(BOLD, CENTER, BORDER)] * len(headers), height=row_height(lines))
    plain = {"text": styles.get(BODY, WRAP, BORDER), "number": styles.get(BODY, RIGHT, BORDER, AMOUNT),
             "integer": styles.get(BODY, RIGHT, BORDER)}
    bold = {"text": styles.get(BOLD, WRAP, BORDER), "number": styles.get(BOLD, RIGHT, BORDER, AMOUNT),
            "integer": styles.get(BOLD, RIGHT, BORDER)}
    count = 0
    for row in rows:
        kinds = bold if isinstance(row, TotalRow) else plain
        formats = []
        lines = 1
        for value, width in zip(row, widths, strict=False):
            if isinstance(value, Decimal | float):
                formats.append(kinds["number"])
            elif isinstance(value, int) and not isinstance(value, bool):
                formats.append(kinds["integer"])
            else:
                formats.append(kinds["text"])
                if value:
                    lines = max(lines, text_lines(value, width))
        sheet.cells(list(row), formats, height=row_height(lines, minimum=MIN_DATA_ROW_HEIGHT))
        count += 1
    for line in footer:
        sheet.line(line, styles.get(BODY, LEFT))
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

    wb = open_workbook(target)
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
    wb.close()
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


def write_liaison_directory(wb, styles: Styles, *, title: str, rows: Iterable[Sequence],
                            sheet_title: str = "联络员名录", footer: Sequence[str] = ()) -> int:
    """The national liaison table: each officer with province, authority, unit and the list's status."""
    return write_table_sheet(wb, styles, sheet_title=sheet_title, title=title, headers=liaison_directory_headers(),
                             widths=LIAISON_DIRECTORY_WIDTHS, rows=rows, footer=footer)
