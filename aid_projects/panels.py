"""What waits for a user in 援藏援疆: lists to file or fix, lists to review, match proposals to answer."""

from django.urls import reverse
from django.utils import timezone

from aid_projects.choices import ListKind, ListStatus, MatchStatus
from aid_projects.models import AidList, Campaign, Match, Reminder
from aid_projects.services import kind_allowed
from aid_projects.sheets import SPECS
from portal.choice_cache import cached_rows
from portal.home import PANEL_ITEMS_SHOWN, HomeItem, HomePanel, count_beyond_shown, home_panel
from portal.request_memo import memoized
from portal.reversing import detail_urls
from portal.scoping import within_q

_OPEN_CAMPAIGNS = Campaign.objects.filter(is_open=True).order_by("-year", "-id")


def _open_campaign():
    """The open campaign, read once per request (three panels of the home page ask for it), from the
    campaigns kept per process (portal.choice_cache: renewed by any save or delete of a campaign, in every
    process at its next page): no query on the home page (issue 17)."""

    def read():
        rows = cached_rows(_OPEN_CAMPAIGNS.all())
        return (rows[0] if rows else None) if rows is not None else _OPEN_CAMPAIGNS.first()

    return memoized(("aid_projects.panels.open_campaign",), read)


def _due_badge(due) -> tuple[str, bool]:
    days = (due - timezone.localdate()).days
    if days < 0:
        return f"已逾期 {-days} 天", True
    return (f"还有 {days} 天" if days else "今天截止"), False


@home_panel(order=30)
def aid_lists_to_file(user):
    """Provincial staff and liaisons: the province's lists not yet submitted (or returned), by deadline."""
    if user.is_ministry or user.province is None or not user.has_perm("aid_projects.change_aidlist"):
        return None
    campaign = _open_campaign()
    if campaign is None:
        return None
    # at most one list a kind (aidlist_one_per_kind): no order needed, and only what the rows show (issue 17)
    lists = {al.kind: al for al in AidList.objects.restrict(user, "change").filter(
        campaign=campaign, authority=user.province).only("id", "kind", "status").order_by()}
    items = []
    for kind in (ListKind.LIAISON, ListKind.NEED, ListKind.SUPPLY):
        if kind_allowed(user.authority, kind):
            continue
        aid_list = lists.get(kind)
        if aid_list is not None and aid_list.status in (ListStatus.SUBMITTED, ListStatus.ACCEPTED):
            continue
        due = campaign.due_for(kind)
        badge, overdue = _due_badge(due)
        spec = SPECS[kind]
        if aid_list is None:
            text, url = f"{spec.attachment} {spec.title}：尚未开始", reverse("aid_projects:campaign-detail",
                                                                              args=[campaign.pk])
        else:
            state = "被退回，请修改后重新报送" if aid_list.status == ListStatus.RETURNED else "草稿，尚未报送"
            text, url = f"{spec.attachment} {spec.title}：{state}", reverse("aid_projects:list-detail",
                                                                              args=[aid_list.pk])
        items.append(HomeItem(text=text, url=url, badge=badge, overdue=overdue))
    return HomePanel(title=f"援藏援疆填报（{campaign.name}）", items=items,
                     more_url=reverse("aid_projects:campaign-detail", args=[campaign.pk]),
                     empty_text="本年度清单均已报送。")


@home_panel(order=31)
def aid_lists_to_review(user):
    """Ministry staff: submitted lists waiting to be accepted or returned."""
    if not user.has_perm("aid_projects.decide_aidlist"):
        return None
    waiting = AidList.objects.restrict(user, "view").filter(status=ListStatus.SUBMITTED)
    shown = list(waiting.select_related("authority").only("id", "kind", "submitted_at", "authority__name")
                 .order_by("submitted_at")[:PANEL_ITEMS_SHOWN])
    # 「更多」 leads to the open campaign's progress page, where several lists are accepted at once
    campaign = _open_campaign()
    more = (reverse("aid_projects:campaign-progress", args=[campaign.pk]) + "?state=submitted" if campaign
            else reverse("aid_projects:list-list") + "?status=submitted")
    url = detail_urls("aid_projects:list-detail")
    return HomePanel(
        title="待审核的援藏援疆清单",
        items=[HomeItem(text=f"{al.authority.name} {al.get_kind_display()}", url=url(al.pk),
                        badge=f"{timezone.localtime(al.submitted_at):%Y-%m-%d %H:%M} 报送", overdue=False)
               for al in shown],
        more_url=more,
        empty_text="没有待审核的清单。",
        count=count_beyond_shown(shown, waiting.count),
    )


@home_panel(order=32)
def aid_matches_to_answer(user):
    """Recipient provinces: match proposals waiting for an answer."""
    if user.is_ministry or user.authority is None or not user.has_perm("aid_projects.decide_match"):
        return None
    if not user.province.is_aid_recipient:
        return None
    proposed = Match.objects.restrict(user, "view").filter(
        within_q("need__aid_list__authority", user.authority), status=MatchStatus.PROPOSED,
    )
    # the three names the row shows, not three models a row (issue 17)
    shown = list(proposed.values_list("pk", "supply__aid_list__authority__name", "supply__name", "need__name")
                 [:PANEL_ITEMS_SHOWN])
    url = detail_urls("aid_projects:match-detail")
    return HomePanel(
        title="待答复的对接意向",
        items=[HomeItem(text=f"{aiding}：{supply} → {need}", url=url(pk), badge="待答复")
               for pk, aiding, supply, need in shown],
        more_url=reverse("aid_projects:match-list") + "?status=proposed",
        empty_text="没有待答复的对接意向。",
        count=count_beyond_shown(shown, proposed.count),
    )


REMINDERS_SHOWN = 5


@home_panel(order=29)
def aid_reminders(user):
    """Provincial users: the ministry's 催报 for the open campaign (the lists themselves are in the panel below)."""
    if user.is_ministry or user.province is None or not user.has_perm("aid_projects.view_reminder"):
        return None
    campaign = _open_campaign()
    if campaign is None:
        return None
    reminders = list(Reminder.objects.restrict(user, "view").filter(campaign=campaign)
                     .values_list("message", "sent_at")[:REMINDERS_SHOWN])
    if not reminders:
        return None
    url = reverse("aid_projects:campaign-detail", args=[campaign.pk])
    return HomePanel(
        title="部里催报",
        items=[HomeItem(text=message, url=url, badge=f"{timezone.localtime(sent_at):%Y-%m-%d} 催报", overdue=True)
               for message, sent_at in reminders],
        more_url=url,
        is_work=False,
    )
