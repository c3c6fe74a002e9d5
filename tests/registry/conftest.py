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
