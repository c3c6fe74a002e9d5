"""Aid-project rows for tests: a campaign, lists and items made directly (not through uploads)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from aid_projects.choices import AidCategory, ListKind, ListStatus
from aid_projects.models import AidItem, AidList, Campaign, Liaison
from portal.models import Authority


def make_campaign(year: int = 2025, **kwargs) -> Campaign:
    defaults = dict(name=f"{year}年度援藏援疆项目对接", liaison_due=datetime.date(year, 6, 30),
                    need_due=datetime.date(year, 7, 5), supply_due=datetime.date(year, 7, 31))
    defaults.update(kwargs)
    campaign, _ = Campaign.objects.get_or_create(year=year, name=defaults.pop("name"), defaults=defaults)
    return campaign


def make_list(campaign: Campaign, province_code: str, kind: str, status: str = ListStatus.DRAFT) -> AidList:
    aid_list, _ = AidList.objects.get_or_create(
        campaign=campaign, authority=Authority.objects.get(code=province_code), kind=kind,
        defaults={"status": status},
    )
    if aid_list.status != status:
        aid_list.status = status
        aid_list.save(update_fields=["status"])
    return aid_list


def make_item(aid_list: AidList, *, name: str = "牧区小学营养午餐", category: str = AidCategory.EDUCATION,
              place_code: str | None = None, amount: str = "50", seq: int | None = None, **kwargs) -> AidItem:
    if place_code is None:
        place_code = "540102" if aid_list.kind == ListKind.NEED else aid_list.authority.code
    place = Authority.objects.get(code=place_code)
    if seq is None:
        seq = aid_list.items.count() + 1
    defaults = dict(place_text=place.full_name, summary="项目简介", contact_name="联系人", contact_mobile="13912345678",
                    amount_confirmed=Decimal(amount) > 200)
    defaults.update(kwargs)
    return AidItem.objects.create(aid_list=aid_list, seq=seq, name=name, category=category, place=place,
                                  amount=Decimal(amount), **defaults)


def make_liaison(campaign: Campaign, authority_code: str, name: str = "卓玛", **kwargs) -> Liaison:
    defaults = dict(unit="民政厅社会组织管理局", work_phone="0891-6321234", mobile="13908901234",
                    email="liaison@example.cn")
    defaults.update(kwargs)
    liaison, _ = Liaison.objects.get_or_create(campaign=campaign, authority=Authority.objects.get(code=authority_code),
                                               name=name, defaults=defaults)
    return liaison
