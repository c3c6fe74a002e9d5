"""Submission workflow (draft → submitted → accepted / returned → resubmitted), liaisons, and matching."""

import datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from aid_projects import services
from aid_projects.choices import ListKind, ListStatus, MatchStatus
from aid_projects.models import Liaison, Match
from aid_projects.selectors import campaign_progress, suggest_supplies
from portal.models import AuditAction, AuditEntry
from portal.services import ApplicationError
from tests.aid_projects.factories import make_campaign, make_item, make_liaison, make_list
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def need_list(db):
    aid_list = make_list(make_campaign(), "540000", ListKind.NEED)
    make_item(aid_list, name="色尼区学校供暖", place_code="540602", amount="120")
    make_item(aid_list, name="城关区养老站", category="其他", amount="80")
    return aid_list


def test_submit_freezes_a_version_with_its_workbook(need_list, xizang_liaison):
    version = services.list_submit(aid_list=need_list, user=xizang_liaison)
    need_list.refresh_from_db()
    assert need_list.status == ListStatus.SUBMITTED and version.number == 1
    assert [r["name"] for r in version.rows] == ["色尼区学校供暖", "城关区养老站"]
    ws = load_workbook(version.file.open("rb")).worksheets[0]
    texts = [c.value for row in ws.iter_rows() for c in row if c.value]
    assert "社会组织援藏援疆项目需求清单省级汇总表" in texts and "色尼区学校供暖" in texts
    assert any(isinstance(t, str) and t.startswith("单位：西藏自治区民政厅") for t in texts)
    assert AuditEntry.objects.filter(action=AuditAction.TRANSITION, note__startswith="报送第1版").exists()


def test_submitted_list_cannot_be_edited_or_resubmitted(need_list, xizang_liaison):
    services.list_submit(aid_list=need_list, user=xizang_liaison)
    need_list.refresh_from_db()
    with pytest.raises(ApplicationError, match="已报送"):
        services.items_save(aid_list=need_list, forms_data=[], deleted=[], user=xizang_liaison)
    with pytest.raises(ApplicationError, match="不能报送"):
        services.list_submit(aid_list=need_list, user=xizang_liaison)


def test_empty_list_cannot_be_submitted(xizang_liaison):
    empty = make_list(make_campaign(), "540000", ListKind.NEED)
    with pytest.raises(ApplicationError, match="清单是空的"):
        services.list_submit(aid_list=empty, user=xizang_liaison)


def test_return_needs_a_comment_then_resubmission_keeps_both_versions(need_list, xizang_liaison, ministry_staff):
    services.list_submit(aid_list=need_list, user=xizang_liaison)
    with pytest.raises(ApplicationError, match="退回意见"):
        services.list_decide(aid_list=need_list, user=ministry_staff, accept=False, comment="  ")
    services.list_decide(aid_list=need_list, user=ministry_staff, accept=False, comment="第2行实施地请写到县")
    need_list.refresh_from_db()
    assert need_list.status == ListStatus.RETURNED and "写到县" in need_list.return_comment
    item = need_list.items.get(seq=2)
    services.items_save(aid_list=need_list, deleted=[], user=xizang_liaison,
                        forms_data=[{"instance": item, "values": {"name": "城关区社区养老站（修改）"}}])
    services.list_submit(aid_list=need_list, user=xizang_liaison)
    services.list_decide(aid_list=need_list, user=ministry_staff, accept=True)
    v1, v2 = need_list.versions.order_by("number")
    assert v1.decision == ListStatus.RETURNED and v1.rows[1]["name"] == "城关区养老站"
    assert v2.decision == ListStatus.ACCEPTED and v2.rows[1]["name"] == "城关区社区养老站（修改）"
    need_list.refresh_from_db()
    assert need_list.status == ListStatus.ACCEPTED
    with pytest.raises(ApplicationError, match="只有已报送"):
        services.list_decide(aid_list=need_list, user=ministry_staff, accept=True)


def test_amount_over_200_must_be_confirmed_down_to_the_database(need_list, xizang_liaison):
    """An item over 200 万元 exists only as confirmed: the form, the service and the database refuse it otherwise,
    so no unconfirmed large amount can ever be submitted."""
    from django.core.exceptions import ValidationError
    from django.db import IntegrityError, transaction

    count = need_list.items.count()
    values = {"name": "大额项目", "category": "教育帮扶", "place": need_list.items.first().place,
              "place_text": "城关区", "amount": Decimal("250"), "amount_confirmed": False, "summary": "简介",
              "contact_name": "联系人", "contact_mobile": "13912345678"}
    with pytest.raises(ValidationError, match="请勾选“已核实超过200万元”"):  # in Chinese, not the constraint's name
        services.items_save(aid_list=need_list, deleted=[], user=xizang_liaison,
                            forms_data=[{"instance": None, "values": values}])
    with pytest.raises(IntegrityError, match="aiditem_large_amount_confirmed"), transaction.atomic():
        make_item(need_list, amount="250", amount_confirmed=False)
    assert need_list.items.count() == count  # nothing of either attempt was saved
    confirmed = make_item(need_list, amount="250", amount_confirmed=True)
    with pytest.raises(IntegrityError, match="aiditem_large_amount_confirmed"), transaction.atomic():
        need_list.items.filter(pk=confirmed.pk).update(amount_confirmed=False)
    version = services.list_submit(aid_list=need_list, user=xizang_liaison)
    assert Decimal(str(version.rows[-1]["amount"])) == Decimal("250")


def test_item_constraints_say_what_is_wrong_in_chinese(need_list):
    """full_clean of an item breaking a named constraint gives the constraint's Chinese message, never
    Django's 「Constraint “…” is violated.」."""
    from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

    from aid_projects.models import AidItem

    template = need_list.items.first()
    item = AidItem(aid_list=need_list, seq=99, name="大额项目", category=template.category, place=template.place,
                   place_text="城关区", amount=Decimal("250"), amount_confirmed=False, contact_name="联系人",
                   contact_mobile="13912345678")
    with pytest.raises(ValidationError) as refused:
        item.full_clean()
    assert refused.value.message_dict[NON_FIELD_ERRORS] == [
        "项目拟投入资金超过200万元（通知要求一般不超过200万元），请勾选“已核实超过200万元”后再保存。"]
    item.amount = Decimal("-1")
    with pytest.raises(ValidationError) as refused:
        item.full_clean()
    messages = " ".join(refused.value.messages)
    assert "项目拟投入资金应大于0万元。" in messages and "Constraint" not in messages and "violated" not in messages
    item.amount, item.amount_confirmed = Decimal("250"), True
    item.full_clean()  # confirmed: accepted


def test_lateness_and_time_left(need_list, ministry_staff, xizang_staff):
    campaign = need_list.campaign
    progress = {(p.province.code, p.kind): p for p in campaign_progress(campaign, ministry_staff)}
    assert ("540000", ListKind.NEED) in progress and ("330000", ListKind.SUPPLY) in progress
    assert ("330000", ListKind.NEED) not in progress
    assert progress[("540000", ListKind.NEED)].is_late  # the 2025 deadlines are past and it is still a draft
    future = make_campaign(2099, need_due=datetime.date(2099, 7, 5))
    progress = campaign_progress(future, xizang_staff)
    assert {p.province.code for p in progress} == {"540000"}  # a province sees its own rows only
    assert all(not p.is_late and p.days_left > 0 for p in progress)


def test_liaison_table_submission_needs_the_provincial_liaison(xizang_liaison, ministry_staff):
    campaign = make_campaign()
    liaison_list = make_list(campaign, "540000", ListKind.LIAISON)
    make_liaison(campaign, "540102", name="旺姆")
    with pytest.raises(ApplicationError, match="省级联络员"):
        services.list_submit(aid_list=liaison_list, user=xizang_liaison)
    make_liaison(campaign, "540000", name="卓玛")
    version = services.list_submit(aid_list=liaison_list, user=xizang_liaison)
    assert [r["name"] for r in version.rows] == ["卓玛", "旺姆"]
    with pytest.raises(ApplicationError, match="不能再修改"):
        services.liaison_list_editable(campaign, Liaison.objects.get(name="旺姆").authority)


# --- matching ----------------------------------------------------------------------------------------
@pytest.fixture
def accepted_need(need_list, xizang_liaison, ministry_staff):
    services.list_submit(aid_list=need_list, user=xizang_liaison)
    services.list_decide(aid_list=need_list, user=ministry_staff, accept=True)
    need_list.refresh_from_db()
    return need_list.items.select_related("aid_list").get(seq=1)


@pytest.fixture
def zj_supply(db):
    supply_list = make_list(make_campaign(), "330000", ListKind.SUPPLY)
    return make_item(supply_list, name="助学暖冬", place_code="540600", amount="150")


def test_match_proposed_accepted_and_carried_through(accepted_need, zj_supply, zhejiang_staff, xizang_staff):
    match = services.match_propose(need=accepted_need, supply=zj_supply, user=zhejiang_staff, note="可落实")
    assert match.status == MatchStatus.PROPOSED and match.amount == Decimal("120")
    with pytest.raises(ApplicationError, match="受援方"):
        services.match_transition(match=match, to_status=MatchStatus.MATCHED, user=zhejiang_staff)
    services.match_transition(match=match, to_status=MatchStatus.MATCHED, user=xizang_staff, note="同意")
    with pytest.raises(ApplicationError, match="不能改为"):
        services.match_transition(match=match, to_status=MatchStatus.COMPLETED, user=zhejiang_staff)
    services.match_transition(match=match, to_status=MatchStatus.IN_PROGRESS, user=zhejiang_staff,
                              spent=Decimal("60"))
    match = services.match_transition(match=match, to_status=MatchStatus.COMPLETED, user=xizang_staff,
                                      spent=Decimal("118.5"))
    assert match.status == MatchStatus.COMPLETED and match.spent == Decimal("118.50")
    assert AuditEntry.objects.filter(action=AuditAction.TRANSITION, object_id=str(match.pk)).count() == 3


def test_match_declined_then_can_be_proposed_again(accepted_need, zj_supply, zhejiang_staff, xizang_staff):
    match = services.match_propose(need=accepted_need, supply=zj_supply, user=zhejiang_staff)
    with pytest.raises(ApplicationError, match="提出过"):
        services.match_propose(need=accepted_need, supply=zj_supply, user=zhejiang_staff)
    services.match_transition(match=match, to_status=MatchStatus.DECLINED, user=xizang_staff, note="已有安排")
    assert services.match_propose(need=accepted_need, supply=zj_supply, user=zhejiang_staff).pk != match.pk


def test_unpaired_province_cannot_propose(accepted_need, db):
    # 河南 supports 新疆 (哈密) but not 西藏 in the pairing table
    henan = make_user("ha_staff", "410000", "省级工作人员")
    supply = make_item(make_list(make_campaign(), "410000", ListKind.SUPPLY), place_code="410000")
    with pytest.raises(ApplicationError, match="对口支援范围"):
        services.match_propose(need=accepted_need, supply=supply, user=henan)


def test_only_own_supply_and_accepted_needs(need_list, zj_supply, hebei_staff, zhejiang_staff):
    need = need_list.items.select_related("aid_list").first()
    with pytest.raises(ApplicationError, match="本省"):
        services.match_propose(need=need, supply=zj_supply, user=hebei_staff)
    with pytest.raises(ApplicationError, match="尚未被部里接收"):
        services.match_propose(need=need, supply=zj_supply, user=zhejiang_staff)


def test_suggestions_rank_category_pairing_and_amount(accepted_need, zj_supply, zhejiang_staff, hebei_staff):
    supply_list = zj_supply.aid_list
    small = make_item(supply_list, name="小额助学", place_code="330000", amount="20")
    make_item(supply_list, name="产业项目", category="产业帮扶", place_code="330000", amount="500")
    hb = make_item(make_list(make_campaign(), "130000", ListKind.SUPPLY), name="河北助学", place_code="130000",
                   amount="130")
    ranked = suggest_supplies(accepted_need, zhejiang_staff)
    assert [s.supply.name for s in ranked] == ["助学暖冬", "小额助学"]  # 浙江 sees only its own supplies
    assert "对口支援需求所在地市" in ranked[0].reasons and "资金可覆盖需求" in ranked[0].reasons
    assert ranked[0].score > ranked[1].score and small.pk == ranked[1].supply.pk
    ministry_view = [s.supply.name for s in suggest_supplies(accepted_need, make_user("bu2", "000000", "部级工作人员"))]
    assert ministry_view[0] == "助学暖冬" and "河北助学" in ministry_view  # 河北 is paired with 西藏 too
    assert hb.pk in {s.supply.pk for s in suggest_supplies(accepted_need, make_user("bu2", "000000", "部级工作人员"))}
    assert not Match.objects.exists()  # suggestions never create a match by themselves
