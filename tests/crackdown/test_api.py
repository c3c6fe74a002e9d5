"""The API: the permission matrix on every endpoint, workflow actions, versions, the public endpoints."""

from __future__ import annotations

import pytest
from django.test import Client

from crackdown.choices import CaseStage, LeadStatus, ListKind
from crackdown.models import Case, Lead, ListEntry
from crackdown.services import (
    check_batch_create,
    lead_set_status,
    list_batch_create,
    list_entry_add,
    list_publish,
)
from crackdown.workflow import TRANSITIONS
from portal.models import AuditAction, AuditEntry
from tests.permissions import assert_permission_matrix

pytestmark = pytest.mark.django_db
API = "/api/crackdown"


@pytest.fixture
def objs(make_lead, make_case, hebei_staff, hebei_approver):
    lead = make_lead(hebei_staff, "华夏国学研究会")
    from crackdown.models import Informant

    Informant.objects.create(lead=lead, name="张三", phone="13912341111")
    confirmed = make_lead(hebei_staff, "燕赵慈善联合会")
    lead_set_status(lead=confirmed, actor=hebei_staff, status=LeadStatus.CHECKING)
    lead_set_status(lead=confirmed, actor=hebei_staff, status=LeadStatus.CONFIRMED)
    case = make_case(hebei_staff)
    batch = check_batch_create(actor=hebei_staff, number="冀排1", checked_on="2025-06-01")
    draft = list_batch_create(actor=hebei_staff, kind=ListKind.SUSPECTED, number="第1批")
    list_entry_add(batch=draft, actor=hebei_staff, lead=lead)
    published = list_batch_create(actor=hebei_staff, kind=ListKind.SUSPECTED, number="第2批")
    entry = list_entry_add(batch=published, actor=hebei_staff, lead=confirmed)
    list_publish(batch=published, actor=hebei_approver)
    return {"lead": lead, "confirmed": confirmed, "case": case, "batch": batch, "draft": draft, "entry": entry}


READ = [("leads", None), ("leads", "lead"), ("cases", None), ("cases", "case"), ("batches", None),
        ("batches", "batch"), ("lists", None), ("lists", "draft"), ("list-entries", None), ("list-entries", "entry")]


@pytest.mark.parametrize(("path", "key"), READ)
def test_matrix_read(client, objs, path, key, hebei_staff, no_role_user, zhejiang_staff):
    url = f"{API}/{path}/" + (f"{objs[key].pk}/" if key else "")
    assert_permission_matrix(client, url, own=hebei_staff, no_perm=no_role_user,
                             other=zhejiang_staff if key else None)


def test_matrix_statistics(client, hebei_staff, no_role_user):
    assert_permission_matrix(client, f"{API}/statistics/?date_from=2025-01-01&date_to=2025-12-31",
                             own=hebei_staff, no_perm=no_role_user)


CREATE = [
    ("leads", {"org_name": "国际易学研究院", "source": "patrol"}),
    ("cases", {"org_name": "中华国医研究会", "target_type": "unregistered"}),
    ("batches", {"number": "冀排9", "checked_on": "2025-07-01"}),
    ("lists", {"kind": "suspected", "number": "第9批"}),
]


@pytest.mark.parametrize(("path", "data"), CREATE)
def test_matrix_create(client, path, data, hebei_staff, no_role_user):
    response = assert_permission_matrix(client, f"{API}/{path}/", own=hebei_staff, no_perm=no_role_user,
                                        method="post", data=data, ok_status=201)
    assert response.json()["authority"] == hebei_staff.authority_id


ACTIONS = [
    ("leads", "lead", "status", {"status": "checking"}, "staff", 200),
    ("leads", "lead", "transfer", {"to_department": "market"}, "staff", 200),
    ("leads", "confirmed", "to-case", {"target_type": "unregistered"}, "staff", 201),
    ("leads", "lead", "informant", {}, "chief", 200),
    ("cases", "case", "transition", {"to_stage": "investigation", "version": 1}, "approver", 200),
    ("batches", "batch", "leads", "lead-numbers", "staff", 200),
    ("lists", "draft", "publish", {"confirm": True}, "approver", 200),
    ("lists", "draft", "entries", "confirmed-number", "staff", 201),
    ("list-entries", "entry", "withdraw", {"reason": "误列"}, "approver", 200),
]


@pytest.mark.parametrize(("path", "key", "step", "data", "who", "ok"), ACTIONS)
def test_matrix_actions(client, objs, path, key, step, data, who, ok, hebei_staff, hebei_approver, hebei_chief,
                        no_role_user, zhejiang_chief):
    own = {"staff": hebei_staff, "approver": hebei_approver, "chief": hebei_chief}[who]
    if data == "lead-numbers":
        data = {"numbers": [objs["lead"].number]}
    if data == "confirmed-number":
        data = {"number": objs["confirmed"].number}
    url = f"{API}/{path}/{objs[key].pk}/{step}/"
    assert_permission_matrix(client, url, own=own, no_perm=no_role_user, other=zhejiang_chief, method="post",
                             data=data, ok_status=ok)


def test_lead_api_masks_and_audits_the_informant(client, objs, hebei_staff, hebei_chief):
    client.force_login(hebei_staff)
    data = client.get(f"{API}/leads/{objs['lead'].pk}/").json()
    assert data["informant"] == {"name": "张*", "phone": "139****1111", "email": ""}
    assert client.post(f"{API}/leads/{objs['lead'].pk}/informant/").status_code == 403
    client.force_login(hebei_chief)
    assert client.post(f"{API}/leads/{objs['lead'].pk}/informant/").json()["phone"] == "13912341111"
    assert AuditEntry.objects.filter(action=AuditAction.VIEW_SENSITIVE, username="hebei_chief").count() == 1


def test_lead_list_filters(client, objs, hebei_staff):
    client.force_login(hebei_staff)
    names = [r["org_name"] for r in client.get(f"{API}/leads/", {"q": "燕赵"}).json()["results"]]
    assert names == ["燕赵慈善联合会"]
    names = [r["org_name"] for r in client.get(f"{API}/leads/", {"status": "pending"}).json()["results"]]
    assert names == ["华夏国学研究会"]


def test_case_transitions_and_versions_over_the_api(client, objs, hebei_staff, hebei_approver):
    case = objs["case"]
    client.force_login(hebei_staff)
    response = client.post(f"{API}/cases/{case.pk}/transition/", {"to_stage": "investigation", "version": 1},
                           content_type="application/json")
    assert response.status_code == 400 and "权限" in response.json()["detail"]
    client.force_login(hebei_approver)
    response = client.post(f"{API}/cases/{case.pk}/transition/", {"to_stage": "investigation", "version": 1},
                           content_type="application/json")
    assert response.status_code == 200 and response.json()["stage"] == "investigation"
    assert [e["to_stage"] for e in response.json()["events"]] == ["filing", "investigation"]
    # stale: both read version 2, one edits, the other's edit and step are refused with 409 (StaleVersion)
    client.force_login(hebei_staff)
    ok = client.patch(f"{API}/cases/{case.pk}/", {"version": 2, "summary": "甲"}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["version"] == 3
    stale = client.patch(f"{API}/cases/{case.pk}/", {"version": 2, "summary": "乙"}, content_type="application/json")
    assert stale.status_code == 409 and "已被他人修改" in stale.json()["detail"]
    stale = client.post(f"{API}/cases/{case.pk}/transition/", {"to_stage": "report", "version": 2},
                        content_type="application/json")
    assert stale.status_code == 409
    assert Case.objects.get(pk=case.pk).summary == "甲"
    missing = client.patch(f"{API}/cases/{case.pk}/", {"summary": "丙"}, content_type="application/json")
    assert missing.status_code == 400
    wrong = client.post(f"{API}/cases/{case.pk}/transition/", {"to_stage": "closed", "version": 3},
                        content_type="application/json")
    assert wrong.status_code == 400 and "不能转到" in wrong.json()["detail"]
    assert Case.objects.get(pk=case.pk).stage == CaseStage.INVESTIGATION


def test_publish_needs_confirmation(client, objs, hebei_approver):
    client.force_login(hebei_approver)
    response = client.post(f"{API}/lists/{objs['draft'].pk}/publish/", {"confirm": False},
                           content_type="application/json")
    assert response.status_code == 400


# --- public endpoints ----------------------------------------------------------------------------
REPORT = {"org_name": "世界和平统一促进总会", "place": "浙江省杭州市", "description": "收取会费", "name": "李四",
          "phone": "13800001111", "captcha_key": "x", "captcha_value": "PASSED"}


def test_public_list_endpoint(objs):
    data = Client().get(f"{API}/public/lists/").json()
    assert [r["name"] for r in data["results"]] == ["燕赵慈善联合会"]
    assert set(data["results"][0]) == {"name", "province", "list_kind", "batch", "published_on", "publisher"}
    assert Client().get(f"{API}/public/lists/", {"q": "华夏"}).json()["results"] == []


def test_public_report_endpoint_and_status(hebei_staff):
    client = Client()
    response = client.post(f"{API}/public/report/", REPORT, content_type="application/json")
    assert response.status_code == 201
    receipt = response.json()["receipt_number"]
    lead = Lead.objects.get(receipt_number=receipt)
    assert lead.authority.code == "330000" and lead.informant.name == "李四"
    assert client.get(f"{API}/public/status/{receipt}/").json() == {"receipt_number": receipt, "status": "已受理"}
    assert client.get(f"{API}/public/status/JB0000/").status_code == 404
    bad = client.post(f"{API}/public/report/", {**REPORT, "captcha_value": "nope"}, content_type="application/json")
    assert bad.status_code == 400 and "验证码" in str(bad.json())


def test_public_report_endpoint_rate_limit(settings):
    settings.CRACKDOWN_REPORT_RATE = "5/h"

    def sequence(ip):
        codes = [Client().post(f"{API}/public/report/", REPORT, content_type="application/json",
                               REMOTE_ADDR=ip).status_code for _ in range(6)]
        return codes == [201] * 5 + [429]

    assert any(sequence(f"10.7.7.{n}") for n in range(3))  # see test_public: parallel runs may flush Redis


def test_report_page_and_api_share_one_budget(settings):
    from django.urls import reverse

    from tests.crackdown.test_public import REPORT as PAGE_REPORT

    settings.CRACKDOWN_REPORT_RATE = "5/h"

    def sequence(ip):
        page = [Client().post(reverse("crackdown:public-report"), PAGE_REPORT, REMOTE_ADDR=ip).status_code
                for _ in range(3)]
        api = [Client().post(f"{API}/public/report/", REPORT, content_type="application/json",
                             REMOTE_ADDR=ip).status_code for _ in range(3)]
        return page + api == [200, 200, 200, 201, 201, 429]

    assert any(sequence(f"10.7.8.{n}") for n in range(3))  # parallel runs may flush Redis mid-sequence


def test_withdrawn_entry_leaves_the_public_endpoint(client, objs, hebei_approver):
    client.force_login(hebei_approver)
    client.post(f"{API}/list-entries/{objs['entry'].pk}/withdraw/", {"reason": "已登记"},
                content_type="application/json")
    assert ListEntry.objects.get(pk=objs["entry"].pk).withdrawn
    assert Client().get(f"{API}/public/lists/").json()["results"] == []


# --- every step the page offers, the API takes (both read crackdown.workflow.TRANSITIONS) -------------
def _step_value(kind, org, officer):
    return {"text": "当事人放弃陈述申辩", "line": "冀民取字〔2025〕9号", "date": "2025-07-01", "decimal": "1200.50",
            "choice": None, "organization": org.pk if org else None, "user": officer.pk}[kind]


STEPS = [(src, dst) for src, steps in TRANSITIONS.items() for dst in steps]


@pytest.mark.parametrize(("src", "dst"), STEPS)
def test_the_api_takes_every_step_the_page_offers(client, make_case, hebei_staff, hebei_chief, hebei_officer,
                                                  src, dst):
    """Every field the page's form has, the API serializer has; a step with every input and document
    the table names goes through the API (multipart, as documents are files)."""
    from crackdown.api.serializers import CaseTransitionSerializer
    from crackdown.forms import TransitionForm
    from crackdown.workflow import INPUTS, document_field
    from portal.models import Authority
    from registry.demo import credit_code
    from registry.models import Organization
    from tests.crackdown.conftest import document

    case = make_case(hebei_staff, src)
    step = TRANSITIONS[src][dst]
    page_fields = set(TransitionForm(case=case, to_stage=dst).fields)
    api_fields = set(CaseTransitionSerializer().fields)
    assert page_fields - {"version", "note"} <= api_fields
    org = None
    if any(INPUTS[n].kind == "organization" for n in step.inputs):
        org = Organization.objects.create(credit_code=credit_code("social_group", "130000", "MJ1300019"),
                                          name="河北省引导登记协会", kind="social_group",
                                          authority=Authority.objects.get(code="130000"))
    payload = {"to_stage": dst, "version": case.version, "note": "经研究同意"}
    for name in step.inputs:
        spec = INPUTS[name]
        value = spec.choices.values[0] if spec.kind == "choice" else _step_value(spec.kind, org, hebei_officer)
        if name == "confiscation_description":
            value = "违法所得"
        payload[name] = value
    for kind in step.documents:
        payload[document_field(kind)] = [document(kind)]
    client.force_login(hebei_chief)
    response = client.post(f"{API}/cases/{case.pk}/transition/", payload)
    assert response.status_code == 200, response.content
    moved = Case.objects.get(pk=case.pk)
    assert moved.stage == dst
    for name in step.inputs:
        if INPUTS[name].on_case:
            value = getattr(moved, name)
            assert str(value.pk if hasattr(value, "pk") else value) == str(payload[name])
    assert set(moved.documents.values_list("kind", flat=True)) >= set(step.documents)
    if "confiscation_amount" in step.inputs:
        assert str(moved.confiscations.get().amount) == "1200.50"


# every POST step on an object with a body: (path, object key, step); "clock", "referrals" and
# "confiscations" take a body too
BODY_STEPS = [(path, key, step) for path, key, step, data, _who, _ok in ACTIONS if data != {}] + [
    ("cases", "case", "referrals"), ("cases", "case", "confiscations"), ("cases", "case", "clock"),
    ("cases", "case", "referral-result"),
]


@pytest.mark.parametrize(("path", "key", "step"), BODY_STEPS)
def test_another_provinces_object_is_404_before_the_body_is_read(client, objs, path, key, step, hebei_chief,
                                                                 zhejiang_chief):
    """The object is looked up (scoped) first: an invalid body on 浙江's view of 河北's row is 404, not a
    400 that would confirm the row exists; 河北's own user gets the 400 about the body."""
    url = f"{API}/{path}/{objs[key].pk}/{step}/"
    bad = {"version": "不是数字", "numbers": "x", "to_stage": "nope", "status": "nope", "confirm": "x"}
    client.force_login(zhejiang_chief)
    response = client.post(url, bad, content_type="application/json")
    assert response.status_code == 404, (step, response.content[:200])
    assert "未找到" in response.json()["detail"] or "不存在" in response.json()["detail"]
    client.force_login(hebei_chief)
    assert client.post(url, bad, content_type="application/json").status_code == 400, step


def test_the_api_filters_with_one_filterset(client, make_lead, hebei_staff, ministry_staff, monkeypatch):
    """A list's filter is built and validated once a request (it was twice: issue 17), with the same
    answers: an unknown province id finds nothing (200), a malformed date is a 400 naming the field."""
    from crackdown.filtersets import LeadFilterSet

    make_lead(hebei_staff, "燕赵国学研究会")
    made = []
    original = LeadFilterSet.__init__

    def counting(self, *args, **kwargs):
        made.append(1)
        original(self, *args, **kwargs)

    monkeypatch.setattr(LeadFilterSet, "__init__", counting)
    client.force_login(hebei_staff)
    response = client.get(f"{API}/leads/", {"q": "燕赵"})
    assert response.status_code == 200 and response.json()["count"] == 1
    assert len(made) == 1
    assert client.get(f"{API}/leads/", {"q": "没有这个"}).json()["count"] == 0
    bad = client.get(f"{API}/leads/", {"received_after": "2025-13-45"})
    assert bad.status_code == 400 and "received_after" in bad.json()
    client.force_login(ministry_staff)
    unknown = client.get(f"{API}/leads/", {"province": 987654})
    assert unknown.status_code == 200 and unknown.json()["count"] == 0
