"""浙江's 项目需求 page: the campaign year, whether each need already has a match (and its status), and
filters that fit the page: its pairing's recipients, no 清单类型 choice."""

import re

import pytest

from aid_projects import services
from aid_projects.choices import ListKind, ListStatus, MatchStatus
from aid_projects.models import AidItem
from tests.aid_projects.factories import make_campaign, make_item, make_list
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def needs(zhejiang_staff, xizang_staff, ministry_staff):
    campaign = make_campaign(2026)
    tibet = make_list(campaign, "540000", ListKind.NEED, ListStatus.ACCEPTED)
    heating = make_item(tibet, name="色尼区学校供暖", place_code="540602")
    clinic = make_item(tibet, name="安多县卫生院", place_code="540624")
    make_item(tibet, name="聂荣县养老站", place_code="540623")
    supply = make_item(make_list(campaign, "330000", ListKind.SUPPLY), name="助学暖冬", place_code="330000")
    mine = services.match_propose(need=AidItem.objects.get(pk=heating.pk), supply=supply, user=zhejiang_staff)
    services.match_transition(match=mine, to_status=MatchStatus.MATCHED, user=xizang_staff)
    # 辽宁 (also paired with 那曲) proposes on the clinic: 浙江 sees the status, not who
    hebei_staff = make_user("ln_needs", "210000", "省级工作人员")
    hebei_supply = make_item(make_list(campaign, "210000", ListKind.SUPPLY), name="辽宁医疗队", place_code="210000")
    services.match_propose(need=AidItem.objects.get(pk=clinic.pk), supply=hebei_supply, user=hebei_staff)
    return dict(campaign=campaign, mine=mine)


def rows(page: str) -> dict[str, str]:
    body = page[page.index("<tbody"):page.index("</tbody>")]
    found = {}
    for row in re.findall(r"<tr.*?</tr>", body, re.S):
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td.*?</td>", row, re.S)]
        found[cells[1]] = cells
    return found


def test_needs_show_year_and_match_status(client, needs, zhejiang_staff):
    client.force_login(zhejiang_staff)
    page = client.get("/aid/needs/").content.decode()
    table = rows(page)
    assert table["色尼区学校供暖"][0] == "2026" and table["色尼区学校供暖"][-1] == "已对接"
    assert table["安多县卫生院"][-1] == "意向对接" and "辽宁" not in str(table["安多县卫生院"])
    assert table["聂荣县养老站"][-1] == "尚无对接"
    body = page[page.index("<tbody"):page.index("</tbody>")]
    assert f"/aid/matches/{needs['mine'].pk}/" in body  # its own match is a link; 辽宁's is not
    assert body.count("/aid/matches/") == 1


def test_filters_fit_the_page(client, needs, zhejiang_staff):
    client.force_login(zhejiang_staff)
    page = client.get("/aid/needs/").content.decode()
    province = page[page.index('name="province"'):]
    province = province[:province.index("</select>")]
    options = re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', province)
    assert set(options) <= {"西藏自治区", "新疆维吾尔自治区", "青海省", "四川省", "甘肃省", "云南省",
                            "新疆生产建设兵团"}
    assert "西藏自治区" in options and "河北省" not in options and len(options) < 7
    assert 'name="kind"' not in page and "附件3" not in page
    assert 'name="match"' in page
    only_open = rows(client.get("/aid/needs/?match=none").content.decode())
    assert list(only_open) == ["聂荣县养老站"]
    matched = rows(client.get(f"/aid/needs/?match={MatchStatus.MATCHED}").content.decode())
    assert list(matched) == ["色尼区学校供暖"]


def test_ministry_filters_every_recipient(client, needs, ministry_staff):
    client.force_login(ministry_staff)
    page = client.get("/aid/needs/").content.decode()
    province = page[page.index('name="province"'):]
    assert len(re.findall(r'<option value="\d+"', province[:province.index("</select>")])) == 7
