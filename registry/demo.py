"""Demo organizations: a few named ones with a credit history, and a few thousand generated across provinces.

The generated rows go in with one ``bulk_create`` in the demo's transaction (registry.generator), so the
run command stays quick; both parts are idempotent (natural keys: the credit codes).
"""

import datetime

from stdnum.cn import uscc

from portal.models import Authority
from registry.choices import CREDIT_CODE_CATEGORY, OrgKind
from registry.generator import COLUMNS, organization_rows
from registry.models import Organization
from registry.services import refresh_summary

DEMO = [
    # (authority code, kind, name, serial)
    ("000000", OrgKind.SOCIAL_GROUP, "中国社会组织促进会", "MJ0000001"),
    ("000000", OrgKind.FOUNDATION, "中国乡村发展基金会", "MJ0000002"),
    ("130000", OrgKind.SOCIAL_GROUP, "河北省慈善联合会", "MJ1300001"),
    ("130000", OrgKind.SERVICE_ORG, "河北省阳光社会工作服务中心", "MJ1300002"),
    ("330000", OrgKind.SOCIAL_GROUP, "浙江省社会组织促进会", "MJ3300001"),
    ("330000", OrgKind.FOUNDATION, "浙江省援藏援疆公益基金会", "MJ3300002"),
    ("540000", OrgKind.SOCIAL_GROUP, "西藏自治区慈善总会", "MJ5400001"),
    ("130000", OrgKind.SOCIAL_GROUP, "河北省气功养生研究会", "MJ1300003"),
]
GENERATED = 3000
D = datetime.date


def credit_code(kind: str, division: str, serial: str) -> str:
    body = "5" + CREDIT_CODE_CATEGORY[kind] + (division if division != "000000" else "100000") + serial
    return body + uscc.calc_check_digit(body + "0")


def _history(orgs: dict) -> None:
    """A credit history for the timeline: inspections, a grade, a penalty, list entries (one removed)."""
    hebei = orgs["河北省慈善联合会"]
    if not hebei.annualinspections.exists():
        for year in range(2021, 2025):
            hebei.annualinspections.create(year=year, kind="report", result="passed",
                                           concluded_on=D(year + 1, 5, 20))
        hebei.evaluations.create(grade=4, rated_on=D(2023, 11, 8), document_number="冀民评〔2023〕12号")
    qigong = orgs["河北省气功养生研究会"]
    if qigong.status == "normal" and not qigong.penaltys.exists():
        qigong.annualinspections.create(year=2022, kind="report", result="absent")
        qigong.creditlistentrys.create(list_kind="abnormal", entered_on=D(2023, 7, 1),
                                       ground="未按规定报送2022年度工作报告",
                                       removed_on=D(2023, 12, 1), removal_reason="已补报年度工作报告")
        qigong.penaltys.create(decided_on=D(2024, 3, 5), penalty_type="warning", document_number="冀民罚〔2024〕3号",
                               reason="超出章程规定的宗旨和业务范围进行活动")
        qigong.creditlistentrys.create(list_kind="dishonest", entered_on=D(2024, 9, 1), ground="被撤销登记")
        Organization.objects.filter(pk=qigong.pk).update(status="revoked", status_changed_on=D(2024, 9, 1),
                                                         status_reason="以养生名义从事违法活动，撤销登记")
    for org in orgs.values():
        refresh_summary(org)


def load_demo(accounts) -> str:
    created = 0
    orgs = {}
    for code, kind, name, serial in DEMO:
        authority = Authority.objects.get(code=code)
        org, was_created = Organization.objects.get_or_create(
            credit_code=credit_code(kind, code, serial),
            defaults={"name": name, "kind": kind, "authority": authority, "registered_on": D(2012, 3, 1)},
        )
        orgs[name] = org
        created += was_created
    _history(orgs)
    have = Organization.objects.filter(credit_code__regex=r"^5[1239][0-9]{6}D").count()
    if have < GENERATED:
        rows = organization_rows(GENERATED - have, seed=2025 + have, serial_prefix="D", start=have)
        Organization.objects.bulk_create([Organization(**dict(zip(COLUMNS, row, strict=True))) for row in rows],
                                         batch_size=1000)
        created += GENERATED - have
    return f"登记管理：示例社会组织 {len(DEMO) + GENERATED} 个（本次新增 {created}）"
