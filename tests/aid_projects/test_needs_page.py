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


def test_the_page_and_the_query_find_the_same_match_status(needs, zhejiang_staff, xizang_staff, ministry_staff):
    """The page sets each need's status after reading its rows (``set_match_status``); filtering, sorting
    and the export take it from the query (``with_match_status``): the same values for every user."""
    import datetime

    from django.utils import timezone

    from aid_projects.models import Match
    from aid_projects.selectors import set_match_status, with_match_status
    from portal.models import User

    campaign = needs["campaign"]
    heating, clinic, old_people = (AidItem.objects.get(name=name)
                                   for name in ("色尼区学校供暖", "安多县卫生院", "聂荣县养老站"))
    liaoning = make_list(campaign, "210000", ListKind.SUPPLY)
    zhejiang = make_list(campaign, "330000", ListKind.SUPPLY)
    now = timezone.now()
    # 辽宁's completed match outranks 浙江's own (已对接) on the heating: 浙江 sees the status, links its own
    Match.objects.create(need=heating, supply=make_item(liaoning, name="辽宁供暖"), status=MatchStatus.COMPLETED)
    # two proposals on the clinic: the later one first; a declined one on the old people's station counts not
    later = Match.objects.create(need=clinic, supply=make_item(zhejiang, name="浙江医疗"), status=MatchStatus.PROPOSED)
    Match.objects.filter(pk=later.pk).update(updated=now + datetime.timedelta(hours=1))
    Match.objects.create(need=old_people, supply=make_item(zhejiang, name="浙江养老"), status=MatchStatus.DECLINED)
    needs_qs = AidItem.objects.filter(aid_list__kind=ListKind.NEED).order_by("pk")
    for user in (zhejiang_staff, xizang_staff, ministry_staff, User.objects.get(username="ln_needs")):
        from_query = [(n.pk, n.match_status, n.own_match_id) for n in with_match_status(needs_qs, user)]
        rows = list(needs_qs)
        set_match_status(rows, user)
        assert [(n.pk, n.match_status, n.own_match_id) for n in rows] == from_query, user
    zhejiang_view = {n.pk: n for n in rows}
    set_match_status(rows, zhejiang_staff)
    assert zhejiang_view[heating.pk].match_status == MatchStatus.COMPLETED
    assert zhejiang_view[heating.pk].own_match_id == needs["mine"].pk
    assert zhejiang_view[clinic.pk].own_match_id == later.pk and zhejiang_view[old_people.pk].match_status is None


def test_the_export_carries_each_needs_match_status(client, needs, zhejiang_staff):
    """The Excel export reads the status from its query (the page sets it on its rows only)."""
    import io

    from openpyxl import load_workbook

    client.force_login(zhejiang_staff)
    response = client.get("/aid/needs/?export=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cells = {row[1]: row[-1] for row in sheet.iter_rows(values_only=True) if row and row[1]}
    assert "已对接" in cells["色尼区学校供暖"]  # (its own match: the cell's link HTML, as the export always wrote it)
    assert cells["安多县卫生院"] == "意向对接" and cells["聂荣县养老站"] == "尚无对接"
    places = {row[1]: row[4] for row in sheet.iter_rows(values_only=True) if row and row[1]}
    assert places["色尼区学校供暖"] == "西藏自治区那曲市色尼区" and places["安多县卫生院"] == "西藏自治区那曲市安多县"


def test_a_page_of_needs_asks_which_matches_are_the_users_only_when_it_sees_some(
        needs, zhejiang_staff, ministry_staff, django_assert_num_queries):
    """``set_match_status``: the open matches of the page in one query; which of them the user may open in a
    second only for a province (the rule ``restrict`` filters by): the ministry opens every one, a user
    without the permission none — each still sees every need's status."""
    from aid_projects.selectors import set_match_status

    rows = list(AidItem.objects.filter(aid_list__kind=ListKind.NEED).order_by("pk"))
    heating = next(row for row in rows if row.name == "色尼区学校供暖")
    clinic = next(row for row in rows if row.name == "安多县卫生院")
    nobody = make_user("no_aid_role", "330000")  # an account of 浙江 with no role: no model permission
    for user, queries, own in ((ministry_staff, 1, {heating.pk, clinic.pk}), (zhejiang_staff, 2, {heating.pk}),
                               (nobody, 1, set())):
        user.has_perm("aid_projects.view_match")  # the permissions read once (cached on the user), not counted
        with django_assert_num_queries(queries):
            set_match_status(rows, user)
        assert {row.pk for row in rows if row.own_match_id} == own, user
        assert heating.match_status == MatchStatus.MATCHED and clinic.match_status == MatchStatus.PROPOSED
