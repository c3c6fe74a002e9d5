"""The 援藏援疆 API: every endpoint through the permission matrix; upload, commit, submit and match by API."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from aid_projects import services
from aid_projects.choices import ListKind, ListStatus
from aid_projects.models import AidItem
from tests.aid_projects.factories import make_campaign, make_item, make_liaison, make_list
from tests.aid_projects.xlsx import GOOD_NEED, handmade
from tests.factories import make_user
from tests.permissions import assert_permission_matrix

pytestmark = pytest.mark.django_db
API = "/api/aid"


@pytest.fixture
def world(xizang_liaison, zhejiang_staff, ministry_staff):
    campaign = make_campaign()
    need_list = make_list(campaign, "540000", ListKind.NEED)
    need = make_item(need_list, name="色尼区学校供暖", place_code="540602", amount="120")
    version = services.list_submit(aid_list=need_list, user=xizang_liaison)
    services.list_decide(aid_list=need_list, user=ministry_staff, accept=True)
    supply = make_item(make_list(campaign, "330000", ListKind.SUPPLY), name="助学暖冬", place_code="330000",
                       amount="150")
    match = services.match_propose(need=AidItem.objects.get(pk=need.pk), supply=supply, user=zhejiang_staff)
    liaison = make_liaison(campaign, "540000")
    return dict(campaign=campaign, need_list=need_list, need=need, supply=supply, match=match, liaison=liaison,
                version=version)


def test_read_endpoints_matrix(client, world, xizang_staff, zhejiang_staff, hebei_staff, no_role_user):
    w = world
    henan = make_user("ha_staff", "410000", "省级工作人员")
    for url in ["campaigns/", "lists/", "items/", "liaisons/", "submissions/", "matches/", "uploads/",
                "pairings/", f"campaigns/{w['campaign'].pk}/"]:
        assert_permission_matrix(client, f"{API}/{url}", own=xizang_staff, no_perm=no_role_user)
    for url in [f"lists/{w['need_list'].pk}/", f"items/{w['need'].pk}/"]:
        assert_permission_matrix(client, f"{API}/{url}", own=xizang_staff, no_perm=no_role_user, other=henan)
        assert_permission_matrix(client, f"{API}/{url}", own=zhejiang_staff)  # paired (那曲), accepted: readable
    # a frozen submission holds every prefecture's rows, not only the paired ones: the recipient's own
    assert_permission_matrix(client, f"{API}/submissions/{w['version'].pk}/", own=xizang_staff,
                             no_perm=no_role_user, other=zhejiang_staff)
    assert_permission_matrix(client, f"{API}/liaisons/{w['liaison'].pk}/", own=xizang_staff, no_perm=no_role_user,
                             other=zhejiang_staff)
    assert_permission_matrix(client, f"{API}/matches/{w['match'].pk}/", own=zhejiang_staff, no_perm=no_role_user,
                             other=hebei_staff)
    assert_permission_matrix(client, f"{API}/items/{w['need'].pk}/suggestions/", own=zhejiang_staff,
                             no_perm=no_role_user, other=henan)


def test_lists_are_scoped_in_the_api_listing(client, world, hebei_staff, zhejiang_staff):
    qinghai = make_list(world["campaign"], "630000", ListKind.NEED)
    make_item(qinghai, place_code="632822", name="青海草原项目")
    client.force_login(zhejiang_staff)
    names = [i["name"] for i in client.get(f"{API}/items/?kind=need").json()["results"]]
    assert names == ["色尼区学校供暖"]  # 青海's draft is not shared, 西藏's accepted list is
    client.force_login(hebei_staff)
    assert [i["name"] for i in client.get(f"{API}/items/?kind=supply").json()["results"]] == []


def test_upload_commit_submit_and_decide_by_api(client, xizang_liaison, ministry_staff, zhejiang_staff):
    campaign = make_campaign(2026)
    client.force_login(xizang_liaison)
    response = client.post(f"{API}/lists/", {"campaign": campaign.pk, "kind": "need"}, content_type="application/json")
    assert response.status_code == 201
    list_id = response.json()["id"]
    client.force_login(zhejiang_staff)
    refused = client.post(f"{API}/lists/", {"campaign": campaign.pk, "kind": "need"}, content_type="application/json")
    assert refused.status_code == 400 and "不是受援地区" in refused.json()["detail"]
    bad = handmade([GOOD_NEED, ["项目二", "扶贫", "城关区", "", "30", "人", "13908961234"]])
    assert client.post(f"{API}/lists/{list_id}/upload/", {"file": SimpleUploadedFile("a.xlsx", bad)}).status_code == 404
    client.force_login(xizang_liaison)
    preview = client.post(f"{API}/lists/{list_id}/upload/", {"file": SimpleUploadedFile("a.xlsx", bad)}).json()
    assert preview["error_count"] == 1 and preview["rows"][1]["errors"]["category"].startswith("帮扶类别")
    refused = client.post(f"{API}/uploads/{preview['id']}/commit/", {}, content_type="application/json")
    assert refused.status_code == 400 and "1 处错误" in refused.json()["detail"]
    good = handmade([GOOD_NEED])
    preview = client.post(f"{API}/lists/{list_id}/upload/", {"file": SimpleUploadedFile("b.xlsx", good)}).json()
    committed = client.post(f"{API}/uploads/{preview['id']}/commit/", {}, content_type="application/json")
    assert committed.json()["status"] == "committed"
    submitted = client.post(f"{API}/lists/{list_id}/submit/", {}, content_type="application/json")
    assert submitted.status_code == 201 and submitted.json()["number"] == 1
    assert client.post(f"{API}/lists/{list_id}/accept/", {}, content_type="application/json").status_code == 403
    client.force_login(ministry_staff)
    returned = client.post(f"{API}/lists/{list_id}/return/", {"comment": "补充简介"}, content_type="application/json")
    assert returned.json()["status"] == ListStatus.RETURNED


def test_item_crud_by_api_uses_the_same_rules(client, xizang_liaison, zhejiang_staff):
    aid_list = make_list(make_campaign(), "540000", ListKind.NEED)
    client.force_login(xizang_liaison)
    row = {"aid_list": aid_list.pk, "name": "牧区小学午餐", "category": "教育帮扶", "place_text": "城关区",
           "summary": "", "amount": "５０万元", "contact_name": "次仁", "contact_mobile": "13908961234"}
    created = client.post(f"{API}/items/", row, content_type="application/json")
    assert created.status_code == 201, created.content
    assert created.json()["amount"] == "50.00" and created.json()["place_name"] == "西藏自治区拉萨市城关区"
    bad = client.post(f"{API}/items/", {**row, "amount": "300", "place_text": "杭州市"},
                      content_type="application/json")
    assert bad.status_code == 400 and "place_text" in bad.json()
    client.force_login(zhejiang_staff)
    assert client.post(f"{API}/items/", row, content_type="application/json").status_code == 400  # not its list
    assert client.delete(f"{API}/items/{created.json()['id']}/").status_code == 404


def test_match_by_api(client, world, zhejiang_staff, xizang_staff):
    w = world
    client.force_login(xizang_staff)
    answered = client.post(f"{API}/matches/{w['match'].pk}/transition/", {"to_status": "matched"},
                           content_type="application/json")
    assert answered.json()["status"] == "matched"
    client.force_login(zhejiang_staff)
    wrong = client.post(f"{API}/matches/{w['match'].pk}/transition/", {"to_status": "completed"},
                        content_type="application/json")
    assert wrong.status_code == 400 and "不能改为" in wrong.json()["detail"]
    other_supply = make_item(w["supply"].aid_list, name="第二个供给", place_code="330000")
    created = client.post(f"{API}/matches/", {"need": w["need"].pk, "supply": other_supply.pk},
                          content_type="application/json")
    assert created.status_code == 201 and created.json()["status"] == "proposed"


def test_summary_job_start_endpoint(client, world, ministry_staff, xizang_staff, zhejiang_staff, no_role_user):
    w = world
    url = f"{API}/summaries/"
    national = {"kind": "aid_national_need", "campaign": w["campaign"].pk}
    assert_permission_matrix(client, url, method="post", data=national, own=ministry_staff, no_perm=xizang_staff,
                             ok_status=(200, 201))
    client.force_login(no_role_user)
    assert client.post(url, national, content_type="application/json").status_code == 403
    client.force_login(zhejiang_staff)  # 浙江 may not start a summary of 西藏's own list
    own = {"kind": "aid_attachment", "list": w["need_list"].pk}
    assert client.post(url, own, content_type="application/json").status_code == 404
    client.force_login(xizang_staff)
    started = client.post(url, own, content_type="application/json")
    assert started.status_code == 201 and started.json()["kind"] == "aid_attachment"
    again = client.post(url, own, content_type="application/json")
    assert again.status_code == 200 and again.json()["id"] == started.json()["id"]  # already queued: the same job


def test_step_endpoints_matrix(client, world, xizang_liaison, xizang_staff, zhejiang_staff, ministry_staff,
                               no_role_user):
    w = world
    draft = make_list(make_campaign(2026), "540000", ListKind.NEED)
    make_item(draft)
    henan = make_user("ha_staff", "410000", "省级工作人员")
    assert_permission_matrix(client, f"{API}/lists/{draft.pk}/submit/", method="post", data={},
                             own=xizang_liaison, no_perm=ministry_staff, other=zhejiang_staff, ok_status=201)
    assert_permission_matrix(client, f"{API}/lists/{draft.pk}/accept/", method="post", data={},
                             own=ministry_staff, no_perm=xizang_staff, ok_status=200)
    data = handmade([GOOD_NEED])
    other = make_list(make_campaign(2027), "540000", ListKind.NEED)
    for user, expected in [(no_role_user, 403), (henan, 404), (xizang_liaison, 201)]:
        client.force_login(user)
        response = client.post(f"{API}/lists/{other.pk}/upload/", {"file": SimpleUploadedFile("a.xlsx", data)})
        assert response.status_code == expected, (user, response.content[:200])
    upload_id = response.json()["id"]
    assert_permission_matrix(client, f"{API}/uploads/{upload_id}/", own=xizang_liaison, no_perm=no_role_user,
                             other=zhejiang_staff)
    assert_permission_matrix(client, f"{API}/uploads/{upload_id}/commit/", method="post", data={},
                             own=xizang_liaison, no_perm=ministry_staff, other=zhejiang_staff)
    assert_permission_matrix(client, f"{API}/matches/{w['match'].pk}/transition/", method="post",
                             data={"to_status": "matched"}, own=xizang_staff, no_perm=ministry_staff,
                             other=henan)
    # the row is looked up (scoped) first: an invalid body on another province's row is 404, not 400
    client.force_login(henan)
    bad = {"to_status": "不存在的状态", "confirm_warnings": "不是布尔值"}
    for url in (f"{API}/matches/{w['match'].pk}/transition/", f"{API}/uploads/{upload_id}/commit/"):
        assert client.post(url, bad, content_type="application/json").status_code == 404, url
    client.force_login(xizang_staff)
    assert client.post(f"{API}/matches/{w['match'].pk}/transition/", bad,
                       content_type="application/json").status_code == 400
