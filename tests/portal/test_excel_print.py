"""One A4 print setup (portal.excel.print_a4) for the sheets written with xlsxwriter and with openpyxl."""

import io

import pytest
import xlsxwriter
from openpyxl import Workbook, load_workbook

from portal.excel import PRINT_MARGINS, print_a4


def _xlsxwriter_sheet(buffer):
    wb = xlsxwriter.Workbook(buffer, {"in_memory": True})
    ws = wb.add_worksheet("表")
    print_a4(ws)
    ws.write(0, 0, "统计表")
    wb.close()


def _openpyxl_sheet(buffer, *, write_only):
    wb = Workbook(write_only=write_only)
    ws = wb.create_sheet("表") if write_only else wb.active
    print_a4(ws)
    ws.append(["统计表"])
    wb.save(buffer)


@pytest.mark.parametrize("write", [_xlsxwriter_sheet, lambda b: _openpyxl_sheet(b, write_only=True),
                                   lambda b: _openpyxl_sheet(b, write_only=False)],
                         ids=["xlsxwriter", "openpyxl-write-only", "openpyxl"])
def test_the_same_a4_setup_whichever_library_wrote_the_sheet(write):
    buffer = io.BytesIO()
    write(buffer)
    buffer.seek(0)
    ws = load_workbook(buffer).worksheets[0]
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    # one page wide (fitToWidth is left out when it is OOXML's default, 1), as tall as it takes
    assert int(ws.page_setup.fitToWidth or 1) == 1 and int(ws.page_setup.fitToHeight) == 0
    assert ws.print_options.horizontalCentered is True
    assert {side: getattr(ws.page_margins, side) for side in PRINT_MARGINS} == PRINT_MARGINS
