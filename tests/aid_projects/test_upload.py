"""Upload of attachments 2 and 3: every rule on a real .xlsx, preview then all-or-nothing commit, refusals."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from aid_projects import services
from aid_projects.choices import ListKind, ListStatus, UploadStatus
from aid_projects.models import AidItem, Upload
from portal.models import AuditEntry
from portal.services import ApplicationError
from tests.aid_projects.factories import make_campaign, make_list
from tests.aid_projects.xlsx import GOOD_NEED, GOOD_SUPPLY, handmade, with_macro, zip_bomb

pytestmark = pytest.mark.django_db


@pytest.fixture
def need_list(db):
    return make_list(make_campaign(), "540000", ListKind.NEED)


@pytest.fixture
def supply_list(db):
    return make_list(make_campaign(), "330000", ListKind.SUPPLY)


def preview(aid_list, data: bytes, user, name="需求清单.xlsx", replace=False):
    return services.upload_preview(aid_list=aid_list, fileobj=io.BytesIO(data), filename=name, size=len(data),
                                   user=user, replace=replace)


def row_with(base, **changes):
    fields = ["name", "category", "place_text", "summary", "amount", "contact_name", "contact_mobile"]
    row = list(base)
    for key, value in changes.items():
        row[fields.index(key)] = value
    return row


def errors_of(upload, row_index=0):
    return upload.rows[row_index]["errors"]


# --- the reader finds the table in a hand-made file -------------------------------------------------
def test_header_found_below_title_merged_cells_and_blank_rows_notes_ignored(need_list, xizang_liaison):
    upload = preview(need_list, handmade([GOOD_NEED, GOOD_NEED], leading_blank=3, blank_rows=5), xizang_liaison)
    assert upload.row_count == 2 and upload.error_count == 0
    first = upload.rows[0]
    assert first["row"] == 9  # 3 blank rows, 附件2, title, 单位, blank, header (row 8): data from row 9
    assert first["values"]["place_name"] == "西藏自治区拉萨市城关区"
    assert first["values"]["amount"] == "50.00"


def test_missing_header_refused_with_the_expected_columns(need_list, xizang_liaison):
    data = handmade([GOOD_NEED], headers=["编号", "名称", "类型", "地点", "简介", "金额", "人", "电话"])
    with pytest.raises(ApplicationError, match="没有找到附件2"):
        preview(need_list, data, xizang_liaison)


# --- each validation rule ----------------------------------------------------------------------------
@pytest.mark.parametrize("category", ["扶贫", "教育", "产业帮扶类"])
def test_category_must_be_one_of_six(need_list, xizang_liaison, category):
    upload = preview(need_list, handmade([row_with(GOOD_NEED, category=category)]), xizang_liaison)
    assert "帮扶类别" in errors_of(upload)["category"] and "产业帮扶" in errors_of(upload)["category"]


def test_category_variants_normalised(need_list, xizang_liaison):
    upload = preview(need_list, handmade([row_with(GOOD_NEED, category=" 其它 ")]), xizang_liaison)
    assert upload.error_count == 0 and upload.rows[0]["values"]["category"] == "其他"


@pytest.mark.parametrize("place,expected", [
    ("拉萨市城关区", "西藏自治区拉萨市城关区"),
    ("城关区", "西藏自治区拉萨市城关区"),
    ("西藏自治区那曲市色尼区", "西藏自治区那曲市色尼区"),
    ("阿里地区噶尔县", "西藏自治区阿里地区噶尔县"),
    ("噶尔", "西藏自治区阿里地区噶尔县"),
])
def test_need_place_resolves_to_a_county_tolerating_abbreviations(need_list, xizang_liaison, place, expected):
    upload = preview(need_list, handmade([row_with(GOOD_NEED, place_text=place)]), xizang_liaison)
    assert upload.error_count == 0, upload.rows[0]["errors"]
    assert upload.rows[0]["values"]["place_name"] == expected


def test_need_place_with_autonomous_prefecture_abbreviation(xizang_liaison):
    sichuan = make_list(make_campaign(), "510000", ListKind.NEED)
    upload = preview(sichuan, handmade([row_with(GOOD_NEED, place_text="甘孜州康定市")], unit="四川省民政厅"),
                     xizang_liaison)
    assert upload.rows[0]["values"]["place_name"] == "四川省甘孜藏族自治州康定市"


@pytest.mark.parametrize("place,message", [
    ("拉萨市", "县级"),
    ("浙江省杭州市西湖区", "不在本省"),
    ("杭州市西湖区", "县级"),
    ("", "请填写项目拟实施地"),
])
def test_need_place_refused(need_list, xizang_liaison, place, message):
    upload = preview(need_list, handmade([row_with(GOOD_NEED, place_text=place)]), xizang_liaison)
    assert message in errors_of(upload)["place_text"]


@pytest.mark.parametrize("place,expected", [
    ("浙江省", "浙江省"),
    ("西藏自治区", "西藏自治区"),
    ("西藏自治区那曲市色尼区罗玛镇某村", "西藏自治区那曲市色尼区"),
    ("四川省甘孜州康定市", "四川省甘孜藏族自治州康定市"),
])
def test_supply_place_province_or_full_path(supply_list, zhejiang_liaison, place, expected):
    upload = preview(supply_list, handmade([row_with(GOOD_SUPPLY, place_text=place)], kind="supply",
                                           unit="浙江省民政厅"), zhejiang_liaison)
    assert upload.error_count == 0, upload.rows[0]["errors"]
    assert upload.rows[0]["values"]["place_name"] == expected


@pytest.mark.parametrize("place", ["色尼区", "西藏自治区某某县", "那曲"])
def test_supply_place_without_full_path_refused(supply_list, zhejiang_liaison, place):
    upload = preview(supply_list, handmade([row_with(GOOD_SUPPLY, place_text=place)], kind="supply",
                                           unit="浙江省民政厅"), zhejiang_liaison)
    assert "place_text" in errors_of(upload)


@pytest.mark.parametrize("amount,expected", [
    ("５０", "50.00"), ("50万元", "50.00"), ("12.5万", "12.50"), (12.35, "12.35"), (80, "80.00"),
    ("1,20.5", "120.50"),
])
def test_amount_normalised(need_list, xizang_liaison, amount, expected):
    upload = preview(need_list, handmade([row_with(GOOD_NEED, amount=amount)]), xizang_liaison)
    assert upload.error_count == 0, upload.rows[0]["errors"]
    assert upload.rows[0]["values"]["amount"] == expected


@pytest.mark.parametrize("amount,message", [
    ("-5", "大于0"), ("0", "大于0"), ("12.345", "两位小数"), ("五十万", "不是数字"), ("", "请填写"),
])
def test_amount_refused(need_list, xizang_liaison, amount, message):
    upload = preview(need_list, handmade([row_with(GOOD_NEED, amount=amount)]), xizang_liaison)
    assert message in errors_of(upload)["amount"]


def test_amount_over_200_is_a_warning_to_confirm(need_list, xizang_liaison):
    upload = preview(need_list, handmade([row_with(GOOD_NEED, amount="250")]), xizang_liaison)
    assert upload.error_count == 0 and upload.warning_count == 1
    assert "超过200万元" in upload.rows[0]["warnings"]["amount"]
    with pytest.raises(ApplicationError, match="200万元"):
        services.upload_commit(upload=upload, user=xizang_liaison)
    assert services.upload_commit(upload=upload, user=xizang_liaison, confirm_warnings=True) == 1
    assert need_list.items.get().amount_confirmed is True


@pytest.mark.parametrize("mobile", ["0891-6321234", "1390896123", "23908961234", "139-0896-12345"])
def test_mobile_must_be_a_mainland_mobile(need_list, xizang_liaison, mobile):
    upload = preview(need_list, handmade([row_with(GOOD_NEED, contact_mobile=mobile)]), xizang_liaison)
    assert "手机" in errors_of(upload)["contact_mobile"]


def test_mobile_written_as_number_or_with_spaces_accepted(need_list, xizang_liaison):
    upload = preview(need_list, handmade([row_with(GOOD_NEED, contact_mobile=13908961234),
                                          row_with(GOOD_NEED, contact_mobile="139 0896 1234")]), xizang_liaison)
    assert upload.error_count == 0
    assert {r["values"]["contact_mobile"] for r in upload.rows} == {"13908961234"}


def test_errors_name_row_and_column(need_list, xizang_liaison, client):
    upload = preview(need_list, handmade([GOOD_NEED, row_with(GOOD_NEED, category="扶贫", amount="abc")]),
                     xizang_liaison)
    client.force_login(xizang_liaison)
    page = client.get(f"/aid/uploads/{upload.pk}/").content.decode()
    bad_row = upload.rows[1]["row"]
    assert f"第{bad_row}行" in page and "帮扶类别“扶贫”无效" in page and "不是数字" in page
    assert "本次不能导入" in page


# --- all-or-nothing, re-upload, kinds -------------------------------------------------------------------
def test_commit_with_any_error_adds_nothing(need_list, xizang_liaison):
    upload = preview(need_list, handmade([GOOD_NEED, GOOD_NEED, row_with(GOOD_NEED, category="x")]), xizang_liaison)
    with pytest.raises(ApplicationError, match="1 处错误"):
        services.upload_commit(upload=upload, user=xizang_liaison)
    assert need_list.items.count() == 0
    upload.refresh_from_db()
    assert upload.status == UploadStatus.PREVIEW


def test_commit_adds_every_row_and_is_audited(need_list, xizang_liaison):
    upload = preview(need_list, handmade([GOOD_NEED, row_with(GOOD_NEED, name="第二个项目")]), xizang_liaison)
    assert need_list.items.count() == 0  # preview saved nothing
    assert services.upload_commit(upload=upload, user=xizang_liaison) == 2
    items = list(need_list.items.order_by("seq"))
    assert [i.seq for i in items] == [1, 2] and items[1].name == "第二个项目"
    assert items[0].amount == Decimal("50.00") and items[0].place.code == "540102"
    assert AuditEntry.objects.filter(object_id=str(upload.pk), note__contains="导入 2 个项目").exists()


def test_same_file_twice_adds_nothing(need_list, xizang_liaison):
    data = handmade([GOOD_NEED])
    services.upload_commit(upload=preview(need_list, data, xizang_liaison), user=xizang_liaison)
    with pytest.raises(ApplicationError, match="未重复添加"):
        preview(need_list, data, xizang_liaison)
    assert need_list.items.count() == 1


def test_two_previews_of_one_file_commit_once(need_list, xizang_liaison):
    data = handmade([GOOD_NEED])
    first, second = preview(need_list, data, xizang_liaison), preview(need_list, data, xizang_liaison)
    services.upload_commit(upload=first, user=xizang_liaison)
    with pytest.raises(ApplicationError, match="未重复添加"):
        services.upload_commit(upload=second, user=xizang_liaison)
    assert need_list.items.count() == 1


def test_replace_mode_swaps_the_rows(need_list, xizang_liaison):
    first = handmade([GOOD_NEED, row_with(GOOD_NEED, name="第二个项目")])
    services.upload_commit(upload=preview(need_list, first, xizang_liaison), user=xizang_liaison)
    upload = preview(need_list, handmade([row_with(GOOD_NEED, name="新项目")]), xizang_liaison, replace=True)
    services.upload_commit(upload=upload, user=xizang_liaison)
    assert list(need_list.items.values_list("name", "seq")) == [("新项目", 1)]


def test_submitted_list_refuses_uploads(need_list, xizang_liaison):
    need_list.status = ListStatus.SUBMITTED
    need_list.save()
    with pytest.raises(ApplicationError, match="已报送"):
        preview(need_list, handmade([GOOD_NEED]), xizang_liaison)


def test_a_province_files_only_its_own_kind(xizang_liaison, zhejiang_liaison):
    campaign = make_campaign()
    with pytest.raises(ApplicationError, match="无需填报附件3"):
        services.aid_list_open(campaign=campaign, authority=xizang_liaison.authority, kind=ListKind.SUPPLY,
                               user=xizang_liaison)
    with pytest.raises(ApplicationError, match="不是受援地区"):
        services.aid_list_open(campaign=campaign, authority=zhejiang_liaison.authority, kind=ListKind.NEED,
                               user=zhejiang_liaison)
    assert services.aid_list_open(campaign=campaign, authority=zhejiang_liaison.authority, kind=ListKind.SUPPLY,
                                  user=zhejiang_liaison).authority.code == "330000"


# --- refusals before any parsing ------------------------------------------------------------------------
def test_file_over_10_mb_refused(need_list, xizang_liaison):
    with pytest.raises(ApplicationError, match="超过 10 MB"):
        services.upload_preview(aid_list=need_list, fileobj=io.BytesIO(b"x"), filename="a.xlsx",
                                size=10 * 1024 * 1024 + 1, user=xizang_liaison)


@pytest.mark.parametrize("data,message", [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "不是 Excel 2007"),  # an old .xls
    ("序号,项目名称\n1,x\n".encode(), "不是 Excel 2007"),  # a CSV renamed
    (b"", "空的"),
])
def test_not_really_xlsx_refused(need_list, xizang_liaison, data, message):
    with pytest.raises(ApplicationError, match=message):
        preview(need_list, data, xizang_liaison)


def test_macro_workbook_refused(need_list, xizang_liaison):
    with pytest.raises(ApplicationError, match="宏"):
        preview(need_list, with_macro(handmade([GOOD_NEED])), xizang_liaison)


def test_zip_bomb_refused(need_list, xizang_liaison):
    data = zip_bomb()
    assert len(data) < 2 * 1024 * 1024
    with pytest.raises(ApplicationError, match="压缩炸弹"):
        preview(need_list, data, xizang_liaison)


def test_wrong_extension_refused(need_list, xizang_liaison):
    with pytest.raises(ApplicationError, match=r"\.xlsx"):
        preview(need_list, handmade([GOOD_NEED]), xizang_liaison, name="清单.xls")


def test_upload_page_keeps_the_error_next_to_the_field(need_list, xizang_liaison, client):
    client.force_login(xizang_liaison)
    response = client.post(f"/aid/lists/{need_list.pk}/upload/",
                           {"file": SimpleUploadedFile("清单.xlsx", with_macro(handmade([GOOD_NEED])))})
    assert response.status_code == 200
    assert "含有宏" in response.content.decode()
    assert Upload.objects.count() == 0


# --- formula escaping --------------------------------------------------------------------------------------
def test_formula_like_text_is_written_as_text(need_list, xizang_liaison):
    dangerous = "=HYPERLINK(\"http://x\",\"点我\")"
    upload = preview(need_list, handmade([row_with(GOOD_NEED, name=dangerous, summary="+1+2", contact_name="@某人")]),
                     xizang_liaison)
    assert upload.error_count == 0, upload.rows[0]["errors"]
    services.upload_commit(upload=upload, user=xizang_liaison)
    version = services.list_submit(aid_list=need_list, user=xizang_liaison)
    ws = load_workbook(version.file.open("rb")).worksheets[0]
    cells = {c.value: c for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    for text in (dangerous, "+1+2", "@某人"):
        assert text in cells, text
        assert cells[text].data_type == "s"


def test_item_ids_are_untouched_by_preview(need_list, xizang_liaison):
    preview(need_list, handmade([GOOD_NEED]), xizang_liaison)
    assert AidItem.objects.count() == 0


def test_openpyxl_parses_with_defusedxml():
    import openpyxl

    assert openpyxl.DEFUSEDXML is True  # XML bombs and external entities are refused by the parser itself
