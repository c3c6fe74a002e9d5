"""The 援藏援疆 list pages' queries (issue 17): a list shorter than a page is not counted apart (its rows
are its count), and each page reads only the columns its table shows — no user rows joined, no project
texts the table does not show."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aid_projects import services
from aid_projects.choices import ListKind, ListStatus
from aid_projects.models import AidItem
from tests.aid_projects.factories import make_campaign, make_item, make_list

pytestmark = pytest.mark.django_db

PAGES = ("/aid/needs/", "/aid/matches/", "/aid/lists/", "/aid/campaigns/")


@pytest.fixture
def aid_rows(zhejiang_staff):
    campaign = make_campaign(2026)
    tibet = make_list(campaign, "540000", ListKind.NEED, ListStatus.ACCEPTED)
    need = make_item(tibet, name="色尼区学校供暖", place_code="540602")
    make_item(tibet, name="拉萨社区养老站", place_code="540102")
    supply = make_item(make_list(campaign, "330000", ListKind.SUPPLY), name="助学暖冬", place_code="330000")
    services.match_propose(need=AidItem.objects.get(pk=need.pk), supply=supply, user=zhejiang_staff)


def _queries(client, user, url):
    client.force_login(user)
    client.get(url)  # the first request after login: the session's clock, the cached roles and filter choices
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), [q["sql"] for q in ctx.captured_queries]


@pytest.mark.parametrize("who", ["xizang_staff", "zhejiang_staff", "ministry_staff"])
@pytest.mark.parametrize("url", PAGES)
def test_a_short_list_is_not_counted_apart(request, client, aid_rows, who, url):
    """Fewer rows than a page: the page's rows are all the rows, 「共 N 条」 is their number."""
    user = request.getfixturevalue(who)
    page, sql = _queries(client, user, url)
    assert not [q for q in sql if "COUNT(" in q.upper()], sql
    # the session, the user (the ministry: its TOTP device), an aiding province's pairing, the rows; the
    # needs page: the open matches of its rows and which of them the user may see
    assert len(sql) <= (3 if user.is_ministry else 2) + 1 + 1 + (2 if url == "/aid/needs/" else 0), sql
    shown = page.count("<tr class=")
    assert f"共 {shown} 条" in page and shown >= 1


def test_the_pages_read_only_what_their_tables_show(client, aid_rows, zhejiang_staff):
    needs = next(q for q in _queries(client, zhejiang_staff, "/aid/needs/")[1]
                 if q.startswith('SELECT "aid_projects_aiditem"."id"'))
    assert '"contact_mobile"' not in needs and '"summary"' not in needs and '"stamped_scan"' not in needs
    assert "(SELECT" not in needs  # the match status: read for the page's rows, not a subquery per row
    matches = _queries(client, zhejiang_staff, "/aid/matches/")[1][-1]
    assert '"portal_user"' not in matches and '"decision_note"' not in matches
    lists = _queries(client, zhejiang_staff, "/aid/lists/")[1][-1]
    assert '"portal_user"' not in lists and '"return_comment"' not in lists


def test_a_full_first_page_is_still_counted(client, xizang_staff):
    """A full first page may not be all: the rows are counted, and the pages offered."""
    tibet = make_list(make_campaign(2026), "540000", ListKind.NEED)
    place = make_item(tibet, seq=1).place
    AidItem.objects.bulk_create([AidItem(aid_list=tibet, seq=n, name=f"项目{n}", category="教育帮扶", place=place,
                                         place_text="城关区", amount=1, contact_name="联系人",
                                         contact_mobile="13912345678") for n in range(2, 52)])
    page, sql = _queries(client, xizang_staff, "/aid/needs/")
    assert [q for q in sql if "COUNT(" in q.upper()] and "共 51 条" in page and "?page=2" in page
    page, sql = _queries(client, xizang_staff, "/aid/needs/?page=2")
    assert "共 51 条" in page and page.count("<tr class=") == 1


def test_the_needs_name_their_places_in_full_without_joining_them(client, aid_rows, xizang_staff):
    """实施地 is the division's full name; the names come from the gazetteer's names computed once per
    division (one query for a page's new places), not from three joined parents on every page."""
    page, sql = _queries(client, xizang_staff, "/aid/needs/")
    assert "西藏自治区那曲市色尼区" in page and "西藏自治区拉萨市城关区" in page
    needs = next(q for q in sql if q.startswith('SELECT "aid_projects_aiditem"."id"'))
    assert '"aid_projects_aiditem"."place_id" =' not in needs  # the place is not joined
    assert not [q for q in sql if 'FROM "portal_authority"' in q and '"parent_id"' in q], sql  # known already


def test_a_renamed_division_is_named_anew(client, aid_rows, xizang_staff):
    """The names kept per process follow the authorities' generation: a rename (a save in any process, or a
    reference load) is on the next page."""
    from portal.models import Authority

    page, _sql = _queries(client, xizang_staff, "/aid/needs/")
    assert "西藏自治区那曲市色尼区" in page
    county = Authority.objects.get(code="540602")
    county.name = "色尼新区"
    county.save()
    page = client.get("/aid/needs/").content.decode()
    assert "西藏自治区那曲市色尼新区" in page and "西藏自治区那曲市色尼区" not in page
