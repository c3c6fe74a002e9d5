"""Organizations of the registry tests."""

import pytest

from portal.models import Authority
from registry.demo import credit_code
from registry.models import Organization


@pytest.fixture
def tibet_org():
    return Organization.objects.create(credit_code=credit_code("social_group", "540000", "MJ5400009"),
                                       name="西藏自治区测试协会", kind="social_group",
                                       authority=Authority.objects.get(code="540000"))


@pytest.fixture
def zhejiang_org():
    return Organization.objects.create(credit_code=credit_code("foundation", "330000", "MJ3300009"),
                                       name="浙江省测试基金会", kind="foundation",
                                       authority=Authority.objects.get(code="330000"))


# the search and pagination tests' register: six organizations in three provinces
NAMES = ["河北省书法家协会", "河北省慈善联合会", "浙江省书画研究会", "西藏自治区登山协会", "浙江省援藏公益基金会",
         "杭州市ＡＢＣ 英语学习会"]


@pytest.fixture
def orgs():
    hebei, zhejiang, xizang = (Authority.objects.get(code=c) for c in ("130000", "330000", "540000"))
    where = [hebei, hebei, zhejiang, xizang, zhejiang, Authority.objects.get(code="330100")]
    made = {}
    for n, (name, authority) in enumerate(zip(NAMES, where, strict=True)):
        kind = "foundation" if name.endswith("基金会") else "social_group"
        made[name] = Organization.objects.create(name=name, kind=kind, authority=authority,
                                                 credit_code=credit_code(kind, authority.code, f"MJ{n:07d}"))
    return made
