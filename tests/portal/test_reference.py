import pytest
from django.core.management import call_command

from aid_projects.models import Pairing
from portal.models import Authority, AuthorityLevel
from portal.reference import load_reference

pytestmark = pytest.mark.django_db


def test_provincial_level_authorities():
    provinces = Authority.objects.provinces()
    assert provinces.count() == 32  # 31 + 兵团
    bingtuan = Authority.objects.get(code="660000")
    assert bingtuan.name == "新疆生产建设兵团" and bingtuan.is_province
    divisions = list(bingtuan.children.order_by("code").values_list("name", flat=True))
    assert len(divisions) == 14 and divisions[0] == "第一师阿拉尔市" and divisions[-1] == "第十四师昆玉市"
    assert Authority.objects.get(level=AuthorityLevel.MINISTRY).code == "000000"


def test_aid_recipient_flags():
    names = set(Authority.objects.aid_recipients().values_list("name", flat=True))
    assert names == {"西藏自治区", "新疆维吾尔自治区", "青海省", "四川省", "甘肃省", "云南省", "新疆生产建设兵团"}


def test_counties_hang_under_prefectures():
    chengguan = Authority.objects.get(code="540102")
    assert chengguan.level == AuthorityLevel.COUNTY
    assert chengguan.parent.code == "540100" and chengguan.province.code == "540000"
    assert chengguan.full_name == "西藏自治区拉萨市城关区"
    assert chengguan.scope_prefix == "540102"
    # 东莞市 has no county level: it is a prefecture and not duplicated as a county
    assert Authority.objects.filter(code="441900").get().level == AuthorityLevel.PREFECTURE


def test_loading_twice_changes_nothing(capsys):
    before = (Authority.objects.count(), Pairing.objects.count())
    result = load_reference()
    assert result["authorities"]["created"] == 0 and result["authorities"]["updated"] == 0
    assert (result["pairings"]["created"], result["pairings"]["updated"]) == (0, 0)
    call_command("load_reference")
    out = capsys.readouterr().out
    assert "新增 0，更新 0" in out and "对口支援关系：表中 67 行，新增 0，更新 0，未变 67" in out
    assert (Authority.objects.count(), Pairing.objects.count()) == before


def test_demo_data_is_idempotent():
    from portal.demo import load_demo
    from portal.models import User
    from registry.models import Organization

    load_demo()
    counts = (User.objects.count(), Organization.objects.count())
    load_demo()
    assert (User.objects.count(), Organization.objects.count()) == counts
    assert User.objects.get(username="xz_staff").role_names == ["省级工作人员"]


def test_reload_restores_missing_and_corrects_changed_authorities():
    from portal.reference import load_authorities

    total = Authority.objects.count()
    Authority.objects.filter(code="130102").delete()  # 石家庄市长安区: nothing refers to it
    Authority.objects.filter(code="540102").update(name="旧名称", is_aid_recipient=True)
    Authority.objects.filter(code="540000").update(is_aid_recipient=False)
    assert load_authorities() == {"created": 1, "updated": 2, "total": total}
    restored = Authority.objects.get(code="130102")
    assert (restored.name, restored.level, restored.parent.code) == ("长安区", AuthorityLevel.COUNTY, "130100")
    chengguan = Authority.objects.get(code="540102")
    assert (chengguan.name, chengguan.is_aid_recipient) == ("城关区", False)
    assert Authority.objects.get(code="540000").is_aid_recipient
