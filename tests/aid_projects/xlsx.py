"""Building .xlsx files in tests the way provinces make them by hand: title rows, merged cells, notes."""

from __future__ import annotations

import io
import re
import zipfile
from xml.sax.saxutils import escape as xml_escape

from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING

from aid_projects.sheets import NEED_SPEC, SUPPLY_SPEC

GOOD_NEED = ["牧区小学营养午餐", "教育帮扶", "拉萨市城关区", "为两所小学提供午餐", "50", "城关区教育局 次仁",
             "13908961234"]
GOOD_SUPPLY = ["助学暖冬行动", "教育帮扶", "浙江省", "冬衣和供暖", "80", "基金会 林", "13905710001"]


def handmade(rows, *, kind="need", unit="西藏自治区民政厅", headers=None, blank_rows=2, notes=True,
             merged_title=True, leading_blank=1, formulas=False) -> bytes:
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
            if not formulas and isinstance(cell.value, str) and cell.value.startswith("="):
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


def rewrite_parts(data: bytes, changes: dict) -> bytes:
    """The same workbook with some parts rewritten: {part name: function(text) -> text}."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            content = src.read(item.filename)
            if item.filename in changes:
                content = changes[item.filename](content.decode("utf-8"))
                content = content if isinstance(content, bytes) else content.encode("utf-8")
            dst.writestr(item.filename, content)
    return out.getvalue()


SHEET = "xl/worksheets/sheet1.xml"


def with_formulas(rows, formulas: dict, cached: dict | None = None, **kwargs) -> bytes:
    """A hand-made workbook where cells hold formulas: {(data row index, field): formula}.

    openpyxl writes a formula with an empty saved value (<f>…</f><v/>), as some tools do; ``cached``
    gives a saved value ({(row index, field): text}) the way Excel writes it (t="str", <v>text</v>).
    """
    fields = ["name", "category", "place_text", "summary", "amount", "contact_name", "contact_mobile"]
    rows = [list(r) for r in rows]
    for (index, field_name), formula in formulas.items():
        rows[index][fields.index(field_name)] = formula
    data = handmade(rows, formulas=True, **kwargs)
    if not cached:
        return data
    wb_cells = _cell_refs(data, formulas)

    def add_values(xml: str) -> str:
        for key, value in cached.items():
            ref = wb_cells[key]
            xml = re.sub(rf'<c r="{ref}"([^>]*)><f>(.*?)</f><v\s*/>',
                         lambda m, v=value, r=ref: f'<c r="{r}"{m.group(1)} t="str"><f>{m.group(2)}</f>'
                                                   f"<v>{xml_escape(v)}</v>", xml)
        return xml

    return rewrite_parts(data, {SHEET: add_values})


def _cell_refs(data: bytes, formulas: dict) -> dict:
    """{(row index, field): "B9"} of the formula cells in a workbook ``handmade`` wrote."""
    from openpyxl import load_workbook

    fields = ["name", "category", "place_text", "summary", "amount", "contact_name", "contact_mobile"]
    ws = load_workbook(io.BytesIO(data)).active
    refs, index = {}, -1
    for row in ws.iter_rows():
        if isinstance(row[0].value, int) and any(c.value for c in row[1:]):
            index += 1
            for (i, field_name) in formulas:
                if i == index:
                    refs[(i, field_name)] = row[1 + fields.index(field_name)].coordinate
    return refs


def with_dtd(data: bytes, dtd: str, *, entity_in_first_cell: str = "", part: str = SHEET,
             padding: str = "") -> bytes:
    """An entity attack: a DOCTYPE declared in a part (optionally hidden behind padding comments/space)."""

    def inject(xml: str) -> str:
        declaration_end = xml.index("?>") + 2 if xml.startswith("<?xml") else 0
        xml = xml[:declaration_end] + padding + dtd + xml[declaration_end:]
        if entity_in_first_cell:
            xml = xml.replace("<t>牧区小学营养午餐</t>", f"<t>{entity_in_first_cell}</t>", 1)
        return xml

    return rewrite_parts(data, {part: inject})


XXE_DTD = '<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
BILLION_LAUGHS_DTD = (
    '<!DOCTYPE worksheet [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
    + "]>"
)


def with_xlsxwriter(rows, *, kind="need", unit="西藏自治区民政厅") -> bytes:
    """The same table saved by another program (xlsxwriter): the same rows in other bytes."""
    import xlsxwriter

    spec = NEED_SPEC if kind == "need" else SUPPLY_SPEC
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"in_memory": True})
    ws = wb.add_worksheet("清单")
    ws.write_row(0, 0, [spec.attachment])
    ws.write_row(1, 0, [spec.title])
    ws.write_row(2, 0, [f"单位：{unit}（公章）"])
    ws.write_row(3, 0, spec.headers)
    for number, row in enumerate(rows, start=1):
        ws.write_row(3 + number, 0, [number, *row])
    wb.close()
    return buffer.getvalue()
