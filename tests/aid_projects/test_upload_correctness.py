"""Import correctness, second round: formula cells, free text as typed, the wrong attachment, duplicate
rows, and refusals in Chinese — each on a workbook built here."""

import io
import re

import pytest
from openpyxl import load_workbook

from aid_projects import services
from aid_projects.choices import ListKind
from portal.services import ApplicationError
from tests.aid_projects.factories import make_campaign, make_item, make_list
from tests.aid_projects.xlsx import (
    BILLION_LAUGHS_DTD,
    GOOD_NEED,
    GOOD_SUPPLY,
    SHEET,
    XXE_DTD,
    handmade,
    rewrite_parts,
    with_dtd,
    with_formulas,
    with_xlsxwriter,
)

pytestmark = pytest.mark.django_db

FIELDS = ["name", "category", "place_text", "summary", "amount", "contact_name", "contact_mobile"]


@pytest.fixture
def need_list(db):
    return make_list(make_campaign(), "540000", ListKind.NEED)


@pytest.fixture
def supply_list(db):
    return make_list(make_campaign(), "330000", ListKind.SUPPLY)


def preview(aid_list, data: bytes, user, replace=False):
    return services.upload_preview(aid_list=aid_list, fileobj=io.BytesIO(data), filename="清单.xlsx",
                                   size=len(data), user=user, replace=replace)


def refusal(aid_list, data, user) -> str:
    with pytest.raises(ApplicationError) as info:
        preview(aid_list, data, user)
    return info.value.message


def row_with(base, **changes):
    row = list(base)
    for key, value in changes.items():
        row[FIELDS.index(key)] = value
    return row


# --- 1. formula cells ----------------------------------------------------------------------------------
def test_formula_without_saved_value_in_a_required_column_is_named_with_its_row(need_list, xizang_liaison):
    data = with_formulas([GOOD_NEED, GOOD_NEED], {(1, "name"): '="牧区"&"小学"'})
    upload = preview(need_list, data, xizang_liaison)
    second = upload.rows[1]
    assert upload.rows[0]["errors"] == {}
    assert second["errors"]["name"] == f"第{second['row']}行 项目名称 是公式，请改为文字后重新上传"
    assert "请填写项目名称" not in str(second["errors"])


def test_formula_with_a_saved_value_reads_what_the_user_saw(need_list, xizang_liaison):
    data = with_formulas([GOOD_NEED], {(0, "name"): '="牧区"&"小学"', (0, "amount"): "=20+30"},
                         cached={(0, "name"): "牧区小学", (0, "amount"): "50"})
    upload = preview(need_list, data, xizang_liaison)
    assert upload.error_count == 0, upload.rows[0]["errors"]
    assert upload.rows[0]["values"]["name"] == "牧区小学"
    assert upload.rows[0]["values"]["amount"] == "50.00"


def test_formula_without_saved_value_in_an_optional_column_is_kept_as_text(need_list, xizang_liaison):
    data = with_formulas([GOOD_NEED], {(0, "summary"): '=CONCATENATE("建设","冷库")'})
    upload = preview(need_list, data, xizang_liaison)
    assert upload.error_count == 0
    assert upload.rows[0]["values"]["summary"] == '=CONCATENATE("建设","冷库")'


# --- 2. free text keeps its punctuation -------------------------------------------------------------------
def test_free_text_stored_and_exported_as_typed_while_matched_fields_are_normalised(need_list, xizang_liaison):
    row = row_with(GOOD_NEED, name="冷库建设（一期）", summary="建设冷库一座，服务周边合作社。", amount="５０",
                   contact_name="城关区农牧局　次仁（科长）", contact_mobile="１３９０８９６１２３４",
                   place_text="拉萨市城关区")
    upload = preview(need_list, handmade([row]), xizang_liaison)
    assert upload.error_count == 0, upload.rows[0]["errors"]
    services.upload_commit(upload=upload, user=xizang_liaison)
    item = need_list.items.get()
    assert item.name == "冷库建设（一期）"
    assert item.summary == "建设冷库一座，服务周边合作社。"
    assert item.contact_name == "城关区农牧局　次仁（科长）"
    assert str(item.amount) == "50.00" and item.contact_mobile == "13908961234"
    version = services.list_submit(aid_list=need_list, user=xizang_liaison)
    sheet = load_workbook(version.file.open("rb")).active
    texts = {c.value for r in sheet.iter_rows() for c in r if isinstance(c.value, str)}
    assert {"冷库建设（一期）", "建设冷库一座，服务周边合作社。", "城关区农牧局　次仁（科长）"} <= texts


def test_outer_spaces_are_trimmed_from_free_text(need_list, xizang_liaison):
    upload = preview(need_list, handmade([row_with(GOOD_NEED, name="　 牧区小学营养午餐 ")]), xizang_liaison)
    assert upload.rows[0]["values"]["name"] == "牧区小学营养午餐"


# --- 3. the wrong attachment is refused by what it is -------------------------------------------------------
def test_need_list_offered_as_supply_list_is_refused_naming_both(supply_list, zhejiang_liaison):
    rows = [row_with(GOOD_NEED, place_text="西藏自治区") for _ in range(6)]
    message = refusal(supply_list, handmade(rows, kind="need", unit="西藏自治区民政厅"), zhejiang_liaison)
    assert message.startswith("此文件是附件2需求清单，本清单为附件3供给清单")
    assert supply_list.uploads.count() == 0 and supply_list.items.count() == 0


def test_supply_list_offered_as_need_list_is_refused(need_list, xizang_liaison):
    message = refusal(need_list, handmade([GOOD_SUPPLY], kind="supply", unit="浙江省民政厅"), xizang_liaison)
    assert "此文件是附件3供给清单，本清单为附件2需求清单" in message


def test_another_provinces_list_is_refused_by_its_unit_line(supply_list, zhejiang_liaison):
    message = refusal(supply_list, handmade([GOOD_SUPPLY], kind="supply", unit="江苏省民政厅"), zhejiang_liaison)
    assert "江苏省民政厅" in message and "浙江省" in message and "附件3供给清单" in message


def test_without_title_the_need_forms_own_headers_identify_it(supply_list, zhejiang_liaison):
    data = with_xlsxwriter([row_with(GOOD_NEED, place_text="浙江省")], kind="need", unit="")
    data = rewrite_parts(data, {})  # untouched; the title rows are removed below
    wb = load_workbook(io.BytesIO(data))
    ws = wb.active
    ws.delete_rows(1, 3)  # no 附件2, no title, no 单位 line: only the header row says what it is
    buffer = io.BytesIO()
    wb.save(buffer)
    assert "此文件是附件2需求清单" in refusal(supply_list, buffer.getvalue(), zhejiang_liaison)


def test_own_file_with_blank_unit_and_the_portals_template_pass(need_list, supply_list, xizang_liaison,
                                                                zhejiang_liaison):
    assert preview(need_list, handmade([GOOD_NEED], unit="_____"), xizang_liaison).error_count == 0
    assert preview(supply_list, handmade([GOOD_SUPPLY], kind="supply", unit="浙江省民政厅"),
                   zhejiang_liaison).error_count == 0


def test_bingtuan_unit_is_not_taken_for_xinjiang(xizang_liaison):
    bingtuan = make_list(make_campaign(), "660000", ListKind.NEED)
    data = handmade([row_with(GOOD_NEED, place_text="第一师")], unit="新疆生产建设兵团民政局")
    upload = preview(bingtuan, data, xizang_liaison)
    assert upload.row_count == 1


# --- 4. duplicate rows, not only duplicate files -------------------------------------------------------------
def test_same_rows_saved_by_another_program_are_warned_and_need_confirmation(need_list, xizang_liaison):
    rows = [GOOD_NEED, row_with(GOOD_NEED, name="第二个项目")]
    services.upload_commit(upload=preview(need_list, handmade(rows), xizang_liaison), user=xizang_liaison)
    again = preview(need_list, with_xlsxwriter(rows), xizang_liaison)  # different bytes, same rows
    assert again.warning_count == 2 and again.error_count == 0
    assert "清单中已有相同项目（序号1“牧区小学营养午餐”" in again.rows[0]["warnings"]["duplicate"]
    assert "序号2“第二个项目”" in again.rows[1]["warnings"]["duplicate"]
    with pytest.raises(ApplicationError, match=r"已核实重复的项目（第5、6行）"):
        services.upload_commit(upload=again, user=xizang_liaison)
    assert need_list.items.count() == 2
    services.upload_commit(upload=again, user=xizang_liaison, confirm_warnings=True)
    assert need_list.items.count() == 4


def test_rows_repeated_within_the_file_are_warned(need_list, xizang_liaison):
    upload = preview(need_list, handmade([GOOD_NEED, row_with(GOOD_NEED, name="牧区小学营养午餐 ", amount="50.0"),
                                          row_with(GOOD_NEED, amount="60")]), xizang_liaison)
    first_row = upload.rows[0]["row"]
    assert upload.rows[0]["warnings"] == {} and upload.rows[2]["warnings"] == {}
    assert f"与本文件第{first_row}行重复" in upload.rows[1]["warnings"]["duplicate"]


def test_replacing_the_list_does_not_warn_about_the_rows_it_replaces(need_list, xizang_liaison):
    make_item(need_list, name=GOOD_NEED[0], place_code="540102", amount="50")
    assert preview(need_list, handmade([GOOD_NEED]), xizang_liaison, replace=True).warning_count == 0
    assert preview(need_list, handmade([GOOD_NEED]), xizang_liaison).warning_count == 1


def test_rows_added_to_the_list_after_the_preview_stop_the_commit(need_list, xizang_liaison):
    upload = preview(need_list, handmade([GOOD_NEED]), xizang_liaison)
    assert upload.warning_count == 0
    make_item(need_list, name=GOOD_NEED[0], place_code="540102", amount="50")
    with pytest.raises(ApplicationError, match="预览之后清单中又加入了"):
        services.upload_commit(upload=upload, user=xizang_liaison)
    assert need_list.items.count() == 1


def test_preview_page_asks_for_the_duplicate_confirmation(need_list, xizang_liaison, client):
    make_item(need_list, name=GOOD_NEED[0], place_code="540102", amount="50")
    upload = preview(need_list, handmade([GOOD_NEED]), xizang_liaison)
    client.force_login(xizang_liaison)
    page = client.get(f"/aid/uploads/{upload.pk}/").content.decode()
    assert "已核实重复的项目" in page and "清单中已有相同项目" in page


# --- 5. refusals in Chinese, never an exception class -----------------------------------------------------
ENGLISH = re.compile(r"Error|Exception|Forbidden|Invalid|[A-Z][a-z]+[A-Z]\w+")


def assert_chinese(message: str):
    assert re.search(r"[\u4e00-\u9fff]{4}", message), message
    assert not ENGLISH.search(message), message


@pytest.mark.parametrize("dtd,entity", [(XXE_DTD, "&xxe;"), (BILLION_LAUGHS_DTD, "&lol9;")],
                         ids=["xxe", "billion-laughs"])
def test_entity_attacks_are_refused_in_chinese_before_parsing(need_list, xizang_liaison, dtd, entity):
    message = refusal(need_list, with_dtd(handmade([GOOD_NEED]), dtd, entity_in_first_cell=entity), xizang_liaison)
    assert "实体" in message and "疑似恶意" in message
    assert_chinese(message)


def test_entity_attack_hidden_in_shared_strings_or_behind_padding_is_refused(need_list, xizang_liaison):
    padded = with_dtd(handmade([GOOD_NEED]), XXE_DTD, padding="<!-- x -->" + " " * 200_000)
    assert "实体" in refusal(need_list, padded, xizang_liaison)
    rels = with_dtd(handmade([GOOD_NEED]), XXE_DTD, part="xl/_rels/workbook.xml.rels")
    assert "实体" in refusal(need_list, rels, xizang_liaison)


def test_utf16_part_is_refused_in_chinese(need_list, xizang_liaison):
    data = rewrite_parts(handmade([GOOD_NEED]), {
        SHEET: lambda xml: xml.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")})
    message = refusal(need_list, data, xizang_liaison)
    assert "编码异常" in message
    assert_chinese(message)


@pytest.mark.parametrize("broken", [
    lambda xml: xml[: len(xml) // 2],  # cut off in the middle of the rows
    lambda xml: xml.replace("<sheetData>", "<sheetData><row r='x'><c r='??'><v>1</v></c></row>"),
], ids=["truncated", "bad-cell-reference"])
def test_damaged_sheet_is_refused_in_chinese(need_list, xizang_liaison, broken, client):
    data = rewrite_parts(handmade([GOOD_NEED] * 3), {SHEET: broken})
    message = refusal(need_list, data, xizang_liaison)
    assert_chinese(message)
    assert "另存为" in message


def test_upload_page_shows_the_chinese_refusal(need_list, xizang_liaison, client):
    client.force_login(xizang_liaison)
    data = with_dtd(handmade([GOOD_NEED]), XXE_DTD, entity_in_first_cell="&xxe;")
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(f"/aid/lists/{need_list.pk}/upload/",
                           {"file": SimpleUploadedFile("清单.xlsx", data)})
    page = response.content.decode()
    assert response.status_code == 200 and "疑似恶意构造的文件" in page
    assert "ValueError" not in page and "DTDForbidden" not in page
