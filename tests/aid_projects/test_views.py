"""Every page and endpoint of 援藏援疆 through the permission matrix, and the pages doing their work."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from aid_projects import services
from aid_projects.choices import ListKind, ListStatus, MatchStatus
from aid_projects.models import AidItem, Liaison, Match, Upload
from portal.models import AuditAction, AuditEntry
from tests.aid_projects.factories import make_campaign, make_item, make_liaison, make_list
from tests.aid_projects.xlsx import GOOD_NEED, handmade
from tests.factories import make_user
from tests.permissions import assert_anonymous_refused, assert_permission_matrix

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(xizang_liaison, xizang_staff, zhejiang_staff, ministry_staff):
    """西藏's need list (accepted, one item), 浙江's supply list, a match between them, 西藏's liaison table."""
    campaign = make_campaign()
    need_list = make_list(campaign, "540000", ListKind.NEED)
    need = make_item(need_list, name="色尼区学校供暖", place_code="540602", amount="120")
    services.list_submit(aid_list=need_list, user=xizang_liaison)
    services.list_decide(aid_list=need_list, user=ministry_staff, accept=True)
    need.refresh_from_db()
    supply_list = make_list(campaign, "330000", ListKind.SUPPLY)
    supply = make_item(supply_list, name="助学暖冬", place_code="330000", amount="150")
    match = services.match_propose(need=AidItem.objects.get(pk=need.pk), supply=supply, user=zhejiang_staff)
    liaison = make_liaison(campaign, "540000")
    liaison_list = make_list(campaign, "540000", ListKind.LIAISON)
    upload = services.upload_preview(aid_list=make_list(make_campaign(2026), "540000", ListKind.NEED),
                                     fileobj=io.BytesIO(handmade([GOOD_NEED])), filename="a.xlsx",
                                     size=len(handmade([GOOD_NEED])), user=xizang_liaison)
    return dict(campaign=campaign, need_list=need_list, need=need, supply_list=supply_list, supply=supply,
                match=match, liaison=liaison, liaison_list=liaison_list, upload=upload,
                version=need_list.versions.get())


def test_read_pages_matrix(client, world, xizang_staff, zhejiang_staff, hebei_staff, no_role_user):
    w = world
    # scoped rows: 西藏's own; 河北 is another province (河北 is paired with 西藏 but a liaison table is not shared)
    for url in [f"/aid/lists/{w['liaison_list'].pk}/", f"/aid/liaisons/{w['liaison'].pk}/",
                f"/aid/uploads/{w['upload'].pk}/"]:
        assert_permission_matrix(client, url, own=xizang_staff, no_perm=no_role_user, other=zhejiang_staff)
    # the match is seen by both sides and the ministry, not by 河北
    assert_permission_matrix(client, f"/aid/matches/{w['match'].pk}/", own=zhejiang_staff, no_perm=no_role_user,
                             other=hebei_staff)
    assert_permission_matrix(client, f"/aid/matches/{w['match'].pk}/", own=xizang_staff)
    # unscoped lists and the campaign pages answer every role with the permission
    for url in ["/aid/campaigns/", f"/aid/campaigns/{w['campaign'].pk}/", "/aid/lists/", "/aid/liaisons/",
                "/aid/needs/", "/aid/matches/", "/aid/liaisons/new/"]:
        assert_permission_matrix(client, url, own=xizang_staff, no_perm=no_role_user)


def test_paired_aiding_province_sees_accepted_needs_only(client, world, zhejiang_staff, hebei_staff, db):
    w = world
    url = f"/aid/needs/{w['need'].pk}/"
    assert_permission_matrix(client, url, own=zhejiang_staff)  # 浙江 ↔ 西藏那曲 in the pairing
    henan = make_user("ha_staff", "410000", "省级工作人员")  # 河南 is not paired with 西藏
    # 河北 is paired with 西藏's 阿里, not 那曲: it reads 阿里's rows of the list only
    assert_permission_matrix(client, url, own=zhejiang_staff, other=hebei_staff)
    ngari_need = make_item(w["need"].aid_list, name="噶尔县冷链", place_code="542523")
    assert_permission_matrix(client, f"/aid/needs/{ngari_need.pk}/", own=hebei_staff, other=henan)
    client.force_login(hebei_staff)
    list_page = client.get(f"/aid/lists/{w['need'].aid_list.pk}/").content.decode()
    assert "噶尔县冷链" in list_page and "色尼区学校供暖" not in list_page
    assert "共 1 个项目，拟投入资金合计 50.00 万元。（本省对口支援地市〔师〕的项目）" in list_page
    # a draft need list is not shared with anyone outside its province
    qinghai = make_list(w["campaign"], "630000", ListKind.NEED)
    draft_need = make_item(qinghai, place_code="632822")
    assert_permission_matrix(client, f"/aid/needs/{draft_need.pk}/", own=make_user("qh", "630000", "省级工作人员"),
                             other=zhejiang_staff)
    client.force_login(zhejiang_staff)
    listing = client.get("/aid/needs/").content.decode()
    assert "色尼区学校供暖" in listing
    client.force_login(henan)
    assert "色尼区学校供暖" not in client.get("/aid/needs/").content.decode()


def test_version_download_is_scoped_and_audited(client, world, xizang_staff, hebei_staff, no_role_user):
    url = f"/aid/versions/{world['version'].pk}/download/"
    # a version holds every prefecture's rows: not shared with a paired province (河北 ↔ 阿里), let alone 河南
    henan = make_user("ha_staff", "410000", "省级工作人员")
    assert_permission_matrix(client, url, own=xizang_staff, no_perm=no_role_user, other=henan)
    response = assert_permission_matrix(client, url, own=xizang_staff, other=hebei_staff)
    assert response["Content-Disposition"].startswith("attachment")
    assert AuditEntry.objects.filter(action=AuditAction.DOWNLOAD, note__contains="附件2第1版").exists()


def test_ministry_only_pages(client, world, ministry_staff, xizang_staff):
    for url in ["/aid/campaigns/new/", f"/aid/campaigns/{world['campaign'].pk}/edit/"]:
        assert_permission_matrix(client, url, own=ministry_staff, no_perm=xizang_staff)


def test_write_steps_matrix(client, world, xizang_staff, xizang_liaison, zhejiang_staff, ministry_staff,
                            no_role_user):
    w = world
    draft = make_list(make_campaign(2026), "540000", ListKind.NEED)
    make_item(draft)
    for url in [f"/aid/lists/{draft.pk}/items/", f"/aid/lists/{draft.pk}/upload/"]:
        assert_permission_matrix(client, url, own=xizang_liaison, no_perm=no_role_user, other=zhejiang_staff)
    assert_permission_matrix(client, f"/aid/lists/{draft.pk}/submit/", method="post", data={},
                             own=xizang_liaison, no_perm=ministry_staff, other=zhejiang_staff, ok_status=302)
    draft.refresh_from_db()
    assert draft.status == ListStatus.SUBMITTED
    assert_permission_matrix(client, f"/aid/lists/{draft.pk}/decide/", method="post",
                             data={"decision": "return", "comment": "请补充"},
                             own=ministry_staff, no_perm=xizang_staff, ok_status=302)
    draft.refresh_from_db()
    assert draft.status == ListStatus.RETURNED
    assert_permission_matrix(client, f"/aid/uploads/{w['upload'].pk}/discard/", method="post", data={},
                             own=xizang_liaison, no_perm=ministry_staff, other=zhejiang_staff, ok_status=302)
    assert_permission_matrix(client, f"/aid/campaigns/{w['campaign'].pk}/open/supply/", method="post", data={},
                             own=zhejiang_staff, no_perm=ministry_staff, ok_status=302)
    hebei = make_user("hb2", "130000", "省级工作人员")
    assert_permission_matrix(client, f"/aid/matches/{w['match'].pk}/to/matched/", method="post", data={},
                             own=xizang_staff, no_perm=ministry_staff, other=hebei, ok_status=302)
    assert Match.objects.get().status == MatchStatus.MATCHED
    assert_permission_matrix(client, f"/aid/needs/{w['need'].pk}/propose/", method="post",
                             data={"supply": w["supply"].pk}, own=zhejiang_staff, no_perm=ministry_staff,
                             other=make_user("ha", "410000", "省级工作人员"), ok_status=302)
    assert_permission_matrix(client, f"/aid/liaisons/{w['liaison'].pk}/delete/", own=xizang_staff,
                             no_perm=ministry_staff, other=zhejiang_staff)
    assert_anonymous_refused(f"/aid/uploads/{w['upload'].pk}/commit/", method="post")
    assert_anonymous_refused(f"/aid/lists/{w['liaison_list'].pk}/scan/", method="post")
    assert_permission_matrix(client, f"/aid/lists/{w['liaison_list'].pk}/scan/download/", own=xizang_staff,
                             ok_status=404)  # nothing uploaded yet


def test_upload_journey_through_the_pages(client, xizang_liaison):
    aid_list = make_list(make_campaign(), "540000", ListKind.NEED)
    client.force_login(xizang_liaison)
    bad = handmade([GOOD_NEED, ["项目二", "扶贫", "拉萨市城关区", "", "30", "联系人", "13908961234"]])
    response = client.post(f"/aid/lists/{aid_list.pk}/upload/", {"file": SimpleUploadedFile("需求.xlsx", bad)})
    upload = Upload.objects.get()
    assert response["Location"] == f"/aid/uploads/{upload.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "错误 1 处" in page and "确认导入" not in page
    response = client.post(f"/aid/uploads/{upload.pk}/commit/")
    assert AidItem.objects.count() == 0
    good = handmade([GOOD_NEED, ["项目二", "教育帮扶", "拉萨市城关区", "", "30", "联系人", "13908961234"]])
    client.post(f"/aid/lists/{aid_list.pk}/upload/", {"file": SimpleUploadedFile("需求2.xlsx", good)})
    upload = Upload.objects.latest("id")
    response = client.post(f"/aid/uploads/{upload.pk}/commit/", follow=True)
    assert "已导入 2 个项目" in response.content.decode()
    assert aid_list.items.count() == 2


def test_table_form_keeps_input_and_names_errors(client, xizang_liaison):
    aid_list = make_list(make_campaign(), "540000", ListKind.NEED)
    client.force_login(xizang_liaison)
    data = {"items-TOTAL_FORMS": "1", "items-INITIAL_FORMS": "0", "items-MIN_NUM_FORMS": "0",
            "items-MAX_NUM_FORMS": "1000", "items-0-name": "牧区小学午餐", "items-0-category": "教育帮扶",
            "items-0-place_text": "火星", "items-0-summary": "", "items-0-amount": "５０万元",
            "items-0-contact_name": "次仁", "items-0-contact_mobile": "12345"}
    response = client.post(f"/aid/lists/{aid_list.pk}/items/", data)
    page = response.content.decode()
    assert response.status_code == 200 and "牧区小学午餐" in page
    assert "未能对应到本省（区）的县级行政区" in page and "不是有效的中国大陆手机号码" in page
    data.update({"items-0-place_text": "城关区", "items-0-contact_mobile": "13908961234"})
    response = client.post(f"/aid/lists/{aid_list.pk}/items/", data)
    assert response.status_code == 302
    item = aid_list.items.get()
    assert (item.name, str(item.amount), item.place.code, item.seq) == ("牧区小学午餐", "50.00", "540102", 1)
    data.update({"items-0-amount": "260"})
    page = client.post(f"/aid/lists/{aid_list.pk}/items/", data).content.decode()
    assert "超过200万元" in page  # a new row over 200 needs the confirmation box


def test_liaison_form_validates_phones_and_scope(client, xizang_staff, zhejiang_staff):
    campaign = make_campaign()
    client.force_login(xizang_staff)
    from portal.models import Authority

    lhasa = Authority.objects.get(code="540100")
    data = {"campaign": campaign.pk, "authority": lhasa.pk, "name": "次旦", "unit": "拉萨市民政局",
            "work_phone": "6812345", "mobile": "1390890", "email": "not-an-email"}
    page = client.post("/aid/liaisons/new/", data).content.decode()
    assert "固定电话请带区号" in page and "不是有效的中国大陆手机号码" in page and "合法的邮件地址" in page
    assert 'value="次旦"' in page
    data.update(work_phone="0891-6812345", mobile="13908900002", email="cidan@example.cn")
    assert client.post("/aid/liaisons/new/", data).status_code == 302
    client.force_login(zhejiang_staff)
    data.update(authority=Authority.objects.get(code="330100").pk, name="浙江联络员")
    count = Liaison.objects.count()
    response = client.post("/aid/liaisons/new/", data)
    page = response.content.decode()
    # 杭州 is not a recipient: the choice is not offered (or, offered, refused by the recipient rule)
    assert response.status_code == 200 and ("选择一个有效的选项" in page or "只有受援地区" in page)
    assert Liaison.objects.count() == count and not Liaison.objects.filter(name="浙江联络员").exists()


def test_stamped_scan_upload(client, xizang_staff):
    campaign = make_campaign()
    liaison_list = make_list(campaign, "540000", ListKind.LIAISON)
    client.force_login(xizang_staff)
    client.post(f"/aid/lists/{liaison_list.pk}/scan/", {"stamped_scan": SimpleUploadedFile("scan.txt", b"hello")})
    liaison_list.refresh_from_db()
    assert not liaison_list.stamped_scan
    client.post(f"/aid/lists/{liaison_list.pk}/scan/",
                {"stamped_scan": SimpleUploadedFile("盖章件.pdf", b"%PDF-1.4 test")})
    liaison_list.refresh_from_db()
    assert liaison_list.stamped_scan
    response = client.get(f"/aid/lists/{liaison_list.pk}/scan/download/")
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")


def test_home_panels(client, world, xizang_liaison, ministry_staff, xizang_staff):
    w = world
    make_list(w["campaign"], "540000", ListKind.LIAISON)
    w["campaign"].is_open = True
    w["campaign"].save()
    client.force_login(xizang_liaison)
    page = client.get("/").content.decode()
    assert "援藏援疆填报" in page and "附件1" in page and "已逾期" in page
    client.force_login(xizang_staff)
    assert "待答复的对接意向" in client.get("/").content.decode()
    client.force_login(ministry_staff)
    assert "待审核的援藏援疆清单" in client.get("/").content.decode()


def test_submitted_list_pages_refuse_editing(client, xizang_liaison):
    aid_list = make_list(make_campaign(), "540000", ListKind.NEED, status=ListStatus.SUBMITTED)
    client.force_login(xizang_liaison)
    for url in (f"/aid/lists/{aid_list.pk}/items/", f"/aid/lists/{aid_list.pk}/upload/"):
        response = client.get(url, follow=True)
        assert response.redirect_chain[-1][0] == f"/aid/lists/{aid_list.pk}/"
        assert "已报送" in response.content.decode()


@pytest.mark.parametrize("raw,expected", [("0891-6321234", "0891-6321234"), ("(010)58124054", "010-58124054"),
                                          ("0311 8765 4321", "0311-87654321"), ("139 0890 0001", "13908900001")])
def test_work_phone_normalised(raw, expected):
    from aid_projects.validation import clean_landline

    assert clean_landline(raw) == expected


def test_scan_and_commit_steps_matrix(client, world, xizang_staff, xizang_liaison, zhejiang_staff, ministry_staff,
                                      no_role_user):
    w = world
    scan = {"stamped_scan": SimpleUploadedFile("盖章件.pdf", b"%PDF-1.4 x")}
    for user, expected in [(no_role_user, 403), (zhejiang_staff, 404)]:
        client.force_login(user)
        scan["stamped_scan"].seek(0)
        assert client.post(f"/aid/lists/{w['liaison_list'].pk}/scan/", scan).status_code == expected
    client.force_login(xizang_staff)
    scan["stamped_scan"].seek(0)
    assert client.post(f"/aid/lists/{w['liaison_list'].pk}/scan/", scan).status_code == 302
    w["liaison_list"].refresh_from_db()
    assert w["liaison_list"].stamped_scan
    assert_permission_matrix(client, f"/aid/lists/{w['liaison_list'].pk}/scan/download/", own=xizang_staff,
                             no_perm=no_role_user, other=zhejiang_staff)
    upload = w["upload"]
    assert_permission_matrix(client, f"/aid/uploads/{upload.pk}/commit/", method="post", data={},
                             own=xizang_liaison, no_perm=ministry_staff, other=zhejiang_staff, ok_status=302)
    upload.refresh_from_db()
    assert upload.status == "committed" and upload.aid_list.items.count() == 1


def test_item_lists_query_count_does_not_grow_with_rows(client, xizang_staff):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    aid_list = make_list(make_campaign(), "540000", ListKind.NEED)
    make_item(aid_list, place_code="540602")
    client.force_login(xizang_staff)
    client.get("/")  # the first request after login fills the session and the cached roles (portal.access)
    # and the filter form's campaigns and provinces (portal.choice_cache), the place's name (portal.gazetteer)
    client.get("/aid/needs/")
    counts = []
    for rows in (2, 8):
        while aid_list.items.count() < rows:
            make_item(aid_list, place_code="540602")
        per_url = []
        for url in ("/aid/needs/", "/api/aid/items/", f"/aid/lists/{aid_list.pk}/"):
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            per_url.append(len(ctx))
        counts.append(per_url)
    assert counts[0] == counts[1], counts
