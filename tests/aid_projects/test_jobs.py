"""The Excel summary jobs, each run by the real Celery worker; every workbook is opened and its cells checked."""

from decimal import Decimal

import pytest
from django.db import transaction
from openpyxl import load_workbook

from aid_projects import jobs
from aid_projects.choices import ListKind, ListStatus
from aid_projects.models import AidList
from aid_projects.sheets import CATEGORIES, LIAISON_SPEC, NEED_SPEC, SUPPLY_SPEC
from aid_projects.writer import FIRST_DATA_ROW, HEADER_ROW, liaison_directory_headers, summary_headers
from portal.jobs import job_start, latest_result
from portal.models import Authority, JobStatus
from tests.aid_projects.factories import make_campaign, make_item, make_liaison, make_list
from tests.conftest import wait_for_job


def run(kind, user, **params):
    with transaction.atomic():
        job = job_start(kind=kind, user=user, authority=user.authority, params=params)
    return wait_for_job(job)


def succeeded(job):
    assert job.status == JobStatus.SUCCEEDED, f"{job.message} {job.errors}"
    assert job.result_file and job.done == job.total
    return load_workbook(job.result_file.path)


def rows(ws, first=1):
    return [list(r) for r in ws.iter_rows(min_row=first, values_only=True)]


def header(ws, row=HEADER_ROW):
    return [c.value for c in ws[row]]


# --- a province's own attachment -------------------------------------------------------------------
def test_own_need_attachment(celery_worker, xizang_staff):
    campaign = make_campaign()
    need = make_list(campaign, "540000", ListKind.NEED)  # a draft: the province's own rows as they are now
    make_item(need, name="牧区小学营养午餐", amount="50", seq=1)
    make_item(need, name="=1+1", category="医疗帮扶", place_code="540602", amount="12.34", seq=3,
              contact_name="@次仁", contact_mobile="13908901234")
    job = run(jobs.ATTACHMENT, xizang_staff, list_id=need.pk)
    wb = succeeded(job)
    assert job.result_name == "西藏自治区附件2援藏援疆项目需求清单省级汇总表.xlsx"
    assert job.total == 2
    ws = wb["附件2"]
    assert ws["A2"].value == NEED_SPEC.title
    assert ws["A4"].value == "单位：西藏自治区民政厅（公章）"
    assert header(ws) == NEED_SPEC.printed_headers
    data = rows(ws, FIRST_DATA_ROW)
    assert data[0] == [1, "牧区小学营养午餐", "教育帮扶", "西藏自治区拉萨市城关区", "项目简介", 50, "联系人",
                       "13912345678"]
    assert data[1][:3] == [2, "=1+1", "医疗帮扶"]  # renumbered 1..n
    assert ws.cell(row=FIRST_DATA_ROW + 1, column=2).data_type == "s"
    assert ws.cell(row=FIRST_DATA_ROW + 1, column=7).value == "@次仁"
    assert ws.cell(row=FIRST_DATA_ROW + 1, column=6).value == pytest.approx(12.34)
    assert ws.cell(row=FIRST_DATA_ROW + 1, column=6).number_format == "0.00"
    assert data[2][0] == "备注："
    assert data[3][0] == "1. " + NEED_SPEC.notes[0]
    assert "2 行" in job.message and "草稿" in job.message


def test_own_liaison_attachment_lists_the_province_first(celery_worker, xizang_liaison):
    campaign = make_campaign()
    liaison_list = make_list(campaign, "540000", ListKind.LIAISON)
    make_liaison(campaign, "540100", name="扎西", unit="拉萨市民政局", email="zhaxi@example.cn")
    make_liaison(campaign, "540000", name="卓玛", email="zhuoma@example.cn")
    make_liaison(campaign, "650000", name="阿依古丽")  # another province: not in 西藏's table
    wb = succeeded(run(jobs.ATTACHMENT, xizang_liaison, list_id=liaison_list.pk))
    ws = wb["附件1"]
    assert ws["A2"].value == LIAISON_SPEC.title and ws["A4"].value == "单位：西藏自治区民政厅（盖章）"
    assert header(ws) == LIAISON_SPEC.printed_headers
    assert rows(ws, FIRST_DATA_ROW) == [["卓玛", "0891-6321234", "13908901234", "zhuoma@example.cn"],
                                        ["扎西", "0891-6321234", "13908901234", "zhaxi@example.cn"]]
    directory = wb["联络员名录"]
    assert rows(directory, 4) == [
        [1, "西藏自治区", "卓玛", "民政厅社会组织管理局", "0891-6321234", "13908901234", "zhuoma@example.cn"],
        [2, "西藏自治区拉萨市", "扎西", "拉萨市民政局", "0891-6321234", "13908901234", "zhaxi@example.cn"],
    ]


def test_attachment_of_another_provinces_list_fails(celery_worker, zhejiang_staff):
    need = make_list(make_campaign(), "540000", ListKind.NEED)
    job = run(jobs.ATTACHMENT, zhejiang_staff, list_id=need.pk)
    assert job.status == JobStatus.FAILED and not job.result_file
    assert job.message == f"清单（编号 {need.pk}）不存在或不属于本单位。"


# --- national need and supply ----------------------------------------------------------------------
def national_fixture():
    campaign = make_campaign()
    xizang = make_list(campaign, "540000", ListKind.NEED, ListStatus.ACCEPTED)
    for seq, (category, amount) in enumerate([("教育帮扶", "50"), ("教育帮扶", "30.5"), ("医疗帮扶", "200")], 1):
        make_item(xizang, name=f"西藏项目{seq}", category=category, amount=amount, seq=seq)
    xinjiang = make_list(campaign, "650000", ListKind.NEED, ListStatus.SUBMITTED)
    make_item(xinjiang, name="+南疆双语幼儿园", category="产业帮扶", place_code="652901", amount="80", seq=1)
    qinghai = make_list(campaign, "630000", ListKind.NEED, ListStatus.DRAFT)  # a draft is left out
    make_item(qinghai, name="草稿项目", place_code="632821", seq=1)
    sichuan = make_list(campaign, "510000", ListKind.NEED, ListStatus.RETURNED)  # so is a returned list
    make_item(sichuan, name="退回项目", place_code="513301", seq=1)
    return campaign


def test_national_need_workbook(celery_worker, ministry_staff):
    campaign = national_fixture()
    job = run(jobs.NATIONAL_NEED, ministry_staff, campaign_id=campaign.pk)
    wb = succeeded(job)
    assert job.total == 4
    assert job.result_name == "2025年度援藏援疆项目对接社会组织援藏援疆项目需求清单全国汇总表.xlsx"
    assert wb.sheetnames == ["汇总", "西藏自治区", "新疆维吾尔自治区"]
    summary = wb["汇总"]
    assert summary["A1"].value == "2025年度援藏援疆项目对接　社会组织援藏援疆项目需求清单全国汇总表"
    assert header(summary, 2) == summary_headers()
    by_province = {r[1]: r for r in rows(summary, 3) if r[1]}
    columns = summary_headers()

    def value(province, title):
        return by_province[province][columns.index(title)]

    assert value("西藏自治区", "状态") == "已接收"
    assert value("新疆维吾尔自治区", "状态") == "已报送"
    assert value("西藏自治区", "教育帮扶\n项目数") == 2
    assert value("西藏自治区", "教育帮扶\n资金（万元）") == pytest.approx(80.5)
    assert value("西藏自治区", "医疗帮扶\n项目数") == 1
    assert value("西藏自治区", "产业帮扶\n项目数") == 0
    assert value("西藏自治区", "合计\n项目数") == 3
    assert value("西藏自治区", "合计\n资金（万元）") == pytest.approx(280.5)
    assert value("全国合计", "合计\n项目数") == 4
    assert value("全国合计", "合计\n资金（万元）") == pytest.approx(360.5)
    assert value("全国合计", "产业帮扶\n项目数") == 1
    assert "青海省" not in by_province and "四川省" not in by_province
    footer = [r[0] for r in rows(summary, 3) if isinstance(r[0], str) and r[0].startswith("尚未报送")]
    assert footer == ["尚未报送：四川省、云南省、甘肃省、青海省、新疆生产建设兵团"]
    assert summary.cell(row=3, column=columns.index("教育帮扶\n资金（万元）") + 1).number_format == "0.00"

    tibet = wb["西藏自治区"]
    assert tibet["A2"].value == NEED_SPEC.title and tibet["A4"].value == "单位：西藏自治区民政厅（公章）"
    assert header(tibet) == NEED_SPEC.printed_headers
    assert [r[:3] for r in rows(tibet, FIRST_DATA_ROW)[:3]] == [
        [1, "西藏项目1", "教育帮扶"], [2, "西藏项目2", "教育帮扶"], [3, "西藏项目3", "医疗帮扶"]]
    assert tibet.cell(row=FIRST_DATA_ROW + 3, column=1).value == "备注："
    assert tibet.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
    xinjiang = wb["新疆维吾尔自治区"]
    assert xinjiang["A4"].value == "单位：新疆维吾尔自治区民政厅（公章）"
    assert xinjiang.cell(row=FIRST_DATA_ROW, column=2).value == "+南疆双语幼儿园"
    assert xinjiang.cell(row=FIRST_DATA_ROW, column=2).data_type == "s"
    assert "共 2 个省份、4 个项目" in job.message


def test_national_supply_workbook(celery_worker, ministry_staff):
    campaign = make_campaign()
    zhejiang = make_list(campaign, "330000", ListKind.SUPPLY, ListStatus.SUBMITTED)
    make_item(zhejiang, name="浙江医疗队", category="医疗帮扶", place_code="330000", amount="100", seq=1,
              place_text="西藏自治区那曲市色尼区")
    hebei = make_list(campaign, "130000", ListKind.SUPPLY, ListStatus.ACCEPTED)
    make_item(hebei, name="河北消费帮扶", category="消费帮扶", place_code="130000", amount="20", seq=1)
    wb = succeeded(run(jobs.NATIONAL_SUPPLY, ministry_staff, campaign_id=campaign.pk))
    assert wb.sheetnames == ["汇总", "河北省", "浙江省"]  # by division code
    assert header(wb["浙江省"]) == SUPPLY_SPEC.printed_headers
    assert wb["浙江省"]["A1"].value == "附件3" and wb["浙江省"]["A4"].value == "单位：浙江省民政厅（公章）"
    assert rows(wb["浙江省"], FIRST_DATA_ROW)[0][:4] == [1, "浙江医疗队", "医疗帮扶", "西藏自治区那曲市色尼区"]
    summary = rows(wb["汇总"], 3)
    assert [r[1] for r in summary[:3]] == ["河北省", "浙江省", "全国合计"]
    assert summary[2][-2:] == [2, 120]
    assert summary[2][4 + 2 * CATEGORIES.index("消费帮扶")] == 1


def test_national_liaison_table(celery_worker, ministry_staff):
    campaign = make_campaign()
    make_list(campaign, "540000", ListKind.LIAISON, ListStatus.ACCEPTED)
    make_liaison(campaign, "540000", name="卓玛")
    make_liaison(campaign, "540100", name="扎西", unit="拉萨市民政局")
    make_list(campaign, "650000", ListKind.LIAISON, ListStatus.DRAFT)
    make_liaison(campaign, "650000", name="阿依古丽")  # a draft: not shown
    job = run(jobs.NATIONAL_LIAISON, ministry_staff, campaign_id=campaign.pk)
    wb = succeeded(job)
    ws = wb["联络员汇总"]
    assert ws["A1"].value == "2025年度援藏援疆项目对接　社会组织援藏援疆工作全国联络员表"
    assert header(ws, 2) == liaison_directory_headers()
    table = [r for r in rows(ws, 3) if isinstance(r[0], int)]
    assert len(table) == 8  # 西藏's two officers, one row for each of the six others
    assert [r[0] for r in table] == list(range(1, 9))
    assert [r[1] for r in table] == ["四川省", "云南省", "西藏自治区", "西藏自治区", "甘肃省", "青海省",
                                     "新疆维吾尔自治区", "新疆生产建设兵团"]  # by division code
    assert table[2][1:] == ["西藏自治区", "西藏自治区", "卓玛", "民政厅社会组织管理局", "0891-6321234", "13908901234",
                            "liaison@example.cn", "已接收"]  # the provincial liaison first
    assert table[3][2:4] == ["西藏自治区拉萨市", "扎西"]
    assert table[0][2] == "四川省民政厅" and table[0][-1] == "未报送"
    xinjiang = next(r for r in table if r[1] == "新疆维吾尔自治区")
    assert xinjiang[3] is None and xinjiang[-1] == "未报送"
    assert "阿依古丽" not in {r[3] for r in table}
    assert job.message == "1 个受援省份已报送，共 2 名联络员。"


# --- an aiding province's paired recipients --------------------------------------------------------
def test_paired_needs_for_an_aiding_province(celery_worker, zhejiang_staff):
    campaign = make_campaign()
    for code, status, place in [("540000", ListStatus.ACCEPTED, "540602"), ("650000", ListStatus.SUBMITTED, "652901"),
                                ("630000", ListStatus.ACCEPTED, "632821"), ("530000", ListStatus.ACCEPTED, "533401")]:
        need = make_list(campaign, code, ListKind.NEED, status)
        make_item(need, name=f"{code}的需求", place_code=place, seq=1)
    make_item(AidList.objects.get(campaign=campaign, authority__code="540000"), name="拉萨的需求",
              place_code="540102", seq=2)  # 拉萨 is 北京's and 江苏's, not 浙江's
    job = run(jobs.PAIRED_NEEDS, zhejiang_staff, campaign_id=campaign.pk)
    wb = succeeded(job)
    # 浙江 is paired with 西藏那曲, 新疆阿克苏, 兵团一师, 青海海西, 四川甘孜/阿坝; 云南 is not its recipient;
    # 新疆's list is not accepted yet
    assert wb.sheetnames == ["汇总", "西藏自治区", "青海省"]
    assert wb["汇总"]["A1"].value == "2025年度援藏援疆项目对接　浙江省结对受援地项目需求清单"
    tibet = rows(wb["西藏自治区"], FIRST_DATA_ROW)
    assert tibet[0][1] == "540000的需求" and "拉萨的需求" not in {cell for row in tibet for cell in row}
    assert "已接收清单 2 份、2 个项目" in job.message
    assert header(wb["青海省"]) == NEED_SPEC.printed_headers
    summary = rows(wb["汇总"], 3)
    assert summary[2][1] == "合计"
    assert any(isinstance(r[0], str) and r[0].startswith("需求清单尚未接收：") and "新疆维吾尔自治区" in r[0]
               and "云南省" not in r[0] for r in summary)
    assert job.result_name == "2025年度援藏援疆项目对接浙江省结对受援地项目需求清单.xlsx"


def test_paired_needs_refused_to_a_recipient(celery_worker, xizang_staff):
    job = run(jobs.PAIRED_NEEDS, xizang_staff, campaign_id=make_campaign().pk)
    assert job.status == JobStatus.FAILED and job.message == "结对受援地的需求清单只供支援省份下载。"


def test_national_job_refused_outside_the_ministry(celery_worker, xizang_staff):
    job = run(jobs.NATIONAL_NEED, xizang_staff, campaign_id=make_campaign().pk)
    assert job.status == JobStatus.FAILED and job.message == "全国汇总仅限民政部社会组织管理局生成。"
    assert not job.result_file


# --- a failed run keeps the last good file --------------------------------------------------------
def test_failed_run_keeps_the_previous_result(celery_worker, ministry_staff):
    campaign = national_fixture()
    good = run(jobs.NATIONAL_NEED, ministry_staff, campaign_id=campaign.pk)
    assert good.status == JobStatus.SUCCEEDED
    failed = run(jobs.NATIONAL_NEED, ministry_staff, campaign_id=987654)
    assert failed.status == JobStatus.FAILED
    assert failed.message == "对接年度（编号 987654）不存在或已被删除，无法生成汇总。"
    assert not failed.result_file
    ministry = Authority.objects.get(code="000000")
    assert latest_result(jobs.NATIONAL_NEED, ministry) == good
    assert latest_result(jobs.NATIONAL_NEED, ministry, {"campaign_id": campaign.pk}) == good
    assert load_workbook(good.result_file.path)["汇总"]["A1"].value.startswith(campaign.name)


def test_amounts_are_numbers_with_two_decimals(celery_worker, ministry_staff):
    campaign = make_campaign()
    need = make_list(campaign, "540000", ListKind.NEED, ListStatus.ACCEPTED)
    make_item(need, amount="0.05", seq=1)
    make_item(need, amount="199.99", seq=2)
    wb = succeeded(run(jobs.NATIONAL_NEED, ministry_staff, campaign_id=campaign.pk))
    ws = wb["西藏自治区"]
    cells = [ws.cell(row=FIRST_DATA_ROW + i, column=6) for i in range(2)]
    assert [Decimal(str(c.value)) for c in cells] == [Decimal("0.05"), Decimal("199.99")]
    assert all(c.data_type == "n" and c.number_format == "0.00" for c in cells)
