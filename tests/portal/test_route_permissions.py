"""Every URL pattern and API route, asked by each of the six roles, an anonymous client and a user of
another province, answers what ``tests/route_permissions.py`` says (one line per route).

The callers: 部级工作人员, 系统/安全/审计管理员 (the ministry); 省级工作人员 and 联络员 of 河北; 浙江's
省级工作人员 (another province).  Detail routes ask for 河北's own rows of ``tests/scope_world``
(pages that take files get real files), so "404" means scope and not a missing row.  A route is
asked with GET, or with an empty POST where it takes no GET; each request runs inside a savepoint
that is rolled back, so no answer depends on what an earlier one changed.

A route without a line fails the test, and so does a line whose route is gone.  To see the answers
of a new route: ``PRINT_ROUTE_TABLE=1 make test PYTEST_ARGS="tests/portal/test_route_permissions.py -s"``
prints every line as found — then check it as a reviewer would before pasting it.
"""

from __future__ import annotations

import io
import os

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import get_resolver
from openpyxl import Workbook

from tests.portal.test_url_walk import concrete, walk
from tests.route_permissions import CALLERS, LOGIN, ROUTES

pytestmark = pytest.mark.django_db

MINISTRY, PROVINCE, OTHER = "000000", "130000", "330000"
ROLES = {  # caller → (authority, role)
    "部级": (MINISTRY, "部级工作人员"), "省级": (PROVINCE, "省级工作人员"), "联络员": (PROVINCE, "联络员"),
    "系统": (MINISTRY, "系统管理员"), "安全": (MINISTRY, "安全管理员"), "审计": (MINISTRY, "审计管理员"),
    "外省": (OTHER, "省级工作人员"),
}

# which row a detail route reads: a scope_world kind (河北's row) where the view's model is not it
ROUTE_ROWS = {
    "crackdown:lead-attachment": "leadattachment",
    "crackdown:case-document": "casedocument",
    "crackdown:case-evidence-file": "evidence",
    "aid_projects:list-scan-download": "scanned_list",
    "aid_projects:list-scan": "scanned_list",
    "aid_projects:need-detail": "paired_need",  # 河北 reads the needs of 阿里, its paired prefecture
    "aid_projects:match-propose": "paired_need",
    "api-aiditem-suggestions": "paired_need",
}
# path arguments other than the row
ARGUMENTS = {
    "job-start": {"kind": "reference_integrity"},
    "crackdown:case-transition": {"to_stage": "investigation"},
    "crackdown:case-print": {"document": "filing-form"},
    "aid_projects:list-open": {"kind": "supply"},
    "aid_projects:match-transition": {"to_status": "withdrawn"},
    "aid_projects:summary-start": {"kind": "aid_national_liaison"},
    "aid_projects:summary-template": {"kind": "need"},
}
# how a route is asked where GET is not what it is for: logout takes POST; a summary names its campaign
METHODS = {"logout": "POST"}
POST_DATA = {"aid_projects:summary-start": lambda world: {"campaign": world.rows["campaign"]["bu"].pk}}


def xlsx() -> ContentFile:
    workbook = Workbook()
    workbook.active.append(["卓玛", "13908901234"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return ContentFile(buffer.getvalue())


def build(world):
    """scope_world, plus the rows and files the detail routes read."""
    from aid_projects.choices import ListKind, ListStatus
    from crackdown.models import CaseDocument, Evidence, LeadAttachment
    from crackdown.services import public_report_create
    from tests.aid_projects.factories import make_list

    rows = world.rows
    lead, case = rows["lead"]["hb"], rows["case"]["hb"]
    attachment = LeadAttachment(lead=lead, title="举报材料")
    attachment.file.save("material.txt", ContentFile(b"material"), save=True)
    document = CaseDocument(case=case, title="立案审批表")
    document.file.save("filing.txt", ContentFile(b"filing"), save=True)
    evidence = Evidence(case=case, kind="document", description="收据", source="现场", obtained_on="2026-03-01")
    evidence.file.save("receipt.txt", ContentFile(b"receipt"), save=True)
    scanned = make_list(rows["campaign"]["bu"], PROVINCE, ListKind.LIAISON, ListStatus.SUBMITTED)
    scanned.stamped_scan.save("scan.pdf", ContentFile(b"%PDF-1.4 scan"), save=True)
    rows["job"]["hb"].result_file.save("result.xlsx", xlsx(), save=True)
    rows["job"]["hb"].result_name = "结果.xlsx"
    rows["job"]["hb"].save()
    rows["listversion"]["hb"].file.save("version.xlsx", xlsx(), save=True)
    report = public_report_create(org_name="冀举报研究会", place="河北省石家庄市", description="",
                                  informant={"name": "张三", "phone": "13912341111"})
    from portal.models import Authority
    from registry.models import CommendationRound, Nomination, OrganizationImport

    rows["organizationimport"] = {"hb": OrganizationImport.objects.create(
        authority=Authority.objects.get(code=PROVINCE), filename="导入.xlsx", sha256="0" * 64, size=1)}
    round_ = CommendationRound.objects.create(title="全国先进社会组织", reference_date="2025-06-30")
    hebei_org = rows["organization"]["hb"]
    rows["commendationround"] = {"bu": round_}
    rows["nomination"] = {"hb": Nomination.objects.create(round=round_, organization=hebei_org,
                                                          authority=hebei_org.authority, reason="成效突出")}
    rows.update(leadattachment={"hb": attachment}, casedocument={"hb": document}, evidence={"hb": evidence},
                scanned_list={"hb": scanned}, paired_need={"hb": rows["aiditem"]["xz"]},
                receipt={"hb": report.receipt_number})


def row_for(name: str, callback, world, target_user):
    from aid_projects.models import Pairing

    kind = ROUTE_ROWS.get(name)
    if kind is None:
        view = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
        model = getattr(view, "model", None) or getattr(getattr(view, "queryset", None), "model", None)
        if model is None:
            return None
        kind = model._meta.model_name
        if kind == "user":
            return target_user
        if kind == "pairing":
            return Pairing.objects.filter(aiding_authority__code=PROVINCE).order_by("pk").first()
        if kind == "namerule":  # a table shared by every authority: any row that exists
            return model._default_manager.order_by("pk").first()
    owners = world.rows.get(kind)
    return None if owners is None else owners.get("hb", owners.get("bu"))


def url_for(pattern: str, name: str, row, world) -> str:
    url = concrete(pattern, row.pk if row is not None else 1)
    for value in ARGUMENTS.get(name, {}).values():
        url = url.replace("/x/", f"/{value}/", 1)
    if name == "api-public-status":
        url = url.replace("/x/", f"/{world.rows['receipt']['hb']}/")
    return url


def method_for(name: str, callback) -> str:
    if name in METHODS:
        return METHODS[name]
    view = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    actions = getattr(callback, "actions", None)
    if actions is not None:
        return "GET" if "get" in actions else "POST"
    return "GET" if view is None or hasattr(view, "get") else "POST"


def outcome(response):
    if response.status_code == 302 and response["Location"].startswith("/accounts/login/"):
        return LOGIN
    return response.status_code


def ask(client, method, url, name, data):
    if "public" in name or name.startswith("captcha"):
        cache.clear()  # the public forms' rate limits count per address, and every caller is 127.0.0.1
    with transaction.atomic():
        response = client.get(url) if method == "GET" else client.post(url, data)
        transaction.set_rollback(True)
    return outcome(response)


def test_every_route_answers_each_caller_as_the_table_says(client):
    from django.test import Client

    from tests.factories import make_user
    from tests.scope_world import build_world

    world = build_world()
    build(world)
    target = make_user("route_target", PROVINCE, "省级工作人员")  # the account the user pages edit
    users = {caller: make_user(f"route_{caller}", code, role) for caller, (code, role) in ROLES.items()}
    clients = {"匿名": client}
    for caller, user in users.items():
        clients[caller] = Client()
        clients[caller].force_login(user)

    routes, found, wrong = {}, {}, []
    for pattern, name, callback in walk(get_resolver(), with_callback=True):
        if name in routes:
            continue  # a DRF route's format-suffix twin
        row = row_for(name, callback, world, target)
        data = POST_DATA[name](world) if name in POST_DATA else {}
        routes[name] = (method_for(name, callback), url_for(pattern, name, row, world), data)
    for name, (method, url, data) in routes.items():
        answers = []
        for caller in CALLERS:
            c = clients[caller]
            if caller != "匿名" and c.session.get("_auth_user_id") != str(users[caller].pk):
                c.force_login(users[caller])  # a route logged it out
            answers.append(ask(c, method, url, name, data))
        found[name] = (method, *answers)
        if name in ROUTES and tuple(ROUTES[name]) != found[name]:
            expected = dict(zip(CALLERS, ROUTES[name][1:], strict=True))
            diff = ", ".join(f"{caller} 应为 {expected[caller]} 实为 {got}"
                             for caller, got in zip(CALLERS, answers, strict=True) if expected[caller] != got)
            wrong.append(f"{method} {url} ({name})：{diff or '方法不符'}")
    if os.environ.get("PRINT_ROUTE_TABLE"):
        for name, line in found.items():
            print(f"    {name!r}: {line!r},")
    missing = sorted(set(found) - set(ROUTES))
    stale = sorted(set(ROUTES) - set(found))
    assert not missing, "这些地址在权限表 tests/route_permissions.py 中没有一行，请补上：\n" + "\n".join(
        f"    {name!r}: {found[name]!r}," for name in missing)
    assert not stale, f"权限表中有已不存在的地址：{stale}"
    assert not wrong, "这些地址的应答与权限表不符：\n" + "\n".join(wrong)
    assert len(found) > 140
