"""Building .xlsx files in tests the way provinces make them by hand: title rows, merged cells, notes."""

from __future__ import annotations

import io
import zipfile

from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING

from aid_projects.sheets import NEED_SPEC, SUPPLY_SPEC

GOOD_NEED = ["牧区小学营养午餐", "教育帮扶", "拉萨市城关区", "为两所小学提供午餐", "50", "城关区教育局 次仁",
             "13908961234"]
GOOD_SUPPLY = ["助学暖冬行动", "教育帮扶", "浙江省", "冬衣和供暖", "80", "基金会 林", "13905710001"]


def handmade(rows, *, kind="need", unit="西藏自治区民政厅", headers=None, blank_rows=2, notes=True,
             merged_title=True, leading_blank=1) -> bytes:
    """A workbook in the notice's form, with the irregularities of a hand-made copy."""
    spec = NEED_SPEC if kind == "need" else SUPPLY_SPEC
    wb = Workbook()
    ws = wb.active
    for _ in range(leading_blank):
        ws.append([])
    ws.append([spec.attachment])
    ws.append([spec.title])
    if merged_title:
        ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=8)
    ws.append([f"单位：{unit}（公 章）"])
    ws.append([])
    # the notice's own header text, stray spaces and all
    place = "项目拟实施地 (填报到县级)" if kind == "need" else "项目拟实施地"
    contact = "项目联系 人 联系方式 (手机)" if kind == "need" else "联系方式 (手机)"
    ws.append(headers or ["序号", "项目名称", "帮扶类别", place, "项目简介", "项目拟投入资金 (万元)", "项目 联系人",
                          contact])
    for number, row in enumerate(rows, start=1):
        ws.append([number, *row])
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = TYPE_STRING
    for extra in range(blank_rows):
        ws.append([len(rows) + extra + 1])  # numbered rows left empty, as in the template
    if notes:
        ws.append(["备注："])
        for number, note in enumerate(spec.notes, start=1):
            ws.append([f"{number}. {note}"])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def with_macro(data: bytes) -> bytes:
    """The same workbook with a VBA project inside (what an .xlsm renamed to .xlsx carries)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        dst.writestr("xl/vbaProject.bin", b"\x00" * 512)
    return out.getvalue()


def zip_bomb() -> bytes:
    """A tiny zip whose sheet expands to hundreds of megabytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        dst.writestr("[Content_Types].xml", "<Types/>")
        dst.writestr("xl/workbook.xml", "<workbook/>")
        with dst.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            chunk = b" " * (1024 * 1024)
            for _ in range(260):
                fh.write(chunk)
    return out.getvalue()
