"""Every aid write on another province's object — page POSTs and API writes — answers 404 and changes
nothing.  An aiding province reads its paired recipients' accepted lists but writes none of them.
One line per write route; the URL walk fails without one."""

import pytest

from tests.scope_world import WriteCheck, assert_check, build_world

pytestmark = pytest.mark.django_db

ITEM = {"name": "改写项目", "category": "教育帮扶", "place_text": "浙江省", "amount": "10", "summary": "简介",
        "contact_name": "联系人", "contact_mobile": "13912345678"}
EMPTY_FORMSET = {"items-TOTAL_FORMS": "0", "items-INITIAL_FORMS": "0", "items-MIN_NUM_FORMS": "0",
                 "items-MAX_NUM_FORMS": "1000"}

WRITE_CHECKS = {
    "aid_projects:list-items": WriteCheck(lambda o: f"/aid/lists/{o.pk}/items/", "aidlist", owner="hb",
                                          attacker="zj", data=EMPTY_FORMSET),
    # a paired recipient's accepted list is readable by 河北, never writable
    "aid_projects:list-items:paired": WriteCheck(lambda o: f"/aid/lists/{o.pk}/items/", "aidlist", owner="xz",
                                                 data=EMPTY_FORMSET),
    "aid_projects:list-upload": WriteCheck(lambda o: f"/aid/lists/{o.pk}/upload/", "aidlist", owner="hb",
                                           attacker="zj", data={"mode": "append"}),
    "aid_projects:list-submit": WriteCheck(lambda o: f"/aid/lists/{o.pk}/submit/", "aidlist", owner="hb",
                                           attacker="zj"),
    "aid_projects:list-copy-liaisons": WriteCheck(lambda o: f"/aid/lists/{o.pk}/copy-liaisons/", "aidlist",
                                                  owner="hb", attacker="zj"),
    "aid_projects:list-scan": WriteCheck(lambda o: f"/aid/lists/{o.pk}/scan/", "aidlist"),
    "aid_projects:upload-commit": WriteCheck(lambda o: f"/aid/uploads/{o.pk}/commit/", "upload"),
    "aid_projects:upload-discard": WriteCheck(lambda o: f"/aid/uploads/{o.pk}/discard/", "upload"),
    "aid_projects:liaison-update": WriteCheck(lambda o: f"/aid/liaisons/{o.pk}/", "liaison",
                                              data={"name": "改名", "unit": "单位", "work_phone": "0571-87654321",
                                                    "mobile": "13912345678", "email": "a@example.cn"}),
    "aid_projects:liaison-delete": WriteCheck(lambda o: f"/aid/liaisons/{o.pk}/delete/", "liaison"),
    # 四川's need: 浙江 is paired with it, 河北 is not
    "aid_projects:match-propose": WriteCheck(lambda o: f"/aid/needs/{o.pk}/propose/", "aiditem", owner="sc",
                                             data=lambda w: {"supply": w.obj("aiditem", "hb").pk, "amount": "5"}),
    "aid_projects:match-transition": WriteCheck(lambda o: f"/aid/matches/{o.pk}/to/withdrawn/", "match"),
    # API
    "api-aiditem-detail:put": WriteCheck(lambda o: f"/api/aid/items/{o.pk}/", "aiditem", method="put",
                                         data=lambda w: {**ITEM, "aid_list": w.obj("aidlist", "zj").pk}),
    "api-aiditem-detail:patch": WriteCheck(lambda o: f"/api/aid/items/{o.pk}/", "aiditem", method="patch",
                                           data={"name": "改写项目"}),
    "api-aiditem-detail:patch-paired": WriteCheck(lambda o: f"/api/aid/items/{o.pk}/", "aiditem", method="patch",
                                                  owner="xz", data={"name": "改写项目"}),
    "api-aiditem-detail:delete": WriteCheck(lambda o: f"/api/aid/items/{o.pk}/", "aiditem", method="delete"),
    "api-liaison-detail:put": WriteCheck(lambda o: f"/api/aid/liaisons/{o.pk}/", "liaison", method="put",
                                         data=lambda w: {"campaign": w.obj("campaign", "bu").pk, "name": "改名",
                                                         "unit": "单位", "work_phone": "0571-87654321",
                                                         "mobile": "13912345678", "email": "a@example.cn"}),
    "api-liaison-detail:patch": WriteCheck(lambda o: f"/api/aid/liaisons/{o.pk}/", "liaison", method="patch",
                                           data={"name": "改名"}),
    "api-liaison-detail:delete": WriteCheck(lambda o: f"/api/aid/liaisons/{o.pk}/", "liaison", method="delete"),
    "api-aidlist-submit": WriteCheck(lambda o: f"/api/aid/lists/{o.pk}/submit/", "aidlist", owner="hb",
                                     attacker="zj"),
    "api-aidlist-upload": WriteCheck(lambda o: f"/api/aid/lists/{o.pk}/upload/", "aidlist", owner="hb",
                                     attacker="zj", data={}),
    "api-upload-commit": WriteCheck(lambda o: f"/api/aid/uploads/{o.pk}/commit/", "upload"),
    "api-upload-discard": WriteCheck(lambda o: f"/api/aid/uploads/{o.pk}/discard/", "upload"),
    "api-match-transition": WriteCheck(lambda o: f"/api/aid/matches/{o.pk}/transition/", "match",
                                       data={"to_status": "withdrawn"}),
}


@pytest.fixture
def world():
    return build_world()


@pytest.mark.parametrize("route", sorted(WRITE_CHECKS))
def test_write_on_another_provinces_object_is_404_and_changes_nothing(route, client, world):
    assert_check(WRITE_CHECKS[route], client, world)
