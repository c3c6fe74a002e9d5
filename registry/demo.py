"""Demo organizations (valid credit codes, made with the check character of GB 32100)."""

from stdnum.cn import uscc

from portal.models import Authority
from registry.choices import CREDIT_CODE_CATEGORY, OrgKind
from registry.models import Organization

DEMO = [
    # (authority code, kind, name, serial)
    ("000000", OrgKind.SOCIAL_GROUP, "中国社会组织促进会", "MJ0000001"),
    ("000000", OrgKind.FOUNDATION, "中国乡村发展基金会", "MJ0000002"),
    ("130000", OrgKind.SOCIAL_GROUP, "河北省慈善联合会", "MJ1300001"),
    ("130000", OrgKind.SERVICE_ORG, "河北省阳光社会工作服务中心", "MJ1300002"),
    ("330000", OrgKind.SOCIAL_GROUP, "浙江省社会组织促进会", "MJ3300001"),
    ("330000", OrgKind.FOUNDATION, "浙江省援藏援疆公益基金会", "MJ3300002"),
    ("540000", OrgKind.SOCIAL_GROUP, "西藏自治区慈善总会", "MJ5400001"),
]


def credit_code(kind: str, division: str, serial: str) -> str:
    body = "5" + CREDIT_CODE_CATEGORY[kind] + (division if division != "000000" else "100000") + serial
    return body + uscc.calc_check_digit(body + "0")


def load_demo(accounts) -> str:
    created = 0
    for code, kind, name, serial in DEMO:
        authority = Authority.objects.get(code=code)
        _, was_created = Organization.objects.get_or_create(
            credit_code=credit_code(kind, code, serial),
            defaults={"name": name, "kind": kind, "authority": authority},
        )
        created += was_created
    return f"登记管理：示例社会组织 {len(DEMO)} 个（本次新增 {created}）"
