"""The attachment writer: every workbook is opened again and its cells checked against the notice's form."""

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from aid_projects.choices import ListKind
from aid_projects.sheets import CATEGORIES, LIAISON_SPEC, NEED_SPEC, SUPPLY_SPEC
from aid_projects.writer import (
    BLANK_TEMPLATE_ROWS,
    FIRST_DATA_ROW,
    HEADER_ROW,
    write_attachment,
    write_blank_template,
)

UNIT = "西藏自治区民政厅"


def need_row(name="牧区小学营养午餐", amount=Decimal("50.5"), place="拉萨市城关区", **overrides):
    row = {"name": name, "category": "教育帮扶", "place_text": place, "summary": "为牧区小学提供营养午餐",
           "amount": amount, "contact_name": "次仁", "contact_mobile": "13908901234"}
    row.update(overrides)
    return [row[c.field] for c in NEED_SPEC.data_columns]


def reopen(buffer):
    buffer.seek(0)
    return load_workbook(buffer)


def row_values(ws, row):
    return [c.value for c in ws[row]]


def test_need_attachment_is_in_the_notices_form():
    buffer = io.BytesIO()
    count = write_attachment(buffer, NEED_SPEC, UNIT, [need_row(), need_row("藏医院设备", Decimal("120"))])
    assert count == 2
    ws = reopen(buffer).worksheets[0]
    assert ws.title == "附件2"
    assert ws["A1"].value == "附件2"
    assert ws["A2"].value == "社会组织援藏援疆项目需求清单省级汇总表"
    assert ws["A2"].font.b and ws["A2"].font.sz == 16
    assert ws["A3"].value == "（仅西藏、新疆、云南、青海、四川、甘肃、兵团填报）"
    assert ws["A4"].value == "单位：西藏自治区民政厅（公章）"
    assert HEADER_ROW == 5
    assert row_values(ws, HEADER_ROW) == NEED_SPEC.printed_headers
    assert row_values(ws, 6) == [1, "牧区小学营养午餐", "教育帮扶", "拉萨市城关区", "为牧区小学提供营养午餐", 50.5,
                                 "次仁", "13908901234"]
    assert row_values(ws, 7)[:2] == [2, "藏医院设备"]
    assert ws["F6"].number_format == "0.00" and ws["F6"].data_type == "n"
    assert ws["B6"].alignment.wrap_text  # 项目名称 wraps, as the spec says
    assert ws["B6"].border.left.style == "thin" and ws["H7"].border.bottom.style == "thin"
    # 备注 and the numbered notes under the table, each merged across the table
    assert ws["A8"].value == "备注："
    assert [ws.cell(row=9 + i, column=1).value for i in range(3)] == [
        f"{i}. {note}" for i, note in enumerate(NEED_SPEC.notes, start=1)]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A2:H2", "A3:H3", "A4:H4", "A8:H8", "A9:H9", "A10:H10", "A11:H11"} <= merged
    assert ws.max_row == 11


def test_widths_and_print_setup():
    buffer = io.BytesIO()
    write_attachment(buffer, SUPPLY_SPEC, "浙江省民政厅", [])
    ws = reopen(buffer).worksheets[0]
    widths = [ws.column_dimensions[letter].width for letter in "ABCDEFGH"]
    # xlsxwriter stores the width as Excel does: the characters plus the cell's padding (≈0.71)
    assert widths == pytest.approx([c.width + 0.71 for c in SUPPLY_SPEC.columns], abs=0.01)
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    # fitToWidth is left out when it is OOXML's default, 1
    assert (ws.page_setup.fitToWidth or 1) == 1 and ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"  # the header repeats on every page
    assert ws.freeze_panes == f"A{FIRST_DATA_ROW}"
    assert row_values(ws, HEADER_ROW) == SUPPLY_SPEC.printed_headers
    assert ws["A4"].value == "单位：浙江省民政厅（公章）"
    assert ws["A6"].value == "备注："  # no rows: the notes follow the header
    assert ws["A10"].value.startswith("4. 项目联系人和联系方式")


@pytest.mark.parametrize("text", ["=1+1", "+86 139", "-5", "@SUM(A1)", "\tcmd", "=HYPERLINK(\"http://x\")"])
def test_formula_like_text_is_written_as_text(text):
    buffer = io.BytesIO()
    write_attachment(buffer, NEED_SPEC, "=1+1", [need_row(name=text, summary=text, contact_name=text)])
    ws = reopen(buffer).worksheets[0]
    for ref in ("B6", "E6", "G6"):
        cell = ws[ref]
        assert cell.value == text
        assert cell.data_type == "s"
        assert cell.quotePrefix  # Excel keeps it text when the cell is edited
    assert ws["A4"].value == "单位：=1+1（公章）" and ws["A4"].data_type == "s"
    raw = _sheet_xml(buffer)
    assert "<f>" not in raw and "<x:f>" not in raw  # no formula element anywhere


def _sheet_xml(buffer) -> str:
    import zipfile

    buffer.seek(0)
    with zipfile.ZipFile(buffer) as archive:
        return archive.read("xl/worksheets/sheet1.xml").decode()


def test_rows_as_frozen_mappings_with_string_amounts():
    """What ListVersion keeps (the lead's ``list_rows``): dicts, amounts as strings."""
    row = dict(zip([c.field for c in NEED_SPEC.data_columns], need_row(), strict=True))
    row.update(seq=7, amount="12.30")
    buffer = io.BytesIO()
    write_attachment(buffer, NEED_SPEC, UNIT, [row])
    ws = reopen(buffer).worksheets[0]
    assert ws["A6"].value == 1 and ws["F6"].value == pytest.approx(12.3) and ws["F6"].data_type == "n"


def test_control_characters_are_dropped_not_fatal():
    buffer = io.BytesIO()
    write_attachment(buffer, NEED_SPEC, UNIT, [need_row(name="营养\x0b午餐\x01")])
    assert reopen(buffer).worksheets[0]["B6"].value == "营养午餐"


def test_liaison_attachment_and_its_directory():
    rows = [
        {"authority": "西藏自治区", "name": "卓玛", "unit": "民政厅社会组织管理局 副局长", "work_phone": "0891-6321234",
         "mobile": "13908901234", "email": "zhuoma@example.cn"},
        {"authority": "西藏自治区拉萨市", "name": "扎西", "unit": "拉萨市民政局", "work_phone": "0891-6320000",
         "mobile": "13908900000", "email": "zhaxi@example.cn"},
    ]
    buffer = io.BytesIO()
    write_attachment(buffer, LIAISON_SPEC, UNIT, rows)
    wb = reopen(buffer)
    ws = wb["附件1"]
    assert ws["A1"].value == "附件1" and ws["A2"].value == "社会组织援藏援疆工作省级联络员表"
    assert ws["A4"].value == "单位：西藏自治区民政厅（盖章）"
    assert row_values(ws, HEADER_ROW) == ["姓名", "工作电话", "手机", "电子信箱"]
    assert row_values(ws, 6) == ["卓玛", "0891-6321234", "13908901234", "zhuoma@example.cn"]  # provincial first
    assert row_values(ws, 7)[0] == "扎西"
    assert ws.max_row == 7  # attachment 1 has no notes
    directory = wb["联络员名录"]
    assert directory["A2"].value == "单位：西藏自治区民政厅（盖章）"
    assert row_values(directory, 3) == ["序号", "登记管理机关", "姓名", "单位", "工作电话", "手机", "电子信箱"]
    assert row_values(directory, 5)[:4] == [2, "西藏自治区拉萨市", "扎西", "拉萨市民政局"]


@pytest.mark.parametrize("kind,spec", [(ListKind.NEED, NEED_SPEC), (ListKind.SUPPLY, SUPPLY_SPEC)])
def test_blank_template_has_numbered_rows_and_a_category_drop_down(kind, spec):
    buffer = io.BytesIO()
    write_blank_template(buffer, kind, "浙江省民政厅")
    ws = reopen(buffer).worksheets[0]
    assert row_values(ws, HEADER_ROW) == spec.printed_headers
    last = FIRST_DATA_ROW + BLANK_TEMPLATE_ROWS - 1
    assert [ws.cell(row=r, column=1).value for r in range(FIRST_DATA_ROW, last + 1)] == list(range(1, 21))
    assert all(ws.cell(row=last, column=c).border.left.style == "thin" for c in range(1, 9))  # empty but ruled
    assert ws.cell(row=last, column=2).value is None
    assert ws.cell(row=last + 1, column=1).value == "备注："
    validations = ws.data_validations.dataValidation
    assert len(validations) == 1
    dv = validations[0]
    assert dv.type == "list" and dv.formula1 == '"' + ",".join(CATEGORIES) + '"'
    assert str(dv.sqref) == f"C{FIRST_DATA_ROW}:C{last}"
    assert dv.showErrorMessage


def test_blank_liaison_template_without_unit():
    buffer = io.BytesIO()
    write_blank_template(buffer, ListKind.LIAISON)
    ws = reopen(buffer).worksheets[0]
    assert ws["A4"].value == "单位：_____（盖章）"
    assert row_values(ws, HEADER_ROW) == LIAISON_SPEC.printed_headers
    assert not ws.data_validations.dataValidation  # no 帮扶类别 column
    assert ws.max_row == HEADER_ROW + BLANK_TEMPLATE_ROWS


@pytest.mark.django_db
def test_written_need_list_reads_back_without_errors():
    """STYLE point 8: a file the portal writes is a file it reads (aid_projects.reader)."""
    from aid_projects.reader import parse_workbook
    from tests.factories import ensure_reference

    ensure_reference()
    buffer = io.BytesIO()
    write_attachment(buffer, NEED_SPEC, UNIT, [need_row(), need_row("藏医院设备", Decimal("120"))])
    buffer.seek(0)
    parsed = parse_workbook(buffer, kind=ListKind.NEED, province_code="540000")
    assert [p.errors for p in parsed] == [{}, {}]
    assert [p.values["name"] for p in parsed] == ["牧区小学营养午餐", "藏医院设备"]
    assert [Decimal(p.values["amount"]) for p in parsed] == [Decimal("50.5"), Decimal("120")]


@pytest.mark.django_db
def test_blank_template_reads_back_as_no_rows():
    from aid_projects.reader import parse_workbook
    from tests.factories import ensure_reference

    ensure_reference()
    buffer = io.BytesIO()
    write_blank_template(buffer, ListKind.SUPPLY, "浙江省民政厅")
    buffer.seek(0)
    assert parse_workbook(buffer, kind=ListKind.SUPPLY, province_code="330000") == []


def test_printed_headers_are_the_notices_headers_broken_before_their_remark():
    for spec in (NEED_SPEC, SUPPLY_SPEC, LIAISON_SPEC):
        assert [h.replace("\n", "") for h in spec.printed_headers] == spec.headers
    assert NEED_SPEC.column("place_text").printed_header == "项目拟实施地\n（填报到县级）"


def test_streaming_write_keeps_memory_flat_in_the_row_count(tmp_path):
    """Written to a file (constant-memory mode), 10,000 wrapped rows take no more memory than 2,000."""
    import tracemalloc

    from aid_projects.writer import SheetWriter, Styles, open_workbook

    row = need_row(summary="为牧区寄宿制小学提供一学年营养午餐，并改造宿舍供暖设施，建设冷库一座，服务周边合作社")
    peaks = []
    for n in (2_000, 10_000):
        tracemalloc.start()
        wb = open_workbook(tmp_path / f"{n}.xlsx")
        sheet = SheetWriter(wb, Styles(wb), NEED_SPEC)
        for _ in range(n):
            sheet.add_row(row)
        sheet.finish()
        wb.close()
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    assert peaks[1] < peaks[0] + 512 * 1024, peaks
    ws = load_workbook(tmp_path / "10000.xlsx", read_only=False).worksheets[0]
    assert ws.row_dimensions[FIRST_DATA_ROW + 9_999].height > 20  # the heights were written, not dropped


def test_streaming_fast_path_writes_what_the_public_methods_write(tmp_path, monkeypatch):
    """``SheetWriter._add_row_fast`` fills xlsxwriter's row table itself: the sheet's XML must be byte for
    byte what ``write_string``/``write_number``/``write_blank`` and ``set_row`` give (formula-like text,
    line breaks, blanks, None, control characters, a text past xlsxwriter's length check, 1–4 lines)."""
    import zipfile

    from aid_projects import writer

    rows = []
    for i in range(400):
        rows.append(need_row(
            name=f"=SUM(A{i})" if i % 7 == 0 else ("名称\n第二行" if i % 5 == 0 else "项目" * (i % 30)),
            category="" if i % 11 == 0 else "产业帮扶",
            place=None if i % 13 == 0 else "西藏自治区拉萨市城关区",
            summary="长" * 20_000 if i == 5 else (
                "说明\x01控制" if i % 17 == 0 else "建设冷库一座，服务周边合作社" * (i % 9)),
            amount=Decimal("12.50") if i % 3 else (None if i % 2 else Decimal(i)),
            contact_name="次仁" if i % 4 else "",
        ))
    calls = []
    fast = writer.SheetWriter._add_row_fast
    monkeypatch.setattr(writer.SheetWriter, "_add_row_fast", lambda self, *a: calls.append(1) or fast(self, *a))
    write_attachment(tmp_path / "fast.xlsx", NEED_SPEC, UNIT, rows)
    assert len(calls) == len(rows)  # the fast path wrote every row
    monkeypatch.setattr(writer, "_CELL_TUPLES", None)  # the public methods only
    write_attachment(tmp_path / "public.xlsx", NEED_SPEC, UNIT, rows)
    assert len(calls) == len(rows)
    with zipfile.ZipFile(tmp_path / "fast.xlsx") as fast_zip, zipfile.ZipFile(tmp_path / "public.xlsx") as public:
        names = [n for n in fast_zip.namelist() if n.startswith("xl/")]
        assert names == [n for n in public.namelist() if n.startswith("xl/")]
        for name in names:
            assert fast_zip.read(name) == public.read(name), name
