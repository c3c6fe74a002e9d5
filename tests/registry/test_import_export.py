"""Bulk import of organizations (preview, then all-or-nothing commit; one column spec) and the export of
a search as a job on the real worker (issue 10, point 5)."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from aid_projects.sheets import NEED_SPEC
from portal.models import AuditAction, AuditEntry, Authority, JobStatus
from portal.services import ApplicationError
from registry import services
from registry.choices import ImportStatus
from registry.demo import credit_code
from registry.models import Organization
from registry.sheets import ORGANIZATION_SPEC
from registry.writer import template_workbook
from tests.conftest import wait_for_job

pytestmark = pytest.mark.django_db

HEADERS = [c.header for c in ORGANIZATION_SPEC.import_columns]
ZJ_GROUP = credit_code("social_group", "330000", "MJ3301001")
ZJ_FOUNDATION = credit_code("foundation", "330100", "MJ3301002")
ZJ_SERVICE = credit_code("service_org", "330000", "MJ3301003")


def row(code, name, kind="社会团体", authority="330000", **extra):
    values = {"统一社会信用代码": code, "名称": name, "类型": kind, "登记管理机关区划代码": authority, **extra}
    return [values.get(h) for h in HEADERS]


def workbook(*rows, headers=HEADERS, above=()) -> bytes:
    wb = Workbook()
    ws = wb.active
    for line in above:
        ws.append(line)
    ws.append(headers)
    for r in rows:
        ws.append(r)
    buffer = io.BytesIO()
    wb.save(buffer)
    return with_nul(buffer.getvalue())


def with_nul(content: bytes) -> bytes:
    """Excel writes a control character in a cell as _x0000_ (openpyxl refuses to): ``NUL`` becomes that."""
    source, out = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info.filename).replace(b"NUL", b"_x0000_"))
    return out.getvalue()


def preview(user, content: bytes, name="社会组织.xlsx"):
    return services.import_preview(actor=user, fileobj=io.BytesIO(content), filename=name, size=len(content))


GOOD = [
    row(ZJ_GROUP, "浙江省书法家协会", **{"成立登记日期": "2001年5月8日", "注册资金（万元）": "１０．５",
                                       "法定代表人": "王羲"}),
    row(ZJ_FOUNDATION, "杭州市（西湖）教育基金会", "基金会", "330100",
        **{"慈善组织": "是", "慈善组织认定日期": "2017-09-01"}),
    # a full-width code, as a Chinese keyboard types it, is read as the code
    row(ZJ_SERVICE.translate(str.maketrans("0123456789MJ", "０１２３４５６７８９ＭＪ")), "浙江省老年服务中心",
        "民办非企业单位"),
]


def test_the_template_is_the_spec_and_reads_back(zhejiang_staff):
    wb = load_workbook(template_workbook())
    assert [c.value for c in wb.worksheets[0][1]] == HEADERS
    assert "填表说明" in wb.sheetnames
    # a file filled in on the template is a file the portal reads
    template = load_workbook(template_workbook())
    template.worksheets[0].append(GOOD[0])
    buffer = io.BytesIO()
    template.save(buffer)
    run = preview(zhejiang_staff, buffer.getvalue())
    assert (run.row_count, run.error_count) == (1, 0)


def test_import_happy_path_previews_then_commits_all(zhejiang_staff):
    run = preview(zhejiang_staff, workbook(*GOOD))
    assert (run.row_count, run.error_count, run.status) == (3, 0, ImportStatus.PREVIEW)
    assert not Organization.objects.filter(credit_code__in=[ZJ_GROUP, ZJ_FOUNDATION, ZJ_SERVICE]).exists()
    assert services.import_commit(actor=zhejiang_staff, run=run) == 3
    foundation = Organization.objects.get(credit_code=ZJ_FOUNDATION)
    assert foundation.name == "杭州市（西湖）教育基金会"  # full-width brackets kept as typed
    assert foundation.is_charity and foundation.authority.code == "330100" and foundation.province_code == "33"
    group = Organization.objects.get(credit_code=ZJ_GROUP)
    assert str(group.registered_capital) == "10.50" and group.registered_on.isoformat() == "2001-05-08"
    assert Organization.objects.get(credit_code=ZJ_SERVICE).kind == "service_org"
    assert Organization.objects.filter(search_bigrams__contains=["书法"]).exists()  # searchable at once
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, note__contains="批量导入").count() == 3
    run.refresh_from_db()
    assert (run.status, run.added_count) == (ImportStatus.COMMITTED, 3)


def test_the_same_file_twice_adds_nothing(zhejiang_staff):
    content = workbook(*GOOD)
    services.import_commit(actor=zhejiang_staff, run=preview(zhejiang_staff, content))
    with pytest.raises(ApplicationError, match="同一文件已于"):
        preview(zhejiang_staff, content)
    # the same rows in another file: registered codes are marked and not imported again
    run = preview(zhejiang_staff, workbook(*GOOD, row(credit_code("social_group", "330000", "MJ3301004"),
                                                      "浙江省围棋协会")))
    assert run.error_count == 0 and run.skipped_count == 3
    assert "已登记" in run.rows[0]["warnings"]["registered"]
    assert services.import_commit(actor=zhejiang_staff, run=run) == 1
    assert Organization.objects.filter(authority__code__startswith="33").count() == 4


BAD_CODE = ZJ_GROUP[:-1] + ("0" if ZJ_GROUP[-1] != "0" else "1")


@pytest.mark.parametrize(("bad", "message"), [
    (row(ZJ_GROUP, "浙江省书法NUL家协会"), "第3行“名称”含有不可见的控制字符"),
    (row(BAD_CODE, "浙江省书法家协会"), "第3行“统一社会信用代码”统一社会信用代码无效"),
    (row(credit_code("social_group", "330000", "MJ3301009"), "浙江省书法家协会", "基金会"), "第二位为 1"),
    (row("52330000MJ33010０３。", "浙江省书法家协会"), "统一社会信用代码无效"),  # full-width stop in the code
    (row(ZJ_GROUP, "浙江省书法家协会", **{"成立登记日期": "2001年13月8日"}), "不是有效的日期"),
    (row(ZJ_GROUP, "=B2&\"分会\""), "是没有计算结果的公式"),
    (row(GOOD[0][0], "浙江省书法家协会", authority="540000"), "不在本机关（浙江省）管辖范围内"),
    (GOOD[0], "与第2行重复"),
])
def test_one_bad_row_and_nothing_is_imported(zhejiang_staff, bad, message):
    rows = [GOOD[0] if bad is GOOD[0] else GOOD[1], bad]
    run = preview(zhejiang_staff, workbook(*rows))
    assert run.error_count >= 1
    errors = [m for r in run.rows for m in r["errors"].values()]
    assert any(message in m for m in errors), errors
    assert all(m.startswith("第") for m in errors)  # each names its row
    with pytest.raises(ApplicationError, match="本次未导入任何数据"):
        services.import_commit(actor=zhejiang_staff, run=run)
    assert not Organization.objects.filter(authority__code__startswith="33").exists()


def test_another_attachments_file_is_refused(zhejiang_staff):
    content = workbook(["1", "牧区小学", "教育帮扶", "那曲市", "", "50", "张三", "13912345678"],
                       headers=NEED_SPEC.headers, above=[["附件2"], [NEED_SPEC.title]])
    with pytest.raises(ApplicationError, match="此文件是援藏援疆附件2"):
        preview(zhejiang_staff, content)


def test_a_macro_or_a_non_xlsx_file_is_refused_before_parsing(zhejiang_staff):
    with pytest.raises(ApplicationError, match="不是 Excel 2007"):
        preview(zhejiang_staff, "统一社会信用代码,名称\n".encode())
    with pytest.raises(ApplicationError, match=r"请上传 \.xlsx"):
        preview(zhejiang_staff, workbook(*GOOD), name="社会组织.xls")


def test_a_province_imports_only_into_its_own_area_and_the_ministry_anywhere(zhejiang_staff, ministry_staff):
    rows = [GOOD[0], row(credit_code("social_group", "540000", "MJ5401001"), "西藏自治区登山协会",
                         authority="540000")]
    run = preview(zhejiang_staff, workbook(*rows))
    assert list(run.rows[1]["errors"]) == ["authority"] and run.rows[0]["errors"] == {}
    run = preview(ministry_staff, workbook(*rows))
    assert run.error_count == 0
    assert services.import_commit(actor=ministry_staff, run=run) == 2


def test_another_provinces_import_is_404_and_stays_a_preview(client, zhejiang_staff, hebei_staff):
    run = preview(zhejiang_staff, workbook(*GOOD))
    client.force_login(hebei_staff)
    url = reverse("registry:import-detail", args=[run.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "commit"}).status_code == 404
    run.refresh_from_db()
    assert run.status == ImportStatus.PREVIEW and not Organization.objects.filter(credit_code=ZJ_GROUP).exists()


def test_the_pages_upload_preview_and_commit(client, zhejiang_staff):
    client.force_login(zhejiang_staff)
    assert "统一社会信用代码" in client.get(reverse("registry:import-upload")).content.decode()
    template = client.get(reverse("registry:import-template"))
    sheet = load_workbook(io.BytesIO(b"".join(template.streaming_content))).worksheets[0]
    assert sheet["A1"].value == "统一社会信用代码"
    upload = reverse("registry:import-upload")
    bad = client.post(upload, {"kind": "organization",
                               "file": SimpleUploadedFile("a.xlsx", workbook(row(BAD_CODE, "浙江省书法家协会")))})
    assert bad.status_code == 302
    page = client.get(bad["Location"]).content.decode()
    assert "第2行“统一社会信用代码”" in page and "一行也不会导入" in page and 'id="commit-import"' not in page
    good = client.post(upload, {"kind": "organization", "file": SimpleUploadedFile("b.xlsx", workbook(*GOOD))})
    page = client.get(good["Location"]).content.decode()
    assert 'id="commit-import"' in page
    client.post(good["Location"], {"action": "commit"})
    assert "已导入" in client.get(good["Location"]).content.decode()
    assert Organization.objects.filter(credit_code__in=[ZJ_GROUP, ZJ_FOUNDATION, ZJ_SERVICE]).count() == 3
    nothing = client.post(upload, {"kind": "organization", "file": SimpleUploadedFile("c.xls", b"x")})
    assert "请上传 .xlsx" in nothing.content.decode()


def test_export_of_a_search_on_the_real_worker(celery_worker, client, zhejiang_staff, hebei_staff):
    with transaction.atomic():
        services.import_commit(actor=zhejiang_staff, run=preview(zhejiang_staff, workbook(*GOOD)))
        Organization.objects.create(credit_code=credit_code("social_group", "130000", "MJ1301001"),
                                    name="河北省书法家协会", kind="social_group",
                                    authority=Authority.objects.get(code="130000"))
    client.force_login(hebei_staff)
    # the register is public information: 河北 exports 浙江's organizations found by a two-character term
    response = client.post(reverse("registry:organization-export"), {"q": "书法", "kind": "social_group",
                                                                      "cursor": "x"})
    assert response.status_code == 302
    from portal.models import Job

    job = wait_for_job(Job.objects.filter(created_by=hebei_staff).latest("id"))
    assert job.status == JobStatus.SUCCEEDED, job.message
    assert job.params == {"q": "书法", "kind": "social_group"}
    ws = load_workbook(job.result_file.path).worksheets[0]
    assert [c.value for c in ws[1]] == ORGANIZATION_SPEC.headers
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert [r[1] for r in rows] == ["河北省书法家协会", "浙江省书法家协会"]
    zj = rows[1]
    assert (zj[0], zj[2], zj[3], zj[5], zj[8], zj[9]) == (ZJ_GROUP, "社会团体", "330000", "2001-05-08", "王羲", "10.50")
    # the download names its user and time and is an audited export
    download = client.get(reverse("job-download", args=[job.pk]))
    stamped = load_workbook(io.BytesIO(b"".join(download.streaming_content))).worksheets[0]
    assert stamped.cell(row=stamped.max_row, column=1).value.startswith("导出人：河北省")
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT, user=hebei_staff).exists()
    # what the portal writes it reads back: the export re-imported adds nothing (all registered)
    with open(job.result_file.path, "rb") as fh:
        again = preview(zhejiang_staff, fh.read())
    assert again.error_count == 1  # 河北's row is outside 浙江's area …
    assert again.skipped_count == 2  # … and the others are registered already


# --- credit records: one spec per kind, the organization named by its code ------------------------------
def record_book(spec_kind, *rows):
    from registry.sheets import SPECS

    return workbook(*rows, headers=[c.header for c in SPECS[spec_kind].import_columns])


@pytest.fixture
def zj_orgs(zhejiang_staff):
    services.import_commit(actor=zhejiang_staff, run=preview(zhejiang_staff, workbook(*GOOD)))
    return Organization.objects.filter(credit_code__in=[ZJ_GROUP, ZJ_FOUNDATION, ZJ_SERVICE])


def preview_records(user, kind, content):
    return services.import_preview(actor=user, fileobj=io.BytesIO(content), filename="记录.xlsx",
                                   size=len(content), kind=kind)


def test_records_import_previews_commits_and_keeps_the_stored_columns(zj_orgs, zhejiang_staff):
    run = preview_records(zhejiang_staff, "evaluation", record_book(
        "evaluation", [ZJ_GROUP, "浙江省书法家协会", "４Ａ", "2023年11月8日", "浙民评〔2023〕12号"]))
    assert run.error_count == 0
    assert services.import_commit(actor=zhejiang_staff, run=run) == 1
    org = Organization.objects.get(credit_code=ZJ_GROUP)
    assert org.grade == 4 and org.grade_expires_on.isoformat() == "2028-11-08"  # five years, kept by the service
    run = preview_records(zhejiang_staff, "listentry", record_book(
        "listentry", [ZJ_FOUNDATION, "", "活动异常名录", "2025-03-01", "未按时报送年度报告"]))
    services.import_commit(actor=zhejiang_staff, run=run)
    assert Organization.objects.get(credit_code=ZJ_FOUNDATION).on_abnormal_list
    rows = [[ZJ_GROUP, "", 2023, "年度报告", "合格", "2024-05-20", ""],
            [ZJ_SERVICE, "", "2024年度", "年度检查", "基本合格", "", ""]]
    run = preview_records(zhejiang_staff, "inspection", record_book("inspection", *rows))
    assert services.import_commit(actor=zhejiang_staff, run=run) == 2
    # the same rows again (another file): marked, nothing added
    again = preview_records(zhejiang_staff, "inspection", record_book("inspection", *rows, [""] * 7))
    assert again.error_count == 0 and again.skipped_count == 2
    assert services.import_commit(actor=zhejiang_staff, run=again) == 0


@pytest.mark.parametrize(("kind", "bad", "message"), [
    ("penalty", [ZJ_GROUP, "", "2025-01-01", "警告", "", "", ""], "“处罚决定书文号”"),
    ("penalty", [ZJ_GROUP, "", "2025-01-01", "拘留", "", "浙民罚〔2025〕1号", ""], "应填写警告"),
    ("inspection", [ZJ_GROUP, "", "二〇二三", "年度报告", "合格", "", ""], "应填写整数"),
    ("evaluation", [BAD_CODE, "", "3A", "2024-01-01", ""], "统一社会信用代码无效"),
    ("evaluation", [credit_code("social_group", "330000", "MJ3309999"), "", "3A", "2024-01-01", ""], "不在登记库中"),
    ("listentry", [ZJ_GROUP, "", "活动异常名录", "2025-01-01", "=C2"], "没有计算结果的公式"),
])
def test_one_bad_record_and_nothing_is_imported(zj_orgs, zhejiang_staff, kind, bad, message):
    from registry.sheets import SPECS

    good = {"penalty": [ZJ_FOUNDATION, "", "2024-06-01", "警告", "0", "浙民罚〔2024〕7号", "未按规定开展活动"],
            "inspection": [ZJ_FOUNDATION, "", 2024, "年度报告", "合格", "", ""],
            "evaluation": [ZJ_FOUNDATION, "", "5A", "2022-01-01", ""],
            "listentry": [ZJ_FOUNDATION, "", "严重违法失信名单", "2025-02-01", "弄虚作假"]}[kind]
    run = preview_records(zhejiang_staff, kind, record_book(kind, good, bad))
    errors = [m for r in run.rows for m in r["errors"].values()]
    assert any(message in m and m.startswith("第3行") for m in errors), errors
    with pytest.raises(ApplicationError, match="本次未导入任何数据"):
        services.import_commit(actor=zhejiang_staff, run=run)
    model = {"penalty": "penaltys", "inspection": "annualinspections", "evaluation": "evaluations",
             "listentry": "creditlistentrys"}[kind]
    assert not getattr(Organization.objects.get(credit_code=ZJ_FOUNDATION), model).exists()
    assert SPECS[kind].title


def test_records_of_another_provinces_organization_are_refused(zj_orgs, hebei_staff):
    run = preview_records(hebei_staff, "penalty", record_book(
        "penalty", [ZJ_GROUP, "", "2025-01-01", "警告", "", "冀民罚〔2025〕1号", ""]))
    assert "由浙江省登记，不在本机关管辖范围内" in run.rows[0]["errors"]["credit_code"]


def test_a_file_of_another_sheet_is_named(zhejiang_staff):
    with pytest.raises(ApplicationError, match="此文件是《社会组织登记信息表》，不是《社会组织行政处罚表》"):
        preview_records(zhejiang_staff, "penalty", workbook(*GOOD))


def test_the_list_page_exports_its_own_filters(client, hebei_staff):
    client.force_login(hebei_staff)
    page = client.get(reverse("registry:organization-list"), {"q": "书法", "status": "normal", "cursor": "x"})
    html = page.content.decode()
    form = html[html.index('id="export-form"'):]
    form = form[:form.index("</form>")]
    assert 'name="q" value="书法"' in form and 'name="status" value="normal"' in form and "cursor" not in form
    assert reverse("registry:import-upload") in html
