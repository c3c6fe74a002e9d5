"""The pages: the permission matrix on every one, and what each shows and refuses."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from crackdown.choices import CaseStage, EvidenceKind, LeadStatus, ListKind
from crackdown.models import Case, CaseDocument, CaseEvent, Evidence, Informant, Lead, LeadAttachment, ListEntry
from crackdown.services import (
    case_transition,
    check_batch_create,
    lead_set_status,
    list_batch_create,
    list_entry_add,
    list_publish,
)
from portal.models import AuditAction, AuditEntry
from tests.crackdown.conftest import document
from tests.permissions import assert_permission_matrix

pytestmark = pytest.mark.django_db


@pytest.fixture
def hb(make_lead, make_case, hebei_staff, hebei_approver):
    """河北's objects: a lead with informant and attachment, a confirmed lead, a case, batches, lists."""
    lead = make_lead(hebei_staff, "中华国学传承总会")
    Informant.objects.create(lead=lead, name="张三", phone="13912341111")
    attachment = LeadAttachment.objects.create(lead=lead, title="举报材料.txt",
                                               file=SimpleUploadedFile("举报材料.txt", "内容".encode()))
    confirmed = make_lead(hebei_staff, "燕赵文化促进会")
    lead_set_status(lead=confirmed, actor=hebei_staff, status=LeadStatus.CHECKING)
    lead_set_status(lead=confirmed, actor=hebei_staff, status=LeadStatus.CONFIRMED)
    case = make_case(hebei_staff)
    document = CaseDocument.objects.create(case=case, title="立案审批表", uploaded_by=hebei_staff,
                                           file=SimpleUploadedFile("立案审批表.txt", b"x"))
    evidence = Evidence.objects.create(case=case, kind=EvidenceKind.DOCUMENTARY, description="收据", source="现场",
                                       obtained_on="2025-06-02", file=SimpleUploadedFile("收据.txt", b"x"))
    batch = check_batch_create(actor=hebei_staff, number="冀排〔2025〕1号", checked_on="2025-06-01")
    draft = list_batch_create(actor=hebei_staff, kind=ListKind.SUSPECTED, number="2025年第1批")
    draft_entry = list_entry_add(batch=draft, actor=hebei_staff, lead=lead)
    published = list_batch_create(actor=hebei_staff, kind=ListKind.SUSPECTED, number="2025年第2批")
    entry = list_entry_add(batch=published, actor=hebei_staff, lead=confirmed)
    list_publish(batch=published, actor=hebei_approver)
    return {"lead": lead, "confirmed": confirmed, "case": case, "attachment": attachment, "document": document,
            "evidence": evidence, "batch": batch, "draft": draft, "draft_entry": draft_entry,
            "published": published, "entry": entry}


LIST_PAGES = ["lead-list", "lead-create", "lead-check-name", "batch-list", "batch-create", "case-list",
              "case-create", "listbatch-list", "listbatch-create", "statistics"]


@pytest.mark.parametrize("name", LIST_PAGES)
def test_matrix_pages_without_object(client, name, hebei_staff, no_role_user):
    assert_permission_matrix(client, reverse(f"crackdown:{name}"), own=hebei_staff, no_perm=no_role_user)


OBJECT_PAGES = [
    ("lead-detail", "lead", "staff"), ("lead-update", "lead", "staff"), ("lead-transfer", "lead", "staff"),
    ("lead-to-case", "confirmed", "staff"), ("lead-attachment", "attachment", "staff"),
    ("batch-detail", "batch", "staff"), ("case-detail", "case", "staff"), ("case-update", "case", "staff"),
    ("case-evidence-add", "case", "staff"), ("case-inquiry-add", "case", "staff"),
    ("case-shutdown-add", "case", "staff"), ("case-linked-add", "case", "staff"),
    ("case-document", "document", "staff"), ("case-evidence-file", "evidence", "staff"),
    ("listbatch-detail", "draft", "staff"), ("listbatch-publish", "draft", "approver"),
    ("listentry-withdraw", "entry", "approver"),
]


@pytest.mark.parametrize(("name", "key", "who"), OBJECT_PAGES)
def test_matrix_object_pages(client, hb, name, key, who, hebei_staff, hebei_approver, no_role_user,
                             zhejiang_staff, zhejiang_approver):
    own, other = (hebei_approver, zhejiang_approver) if who == "approver" else (hebei_staff, zhejiang_staff)
    url = reverse(f"crackdown:{name}", args=[hb[key].pk])
    assert_permission_matrix(client, url, own=own, no_perm=no_role_user, other=other)


def test_matrix_transition_page(client, hb, hebei_approver, no_role_user, zhejiang_approver):
    url = reverse("crackdown:case-transition", args=[hb["case"].pk, CaseStage.INVESTIGATION])
    assert_permission_matrix(client, url, own=hebei_approver, no_perm=no_role_user, other=zhejiang_approver)


POST_PAGES = [
    ("lead-status", "lead", {"status": "checking", "note": ""}, 302),
    ("batch-add-leads", "batch", {"numbers": ""}, 302),
    # nothing picked: the batch page again, the error beside the field (issue 12 point 7)
    ("listentry-add", "draft", {"number": "", "name": ""}, 200),
    ("listentry-remove", "draft_entry", {}, 302),
]


@pytest.mark.parametrize(("name", "key", "data", "status"), POST_PAGES)
def test_matrix_post_actions(client, hb, name, key, data, status, hebei_staff, no_role_user, zhejiang_staff):
    url = reverse(f"crackdown:{name}", args=[hb[key].pk])
    assert_permission_matrix(client, url, own=hebei_staff, no_perm=no_role_user, other=zhejiang_staff,
                             method="post", data=data, ok_status=status)


def test_matrix_statistics_export(client, hebei_staff, no_role_user):
    assert_permission_matrix(client, reverse("crackdown:statistics-export"), own=hebei_staff, no_perm=no_role_user,
                             method="post", data={"date_from": "2025-01-01", "date_to": "2025-12-31"},
                             ok_status=302)


# --- informant: masked, and the audited full view ----------------------------------------------
def test_informant_masked_and_unmasked_with_audit(client, hb, hebei_staff, hebei_chief, no_role_user,
                                                  zhejiang_chief):
    lead = hb["lead"]
    client.force_login(hebei_staff)
    page = client.get(reverse("crackdown:lead-detail", args=[lead.pk])).content.decode()
    assert "张*" in page and "139****1111" in page
    assert "张三" not in page and "13912341111" not in page
    assert "查看完整信息" not in page
    url = reverse("crackdown:lead-informant", args=[lead.pk])
    assert client.post(url).status_code == 403  # staff without view_informant
    assert not AuditEntry.objects.filter(action=AuditAction.VIEW_SENSITIVE).exists()
    assert_permission_matrix(client, url, own=hebei_chief, no_perm=no_role_user, other=zhejiang_chief, method="post")
    client.force_login(hebei_chief)
    assert "查看完整信息" in client.get(reverse("crackdown:lead-detail", args=[lead.pk])).content.decode()
    page = client.post(url).content.decode()
    assert "张三" in page and "13912341111" in page
    entries = AuditEntry.objects.filter(action=AuditAction.VIEW_SENSITIVE, object_id=str(lead.pk))
    assert entries.count() == 2 and {e.username for e in entries} == {"hebei_chief"}


# --- leads ---------------------------------------------------------------------------------------
def test_lead_create_page_and_name_check(client, hebei_staff, zhejiang_staff, make_lead):
    make_lead(zhejiang_staff, "国际儒学研究总会")
    client.force_login(hebei_staff)
    check = client.get(reverse("crackdown:lead-check-name"), {"org_name": "国际儒学研究总会"}).content.decode()
    assert "国际" in check and "浙江省" in check
    response = client.post(reverse("crackdown:lead-create"), {
        "org_name": "国际儒学研究总会", "source": "department", "source_department": "", "received_on": "2025-07-01",
        "place_text": "河北省保定市", "places_text": "", "informant_name": "王五", "informant_phone": "13800002222",
    })
    assert response.status_code == 200 and "须选择移送部门" in response.content.decode()
    response = client.post(reverse("crackdown:lead-create"), {
        "org_name": "国际儒学研究总会", "source": "department", "source_department": "public_security",
        "received_on": "2025-07-01", "place_text": "河北省保定市", "places_text": "",
        "informant_name": "王五", "informant_phone": "13800002222",
        "attachments": [SimpleUploadedFile("a.txt", b"a"), SimpleUploadedFile("b.txt", b"b")],
    })
    assert response.status_code == 302
    lead = Lead.objects.get(org_name="国际儒学研究总会", authority__code="130000")
    assert lead.places == ["130600"] and lead.informant.name == "王五" and lead.attachments.count() == 2
    page = client.get(response["Location"]).content.decode()
    # the message quotes the rule it applies (issue 14 point 10: the rules as written)
    assert "冠以“国际”" in page and "《社会组织名称管理办法》第八条" in page and "浙江省已有名称相似" in page


def test_lead_status_transfer_and_to_case_pages(client, hb, hebei_staff):
    client.force_login(hebei_staff)
    lead = hb["lead"]
    client.post(reverse("crackdown:lead-status", args=[lead.pk]), {"status": "confirmed"})
    assert Lead.objects.get(pk=lead.pk).status == LeadStatus.PENDING  # not allowed from 待核查
    client.post(reverse("crackdown:lead-status", args=[lead.pk]), {"status": "checking", "note": "开始核查"})
    assert Lead.objects.get(pk=lead.pk).status == LeadStatus.CHECKING
    response = client.post(reverse("crackdown:lead-to-case", args=[hb["confirmed"].pk]), {
        "org_name": "燕赵文化促进会", "target_type": "unregistered", "jurisdiction": "territorial",
        "note": "请批准立案"})
    case = Case.objects.get(lead=hb["confirmed"])
    assert response["Location"] == reverse("crackdown:case-detail", args=[case.pk])
    response = client.post(reverse("crackdown:lead-transfer", args=[lead.pk]),
                           {"to_department": "market", "transfer_date": "2025-07-02"})
    assert response.status_code == 302 and Lead.objects.get(pk=lead.pk).status == LeadStatus.TRANSFERRED


# --- cases ---------------------------------------------------------------------------------------
def test_case_page_offers_only_allowed_steps(client, hb, hebei_staff, hebei_approver):
    case = hb["case"]
    client.force_login(hebei_staff)
    page = client.get(reverse("crackdown:case-detail", args=[case.pk])).content.decode()
    assert "批准立案" not in page and "审批须由提请人以外的人员进行" in page
    assert client.get(reverse("crackdown:case-transition", args=[case.pk, "closed"])).status_code == 404
    client.force_login(hebei_approver)
    page = client.get(reverse("crackdown:case-detail", args=[case.pk])).content.decode()
    assert "批准立案" in page and "不予立案" in page


def test_case_transition_page_and_timeline(client, hb, hebei_staff, hebei_approver):
    case = hb["case"]
    client.force_login(hebei_staff)
    url = reverse("crackdown:case-transition", args=[case.pk, CaseStage.INVESTIGATION])
    response = client.post(url, {"version": case.version, "note": "自己批"})
    assert response.status_code == 400 and "提请人以外" in response.content.decode()
    client.force_login(hebei_approver)
    response = client.post(url, {"version": case.version, "note": "同意立案",
                                 "documents": [SimpleUploadedFile("立案决定.txt", b"ok")]})
    assert response.status_code == 302
    page = client.get(reverse("crackdown:case-detail", args=[case.pk])).content.decode()
    assert "同意立案" in page and "立案决定.txt" in page and "提请人" in page
    assert CaseEvent.objects.filter(case=case, to_stage="investigation", requested_by=hebei_staff).exists()


def test_concurrent_edit_refused_in_the_browser_form(hb, hebei_staff, hebei_approver):
    """Two staff open the edit form; the first saves; the second's save is refused, not applied."""
    case = hb["case"]
    a, b = Client(), Client()
    a.force_login(hebei_staff)
    b.force_login(hebei_approver)
    url = reverse("crackdown:case-update", args=[case.pk])
    form_a = a.get(url).context["form"]
    form_b = b.get(url).context["form"]
    data = {k: v for k, v in form_a.initial.items() if v is not None}
    data.update(target_type=case.target_type, jurisdiction=case.jurisdiction, cases_solved=0, suspects_caught=0,
                version=form_a["version"].value())
    assert a.post(url, {**data, "summary": "甲：已查明收取会费"}).status_code == 302
    response = b.post(url, {**data, "summary": "乙：另有内容", "version": form_b["version"].value()})
    assert response.status_code == 409 and "该案件已被他人修改" in response.content.decode()
    assert Case.objects.get(pk=case.pk).summary == "甲：已查明收取会费"
    # and a stale transition form likewise
    response = b.post(reverse("crackdown:case-transition", args=[case.pk, "investigation"]),
                      {"version": form_b["version"].value()})
    assert response.status_code == 409


def test_case_records_pages(client, make_case, hebei_staff, hebei_approver):
    case = make_case(hebei_staff, CaseStage.INVESTIGATION)
    client.force_login(hebei_staff)
    response = client.post(reverse("crackdown:case-inquiry-add", args=[case.pk]), {
        "kind": "inquiry", "held_on": "2025-06-03", "place": "石家庄", "subject": "负责人李某", "officer_one": "赵一",
        "officer_two": "赵一"})
    assert response.status_code == 200 and "两名不同的执法人员" in response.content.decode()
    client.post(reverse("crackdown:case-inquiry-add", args=[case.pk]), {
        "kind": "inquiry", "held_on": "2025-06-03", "place": "石家庄", "subject": "负责人李某", "officer_one": "赵一",
        "officer_one_cert": "13000001", "officer_two": "钱二", "officer_two_cert": "13000002"})
    client.post(reverse("crackdown:case-shutdown-add", args=[case.pk]),
                {"website": "www.example.cn", "department": "telecom", "shut_on": "2025-06-05"})
    client.post(reverse("crackdown:case-linked-add", args=[case.pk]),
                {"kind": "person", "name": "孙某", "role": "venue", "action": "约谈警示", "handled_on": "2025-06-06"})
    client.post(reverse("crackdown:case-evidence-add", args=[case.pk]),
                {"kind": "electronic", "description": "公众号截图", "source": "网络巡查", "obtained_on": "2025-06-01"})
    case.refresh_from_db()
    assert (case.inquiries.count(), case.shutdowns.count(), case.linked_parties.count(), case.evidence.count()) \
        == (1, 1, 1, 1)


# --- lists -------------------------------------------------------------------------------------
def test_publish_with_confirmation_and_withdraw(client, hb, make_case, hebei_staff, hebei_approver):
    draft = hb["draft"]
    client.force_login(hebei_approver)
    url = reverse("crackdown:listbatch-publish", args=[draft.pk])
    page = client.get(url).content.decode()
    assert "确认发布" in page and "中华国学传承总会" in page
    assert client.post(url, {"published_on": "2025-07-01"}).status_code == 200  # box not ticked
    assert client.post(url, {"published_on": "2025-07-01", "confirm": "on"}).status_code == 302
    draft.refresh_from_db()
    assert draft.is_published and draft.approver == hebei_approver
    entry = hb["draft_entry"]
    response = client.post(reverse("crackdown:listentry-withdraw", args=[entry.pk]), {"reason": "已依法登记"})
    assert response.status_code == 302
    entry = ListEntry.objects.get(pk=entry.pk)
    assert entry.withdrawn and entry.withdrawn_reason == "已依法登记"
    page = client.get(reverse("crackdown:listbatch-detail", args=[draft.pk])).content.decode()
    assert "已撤回（已依法登记" in page


def test_add_entry_by_number(client, hb, hebei_staff, make_case, hebei_approver):
    client.force_login(hebei_staff)
    batch = list_batch_create(actor=hebei_staff, kind=ListKind.BANNED, number="2025年第9批")
    case = make_case(hebei_staff, CaseStage.DECISION, name="世界易学联合会")
    url = reverse("crackdown:listentry-add", args=[batch.pk])
    client.post(url, {"number": case.number})
    assert not batch.entries.exists()  # no ban decision yet
    case = case_transition(case=case, to_stage="service", actor=hebei_approver, expected_version=case.version,
                           decision_number="冀民取字〔2025〕7号", documents=[("decision", document("decision"))])
    client.post(url, {"number": case.number})
    assert list(batch.entries.values_list("name", flat=True)) == ["世界易学联合会"]


# --- home panels -------------------------------------------------------------------------------
def test_home_panels(client, hb, hebei_staff, hebei_approver):
    from crackdown.models import Lead as LeadModel

    LeadModel.objects.filter(pk=hb["lead"].pk).update(check_due="2020-01-01")
    client.force_login(hebei_staff)
    page = client.get(reverse("home")).content.decode()
    assert "待核查的线索" in page and "中华国学传承总会" in page and "已超期" in page
    assert "待我审批的案件" not in page
    client.force_login(hebei_approver)
    page = client.get(reverse("home")).content.decode()
    assert "待我审批的案件" in page and hb["case"].org_name in page


def test_list_query_count_does_not_grow_with_rows(client, make_lead, make_case, hebei_staff):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(hebei_staff)
    make_lead(hebei_staff, "第一个组织")
    make_case(hebei_staff, name="第一个案件")
    urls = [reverse("crackdown:lead-list"), reverse("crackdown:lead-list") + "?q=组织",
            reverse("crackdown:case-list"), reverse("crackdown:listbatch-list"), reverse("crackdown:batch-list")]
    for url in urls:
        client.get(url)
    few = []
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        few.append(len(queries))
    for i in range(30):
        make_lead(hebei_staff, f"另一个组织{i}")
        make_case(hebei_staff, name=f"另一个案件{i}")
    many = []
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        many.append(len(queries))
    assert few == many


def test_ministry_queue_is_the_ministrys_own_work(client, hb, ministry_staff):
    """Ministry staff read every province's leads, but their home queue holds what the ministry received."""
    from crackdown.services import lead_create

    lead_create(actor=ministry_staff, authority=ministry_staff.authority, org_name="部里收到的线索组织",
                source="ministry")
    client.force_login(ministry_staff)
    page = client.get(reverse("home")).content.decode()
    assert "部里收到的线索组织" in page and "中华国学传承总会" not in page
    assert "中华国学传承总会" in client.get(reverse("crackdown:lead-list")).content.decode()


def test_home_counts_are_the_true_counts_not_10_plus(client, make_lead, make_case, hebei_staff, hebei_approver):
    """The panels list the first ten; the badge counts them all (one COUNT per panel)."""
    import re

    from crackdown.selectors import cases_awaiting_count, cases_in_progress_count, leads_to_check_count

    for i in range(13):
        make_lead(hebei_staff, f"待核查组织{i}")
    for i in range(12):
        make_case(hebei_staff, name=f"待审批案件{i}")  # asked for by the clerk: the approver's queue
    make_case(hebei_approver, name="审批人自己申请的案件")  # not in the approver's own queue
    for i in range(11):
        make_case(hebei_staff, CaseStage.INVESTIGATION, name=f"在办案件{i}")

    def badge(page, title):
        match = re.search(re.escape(title) + r' <span class="badge[^"]*panel-count">([^<（]+)', page)
        return match.group(1)

    client.force_login(hebei_staff)
    page = client.get(reverse("home")).content.decode()
    assert badge(page, "待核查的线索") == "13" and "10+" not in page
    assert badge(page, "在办案件期限") == str(cases_in_progress_count(hebei_staff)) == "11"
    assert leads_to_check_count(hebei_staff) == 13
    client.force_login(hebei_approver)
    page = client.get(reverse("home")).content.decode()
    assert badge(page, "待我审批的案件") == "12" == str(cases_awaiting_count(hebei_approver))
    assert page.count("待审批案件") == 10  # the panel still lists the first ten


@pytest.mark.parametrize(("url", "table"), [("/crackdown/leads/", "crackdown_lead"),
                                          ("/crackdown/cases/", "crackdown_case")])
def test_the_lead_and_case_lists_read_only_their_cells(client, make_lead, make_case, hebei_staff, url, table):
    """The list pages select the columns their tables show (issue 17), and no row costs a query of its own
    (a column left out of ``record_fields`` would be read row by row): one row and four cost the same."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(hebei_staff)
    make_lead(hebei_staff, "燕赵国学研究会")
    make_case(hebei_staff, name="燕赵文化促进会")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for n in range(3):
        make_lead(hebei_staff, f"燕赵第{n}研究会")
        make_case(hebei_staff, name=f"燕赵第{n}促进会")
    with CaptureQueriesContext(connection) as four:
        page = client.get(url).content.decode()
    assert len(four.captured_queries) == len(one.captured_queries)
    assert "燕赵第2" in page
    rows = next(q["sql"] for q in four.captured_queries if q["sql"].startswith(f'SELECT "{table}"."id"'))
    selected = rows.split(" FROM ")[0]
    assert f'"{table}"."org_name"' in selected and f'"{table}"."created"' not in selected


def test_the_published_lists_page_reads_only_its_cells(client, make_lead, hebei_staff, hebei_approver):
    """The 曝光和取缔名单 list selects its table's columns (the approver's name, not the whole account) and
    a batch costs no query of its own."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def published(number):
        batch = list_batch_create(actor=hebei_staff, kind=ListKind.SUSPECTED, number=number)
        lead = make_lead(hebei_staff, f"{number}国学研究会")
        lead_set_status(lead=lead, actor=hebei_staff, status=LeadStatus.CHECKING)
        lead_set_status(lead=lead, actor=hebei_staff, status=LeadStatus.CONFIRMED)
        list_entry_add(batch=batch, actor=hebei_staff, lead=lead)
        list_publish(batch=batch, actor=hebei_approver)

    client.force_login(hebei_staff)
    published("冀曝1")
    client.get("/crackdown/lists/")  # the session's first refresh is written on this one
    with CaptureQueriesContext(connection) as one:
        assert client.get("/crackdown/lists/").status_code == 200
    for n in range(2, 5):
        published(f"冀曝{n}")
    with CaptureQueriesContext(connection) as four:
        page = client.get("/crackdown/lists/").content.decode()
    assert len(four.captured_queries) == len(one.captured_queries)
    assert "冀曝4" in page and str(hebei_approver) in page
    rows = next(q["sql"] for q in four.captured_queries if q["sql"].startswith('SELECT "crackdown_listbatch"."id"'))
    assert '"portal_user"."password"' not in rows.split(" FROM ")[0]


def test_a_sorted_list_orders_ties_by_the_row_key(client, make_lead, hebei_staff):
    """Sorted by a column, rows with equal values (the same deadline) come in the order of their key, so a
    page holds the same rows every time and no row is on two pages or none (the sort alone left ties to
    PostgreSQL's whim: seen at 200,000 leads sorted by 核查期限)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for n in range(4):
        make_lead(hebei_staff, f"燕赵第{n}研究会")
    Lead.objects.update(check_due="2026-03-01")
    client.force_login(hebei_staff)
    client.get("/crackdown/leads/")
    orders = {}
    for sort in ("check_due", "-check_due", "-authority", None):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/crackdown/leads/", {"sort": sort} if sort else {}).status_code == 200
        rows = next(q["sql"] for q in ctx.captured_queries if q["sql"].startswith('SELECT "crackdown_lead"."id"'))
        orders[sort] = rows.split("ORDER BY")[1].split("LIMIT")[0].strip()
    assert orders["check_due"] == '"crackdown_lead"."check_due" ASC, "crackdown_lead"."id" ASC'
    assert orders["-check_due"] == '"crackdown_lead"."check_due" DESC, "crackdown_lead"."id" ASC'
    assert orders["-authority"].endswith('"crackdown_lead"."id" ASC')
    assert orders[None].count('"crackdown_lead"."id"') == 1  # the default order already ends with the key
