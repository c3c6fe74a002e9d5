"""Every crackdown write on another province's object — page POSTs and API writes — answers 404 and
changes nothing (no row, no audit entry).  One line per write route; the URL walk fails without one."""

import datetime

import pytest

from tests.scope_world import WriteCheck, assert_check, build_world

pytestmark = pytest.mark.django_db


def v(obj):
    return {"version": obj.version}


def referral_result_check(api: bool):
    """A referral of 浙江's case: 河北 cannot record its result (page and API), and nothing changes."""

    def check(client, world):
        from crackdown.services import referral_add
        from tests.permissions import assert_write_refused

        case = world.obj("case", "zj")
        referral = referral_add(case=case, actor=world.users["zj"], department="public_security",
                                referred_on=datetime.date(2026, 3, 1), matter="涉嫌诈骗")
        data = {"result_on": "2026-04-01", "cases_solved": 1, "suspects_caught": 1}
        if api:
            url, data = f"/api/crackdown/cases/{case.pk}/referral-result/", {**data, "referral": referral.pk}
        else:
            url = f"/crackdown/cases/referrals/{referral.pk}/result/"
        assert_write_refused(client, url, user=world.users["hb"], obj=referral, data=data)
        referral.refresh_from_db()
        assert referral.result_on is None

    return check


WRITE_CHECKS = {
    "crackdown:lead-update": WriteCheck(lambda o: f"/crackdown/leads/{o.pk}/edit/", "lead",
                                        data={"org_name": "改名研究会", "source": "patrol"}),
    "crackdown:lead-status": WriteCheck(lambda o: f"/crackdown/leads/{o.pk}/status/", "lead",
                                        data={"status": "unfounded", "note": "不属实"}),
    "crackdown:lead-transfer": WriteCheck(lambda o: f"/crackdown/leads/{o.pk}/transfer/", "lead",
                                          data={"to_department": "public_security", "transfer_date": "2026-11-30"}),
    "crackdown:lead-to-case": WriteCheck(lambda o: f"/crackdown/leads/{o.pk}/to-case/", "lead",
                                         data={"org_name": "立案研究会", "target_type": "unregistered"}),
    "crackdown:lead-informant": WriteCheck(lambda o: f"/crackdown/leads/{o.pk}/informant/", "lead"),
    "crackdown:batch-add-leads": WriteCheck(lambda o: f"/crackdown/batches/{o.pk}/leads/", "checkbatch",
                                            data=lambda w: {"numbers": w.obj("lead", "hb").number}),
    "crackdown:case-update": WriteCheck(lambda o: f"/crackdown/cases/{o.pk}/edit/", "case",
                                        data=lambda w: {"org_name": "改名促进会", "target_type": "unregistered",
                                                        "version": w.obj("case", "zj").version}),
    "crackdown:case-transition": WriteCheck(lambda o: f"/crackdown/cases/{o.pk}/step/investigation/", "case",
                                            data=lambda w: {"version": w.obj("case", "zj").version, "note": "同意"}),
    "crackdown:case-evidence-add": WriteCheck(lambda o: f"/crackdown/cases/{o.pk}/evidence/new/", "case",
                                              data={"kind": "document", "description": "证据"}),
    "crackdown:case-inquiry-add": WriteCheck(lambda o: f"/crackdown/cases/{o.pk}/inquiries/new/", "case",
                                             data={"kind": "inquiry", "held_on": "2026-11-30", "subject": "甲"}),
    "crackdown:case-shutdown-add": WriteCheck(lambda o: f"/crackdown/cases/{o.pk}/shutdowns/new/", "case",
                                              data={"website": "https://example.cn", "department": "cyberspace"}),
    "crackdown:case-linked-add": WriteCheck(lambda o: f"/crackdown/cases/{o.pk}/linked/new/", "case",
                                            data={"kind": "person", "name": "张三"}),
    "crackdown:listentry-add": WriteCheck(lambda o: f"/crackdown/lists/{o.pk}/entries/", "listbatch",
                                          data=lambda w: {"number": w.obj("lead", "hb").number}),
    "crackdown:listbatch-submit": WriteCheck(lambda o: f"/crackdown/lists/{o.pk}/submit/", "listbatch"),
    "crackdown:listbatch-return": WriteCheck(lambda o: f"/crackdown/lists/{o.pk}/return/", "listbatch",
                                             data={"reason": "请补充"}),
    "crackdown:listbatch-publish": WriteCheck(lambda o: f"/crackdown/lists/{o.pk}/publish/", "listbatch",
                                              data={"confirm": "on", "published_on": "2026-11-30"}),
    "crackdown:listentry-withdraw": WriteCheck(lambda o: f"/crackdown/lists/entries/{o.pk}/withdraw/", "listentry",
                                               data={"reason": "误列"}),
    "crackdown:listentry-remove": WriteCheck(lambda o: f"/crackdown/lists/entries/{o.pk}/remove/", "listentry"),
    "crackdown:case-referral-add": WriteCheck(lambda o: f"/crackdown/cases/{o.pk}/referrals/new/", "case",
                                              data={"department": "public_security", "referred_on": "2026-03-01",
                                                    "matter": "涉嫌诈骗"}),
    "crackdown:case-referral-result": referral_result_check(api=False),
    "crackdown:case-confiscation-add": WriteCheck(lambda o: f"/crackdown/cases/{o.pk}/confiscations/new/", "case",
                                                  data={"description": "会费", "amount": "100", "disposal": "pending"}),
    "crackdown:case-clock": WriteCheck(lambda o: f"/crackdown/cases/{o.pk}/clock/suspend/", "case",
                                       data={"reason": "等待鉴定", "suspended_on": "2026-03-01"}),
    # API
    "api-lead-detail:patch": WriteCheck(lambda o: f"/api/crackdown/leads/{o.pk}/", "lead", method="patch",
                                        data={"org_name": "改名研究会"}),
    # nobody deletes a lead (the record of a report is kept): the permission answers first
    "api-lead-detail:delete": WriteCheck(lambda o: f"/api/crackdown/leads/{o.pk}/", "lead", method="delete",
                                         status=403),
    "api-lead-informant": WriteCheck(lambda o: f"/api/crackdown/leads/{o.pk}/informant/", "lead"),
    "api-lead-status": WriteCheck(lambda o: f"/api/crackdown/leads/{o.pk}/status/", "lead",
                                  data={"status": "unfounded", "note": "不属实"}),
    "api-lead-to-case": WriteCheck(lambda o: f"/api/crackdown/leads/{o.pk}/to-case/", "lead",
                                   data={"target_type": "unregistered"}),
    "api-lead-transfer": WriteCheck(lambda o: f"/api/crackdown/leads/{o.pk}/transfer/", "lead",
                                    data={"to_department": "public_security", "transfer_date": "2026-11-30"}),
    "api-case-detail:patch": WriteCheck(lambda o: f"/api/crackdown/cases/{o.pk}/", "case", method="patch",
                                        data=lambda w: {"org_name": "改名促进会",
                                                        "version": w.obj("case", "zj").version}),
    "api-case-transition": WriteCheck(lambda o: f"/api/crackdown/cases/{o.pk}/transition/", "case",
                                      data=lambda w: {"to_stage": "investigation",
                                                      "version": w.obj("case", "zj").version}),
    "api-case-referrals": WriteCheck(lambda o: f"/api/crackdown/cases/{o.pk}/referrals/", "case",
                                     data={"department": "public_security", "referred_on": "2026-03-01",
                                           "matter": "涉嫌诈骗"}),
    "api-case-referral-result": referral_result_check(api=True),
    "api-case-confiscations": WriteCheck(lambda o: f"/api/crackdown/cases/{o.pk}/confiscations/", "case",
                                         data={"description": "会费", "amount": "100"}),
    "api-case-clock": WriteCheck(lambda o: f"/api/crackdown/cases/{o.pk}/clock/", "case",
                                 data={"action": "suspend", "reason": "等待鉴定"}),
    "api-checkbatch-leads": WriteCheck(lambda o: f"/api/crackdown/batches/{o.pk}/leads/", "checkbatch",
                                       data=lambda w: {"leads": [w.obj("lead", "hb").pk]}),
    "api-listbatch-entries": WriteCheck(lambda o: f"/api/crackdown/lists/{o.pk}/entries/", "listbatch",
                                        data=lambda w: {"lead": w.obj("lead", "hb").pk}),
    "api-listbatch-publish": WriteCheck(lambda o: f"/api/crackdown/lists/{o.pk}/publish/", "listbatch",
                                        data={"published_on": "2026-11-30", "confirm": True}),
    "api-listentry-withdraw": WriteCheck(lambda o: f"/api/crackdown/list-entries/{o.pk}/withdraw/", "listentry",
                                         data={"reason": "误列"}),
}


@pytest.fixture
def world():
    return build_world()


@pytest.mark.parametrize("route", sorted(WRITE_CHECKS))
def test_write_on_another_provinces_object_is_404_and_changes_nothing(route, client, world):
    assert_check(WRITE_CHECKS[route], client, world)
