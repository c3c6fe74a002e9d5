"""Workbooks of the register, from the one column spec (``registry.sheets``): the blank import template
and the export of a search.  A file the portal writes is a file it reads back (the export's extra columns,
grade and lists, are the register's own and are ignored on import)."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from portal.excel import BODY_FONT, BORDER, CENTER, HEADER_FONT, TITLE_FONT, text_safe_cell
from registry.sheets import ORGANIZATION_SPEC, Column, SheetSpec


def _header(ws, columns: tuple[Column, ...]) -> None:
    for i, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = column.width
    ws.freeze_panes = "A2"
    ws.append([text_safe_cell(ws, c.header, font=HEADER_FONT, alignment=CENTER, border=BORDER) for c in columns])


def template_workbook(spec: SheetSpec = ORGANIZATION_SPEC) -> io.BytesIO:
    """The blank import template: the header row, and the notes (with each column's note) on a second sheet."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(spec.title[:31])
    _header(ws, spec.import_columns)
    notes = wb.create_sheet("填表说明")
    notes.column_dimensions["A"].width = 24
    notes.column_dimensions["B"].width = 60
    notes.append([text_safe_cell(notes, f"{spec.title}填表说明", font=TITLE_FONT)])
    for line in spec.notes:
        notes.append([text_safe_cell(notes, line, font=BODY_FONT)])
    notes.append([])
    for column in spec.import_columns:
        note = ("必填。" if column.required else "") + column.note
        notes.append([text_safe_cell(notes, column.header, font=HEADER_FONT, border=BORDER),
                      text_safe_cell(notes, note, font=BODY_FONT, border=BORDER)])
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    return buffer


def organization_cells(ws, organization) -> list:
    cells = []
    for column in ORGANIZATION_SPEC.columns:
        value = column.write(organization) if column.write else getattr(organization, column.field)
        cells.append(text_safe_cell(ws, "" if value is None else value, font=BODY_FONT, border=BORDER))
    return cells


def export_workbook(path: str, organizations, *, progress=None) -> int:
    """The organizations, one row each, under the spec's headers (write-only: memory stays flat)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(ORGANIZATION_SPEC.title[:31])
    _header(ws, ORGANIZATION_SPEC.columns)
    count = 0
    for count, organization in enumerate(organizations, start=1):
        ws.append(organization_cells(ws, organization))
        if progress is not None:
            progress(count)
    wb.save(path)
    return count
