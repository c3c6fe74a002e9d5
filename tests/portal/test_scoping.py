import pytest

from portal.models import Authority, Job
from portal.scoping import object_in_scope, user_scope_prefix
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _job(code, title):
    return Job.objects.create(kind="reference_integrity", title=title, authority=Authority.objects.get(code=code))


def test_restrict_by_province_prefecture_county():
    _job("540000", "西藏省级")
    _job("540100", "拉萨市")
    _job("540102", "城关区")
    _job("542500", "阿里地区")
    _job("330000", "浙江")
    province = make_user("p", "540000", "省级工作人员")
    prefecture = make_user("c", "540100", "省级工作人员")
    county = make_user("x", "540102", "省级工作人员")
    ministry = make_user("m", "000000", "部级工作人员")

    def titles(user):
        return set(Job.objects.restrict(user, "view").values_list("title", flat=True))

    assert titles(province) == {"西藏省级", "拉萨市", "城关区", "阿里地区"}
    assert titles(prefecture) == {"拉萨市", "城关区"}
    assert titles(county) == {"城关区"}
    assert titles(ministry) == {"西藏省级", "拉萨市", "城关区", "阿里地区", "浙江"}


def test_restrict_needs_the_model_permission():
    _job("540000", "西藏")
    no_role = make_user("n", "540000")
    auditor = make_user("a", "000000", "审计管理员")  # ministry, but no job permission
    assert not Job.objects.restrict(no_role, "view").exists()
    assert not Job.objects.restrict(auditor, "view").exists()


def test_restrict_refuses_anonymous_inactive_and_authorityless(django_user_model):
    from django.contrib.auth.models import AnonymousUser

    _job("540000", "西藏")
    assert not Job.objects.restrict(AnonymousUser(), "view").exists()
    inactive = make_user("i", "540000", "省级工作人员")
    inactive.is_active = False
    assert user_scope_prefix(inactive) is None
    orphan = make_user("o", None, "省级工作人员")
    assert not Job.objects.restrict(orphan, "view").exists()


def test_object_in_scope_after_write():
    job = _job("540000", "西藏")
    assert object_in_scope(job, make_user("p", "540000", "省级工作人员"))
    assert not object_in_scope(job, make_user("z", "330000", "省级工作人员"))
    assert object_in_scope(job, make_user("m", "000000", "部级工作人员"))


def test_bingtuan_is_its_own_province():
    _job("660100", "第一师")
    _job("650000", "新疆")
    bingtuan = make_user("b", "660000", "省级工作人员")
    xinjiang = make_user("x", "650000", "省级工作人员")
    assert set(Job.objects.restrict(bingtuan, "view").values_list("title", flat=True)) == {"第一师"}
    assert set(Job.objects.restrict(xinjiang, "view").values_list("title", flat=True)) == {"新疆"}


def test_is_within_and_its_query_forms_agree():
    """``Authority.is_within`` (Python) and ``Authority.objects.within`` / ``within_q`` (queries) are one rule."""
    from portal.scoping import within_q

    codes = ["000000", "540000", "540100", "540102", "542500", "330000", "660000", "660100", "650000"]
    authorities = list(Authority.objects.filter(code__in=codes))
    assert len(authorities) == len(codes)
    by_code = {a.code: a for a in authorities}
    assert by_code["540102"].is_within(by_code["540000"]) and by_code["540102"].is_within(by_code["540100"])
    assert not by_code["542500"].is_within(by_code["540100"]) and not by_code["540000"].is_within(by_code["540100"])
    assert by_code["330000"].is_within(by_code["000000"]) and not by_code["000000"].is_within(by_code["540000"])
    assert by_code["660100"].is_within(by_code["660000"]) and not by_code["660100"].is_within(by_code["650000"])
    for code in codes:
        _job(code, code)
    for outer in authorities:
        inside = {a.code for a in authorities if a.is_within(outer)}
        assert set(Authority.objects.within(outer).filter(code__in=codes).values_list("code", flat=True)) == inside
        assert set(Job.objects.filter(within_q("authority", outer)).values_list("title", flat=True)) == inside
