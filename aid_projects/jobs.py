"""Job kinds of the aid_projects app (registered on import by AidProjectsConfig.ready).

Each produces one workbook (``aid_projects.writer``) and reports progress by rows written:

- ``aid_attachment``        a province's own attachment 1, 2 or 3 from its current rows;
- ``aid_national_need``     the ministry's national need workbook (附件2 of every recipient);
- ``aid_national_supply``   the ministry's national supply workbook (附件3 of every aiding province);
- ``aid_national_liaison``  the ministry's national liaison table (附件1 of the seven recipients);
- ``aid_paired_needs``      for an aiding province, the accepted need lists of its paired recipients.

National workbooks hold submitted and accepted lists (the ministry sees what has arrived, with its
status); drafts and returned lists are left out.  Those lists cannot change while they are
submitted or accepted, so the summary sheet and the province sheets, read by two queries, agree.
A failed run raises ``JobFailed`` with a message for the user; ``portal.jobs`` then keeps the
previous good file.
"""

from __future__ import annotations

from aid_projects.choices import ListKind, ListStatus
from aid_projects.models import AidItem, AidList, Campaign, Liaison, paired_areas, paired_places_q
from aid_projects.sheets import SPECS
from aid_projects.writer import (
    Styles,
    open_workbook,
    write_attachment,
    write_liaison_directory,
    write_lists_workbook,
)
from portal.jobs import REGISTRY, JobFailed, JobRun, job_handler, job_start
from portal.models import MINISTRY_CODE, Authority, Job, JobStatus
from portal.scoping import within_q

NATIONAL_STATUSES = (ListStatus.SUBMITTED, ListStatus.ACCEPTED)

ATTACHMENT = "aid_attachment"
NATIONAL_NEED = "aid_national_need"
NATIONAL_SUPPLY = "aid_national_supply"
NATIONAL_LIAISON = "aid_national_liaison"
PAIRED_NEEDS = "aid_paired_needs"
NATIONAL_KINDS = (NATIONAL_NEED, NATIONAL_SUPPLY, NATIONAL_LIAISON)


# --- parameters -----------------------------------------------------------------------------------
def _param_id(run: JobRun, name: str, label: str) -> int:
    try:
        return int(run.job.params.get(name))
    except (TypeError, ValueError):
        raise JobFailed(f"任务参数缺少{label}。") from None


def _campaign(run: JobRun) -> Campaign:
    campaign_id = _param_id(run, "campaign_id", "对接年度")
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None:
        raise JobFailed(f"对接年度（编号 {campaign_id}）不存在或已被删除，无法生成汇总。")
    return campaign


def _require_ministry(run: JobRun) -> None:
    if not run.job.authority.is_ministry:
        raise JobFailed("全国汇总仅限民政部社会组织管理局生成。")


def national_title(spec, campaign: Campaign) -> str:
    return f"{campaign.name}　{spec.title.replace('省级汇总表', '全国汇总表')}"


# --- a province's own attachment -------------------------------------------------------------------
def _is_liaison_table(job) -> bool:
    return AidList.objects.filter(pk=job.params.get("list_id"), kind=ListKind.LIAISON).exists()


# a province's own attachment: 附件1 carries the liaisons' contacts, 附件2/3 the lists; a liaison
# table is personal data: each download names its user and time and is audited (portal.excel)
@job_handler(ATTACHMENT, "导出本省附件", permissions=("aid_projects.view_aidlist", "aid_projects.view_liaison"),
             personal_data=_is_liaison_table)
def aid_attachment(run: JobRun) -> None:
    list_id = _param_id(run, "list_id", "清单编号")
    aid_list = AidList.objects.select_related("authority", "campaign").filter(pk=list_id).first()
    # the view checked the user's scope; the job checks the list is the job's authority's own
    if aid_list is None or not aid_list.authority.is_within(run.job.authority):
        raise JobFailed(f"清单（编号 {list_id}）不存在或不属于本单位。")
    spec = SPECS[aid_list.kind]
    authority = aid_list.authority
    if aid_list.kind == ListKind.LIAISON:
        # the provincial liaison first (its code sorts first), then the lower levels
        liaisons = (Liaison.objects.filter(within_q("authority", authority), campaign=aid_list.campaign)
                    .select_related("authority__parent__parent").order_by("authority__code", "id"))
        rows = [{"authority": lia.authority.full_name, "name": lia.name, "unit": lia.unit,
                 "work_phone": lia.work_phone, "mobile": lia.mobile, "email": lia.email} for lia in liaisons]
        total = len(rows)
    else:
        items = aid_list.items.order_by("seq", "id")
        total = items.count()
        rows = items.values_list(*(c.field for c in spec.data_columns)).iterator(chunk_size=2000)
    run.set_total(total)
    name = f"{authority.name}{spec.attachment}{spec.title.removeprefix('社会组织')}.xlsx"
    written = write_attachment(run.result_file(name), spec, authority.bureau_name, rows, progress=run.progress)
    run.job.message = f"{authority.name}{spec.attachment}：{written} 行（清单状态：{aid_list.get_status_display()}）。"


# --- national need and supply workbooks ------------------------------------------------------------
def _national_lists(run: JobRun, kind: str) -> None:
    _require_ministry(run)
    campaign = _campaign(run)
    spec = SPECS[kind]
    lists = list(AidList.objects.filter(campaign=campaign, kind=kind, status__in=NATIONAL_STATUSES)
                 .select_related("authority").order_by("authority__code"))
    expected = Authority.objects.aid_recipients() if kind == ListKind.NEED else Authority.objects.aiding()
    missing = list(expected.exclude(pk__in=[a.authority_id for a in lists]).order_by("code")
                   .values_list("name", flat=True))
    total = AidItem.objects.filter(aid_list__in=lists).count()
    run.set_total(total)
    written = write_lists_workbook(
        run.result_file(f"{campaign.name}{spec.title.replace('省级汇总表', '全国汇总表')}.xlsx"),
        kind=kind, lists=lists, title=national_title(spec, campaign), missing=missing, progress=run.progress,
    )
    run.job.message = (f"共 {len(lists)} 个省份、{written} 个项目"
                       + (f"；尚未报送：{'、'.join(missing)}" if missing else "") + "。")


@job_handler(NATIONAL_NEED, "全国项目需求清单汇总（附件2）", permissions=("aid_projects.view_aidlist",))
def aid_national_need(run: JobRun) -> None:
    _national_lists(run, ListKind.NEED)


@job_handler(NATIONAL_SUPPLY, "全国项目供给清单汇总（附件3）", permissions=("aid_projects.view_aidlist",))
def aid_national_supply(run: JobRun) -> None:
    _national_lists(run, ListKind.SUPPLY)


# --- national liaison table ------------------------------------------------------------------------
@job_handler(NATIONAL_LIAISON, "全国联络员汇总（附件1）", permissions=("aid_projects.view_liaison",),
             personal_data=lambda job: True)
def aid_national_liaison(run: JobRun) -> None:
    """One row per liaison officer of the seven recipients, province by province; a province whose
    attachment 1 has not arrived shows one row with its status and no officer."""
    _require_ministry(run)
    campaign = _campaign(run)
    spec = SPECS[ListKind.LIAISON]
    provinces = list(Authority.objects.aid_recipients().order_by("code"))
    lists = {a.authority_id: a for a in AidList.objects.filter(campaign=campaign, kind=ListKind.LIAISON)}
    run.set_total(len(provinces))
    rows = []
    arrived = 0
    for done, province in enumerate(provinces, start=1):
        aid_list = lists.get(province.pk)
        if aid_list is None or aid_list.status not in NATIONAL_STATUSES:
            rows.append((len(rows) + 1, province.name, province.bureau_name, "", "", "", "", "", "未报送"))
            continue
        arrived += 1
        status = aid_list.get_status_display()
        for lia in (Liaison.objects.filter(within_q("authority", province), campaign=campaign)
                    .select_related("authority__parent__parent").order_by("authority__code", "id")):
            rows.append((len(rows) + 1, province.name, lia.authority.full_name, lia.name, lia.unit, lia.work_phone,
                         lia.mobile, lia.email, status))
        run.progress(done)
    wb = open_workbook(run.result_file(f"{campaign.name}{spec.title.replace('省级', '全国')}.xlsx"))
    styles = Styles(wb)
    title = f"{campaign.name}　{spec.title.replace('省级', '全国')}"
    write_liaison_directory(wb, styles, title=title, sheet_title="联络员汇总", rows=rows, footer=[
        "说明：包括已报送（待审核）和已接收的附件1；每省第一行为省级联络员，其后为地市、县级联络员。"])
    wb.close()
    officers = sum(1 for r in rows if r[3])
    run.job.message = f"{arrived} 个受援省份已报送，共 {officers} 名联络员。"


# --- an aiding province's paired recipients' needs -------------------------------------------------
@job_handler(PAIRED_NEEDS, "结对受援地项目需求清单", permissions=("aid_projects.view_aidlist",))
def aid_paired_needs(run: JobRun) -> None:
    authority = run.job.authority
    if authority.is_ministry or authority.is_aid_recipient:
        raise JobFailed("结对受援地的需求清单只供支援省份下载。")
    campaign = _campaign(run)
    province = authority.province or authority
    areas = paired_areas(province)  # the current pairing, by prefecture (福建: 昌都 since 2016-07, not 林芝)
    recipient_ids = list(areas)
    if not recipient_ids:
        raise JobFailed(f"对口支援关系表中没有{province.name}结对的受援地，请联系民政部社会组织管理局。")
    lists = list(AidList.objects.filter(campaign=campaign, kind=ListKind.NEED, status=ListStatus.ACCEPTED,
                                        authority_id__in=recipient_ids)
                 .select_related("authority").order_by("authority__code"))
    missing = list(Authority.objects.filter(pk__in=recipient_ids).exclude(pk__in=[a.authority_id for a in lists])
                   .order_by("code").values_list("name", flat=True))
    total = AidItem.objects.filter(aid_list__in=lists).filter(paired_places_q(areas)).count()
    run.set_total(total)
    written = write_lists_workbook(
        run.result_file(f"{campaign.name}{province.name}结对受援地项目需求清单.xlsx"),
        kind=ListKind.NEED, lists=lists, title=f"{campaign.name}　{province.name}结对受援地项目需求清单",
        missing=missing, missing_label="需求清单尚未接收", total_label="合计",
        note="说明：只包括民政部社会组织管理局已接收的需求清单中对口支援地市（师）的项目；资金单位为万元。",
        progress=run.progress, items_q=paired_places_q(areas),
    )
    run.job.message = (f"结对受援地 {len(recipient_ids)} 个，已接收清单 {len(lists)} 份、{written} 个项目"
                       + (f"；需求清单尚未接收：{'、'.join(missing)}" if missing else "") + "。")


# --- summaries kept ready: rebuilt by the worker after every submission and decision --------------
NATIONAL_BY_LIST_KIND = {ListKind.NEED: NATIONAL_NEED, ListKind.SUPPLY: NATIONAL_SUPPLY,
                         ListKind.LIAISON: NATIONAL_LIAISON}


def rebuild_delay() -> float:
    """Seconds to wait after a submission or decision before rebuilding (one rebuild for a burst)."""
    from django.conf import settings

    return float(getattr(settings, "AID_SUMMARY_DEBOUNCE_SECONDS", 10))


def last_event(lists):
    """The latest submission or decision among ``lists`` (what the summaries must not be older than)."""
    from django.db.models import Max
    from django.db.models.functions import Greatest

    return lists.aggregate(at=Max(Greatest("submitted_at", "decided_at")))["at"]


def schedule_rebuild(aid_list: AidList) -> None:
    """After a submission or decision commits: rebuild the national workbook of the list's kind and the
    province's own attachment, ``rebuild_delay()`` seconds later unless another event comes first."""
    from django.db import transaction

    from aid_projects.tasks import rebuild_summaries

    at = last_event(AidList.objects.filter(pk=aid_list.pk))
    if at is None:
        return
    transaction.on_commit(lambda: rebuild_summaries.apply_async(
        args=[aid_list.pk, at.isoformat()], countdown=rebuild_delay()))


def _start_unless_queued(kind: str, authority: Authority, params: dict, title: str) -> None:

    queued = Job.objects.filter(kind=kind, authority=authority, status=JobStatus.QUEUED,
                                **{f"params__{k}": v for k, v in params.items()})
    if not queued.exists():  # a queued run will read the lists as they are when it starts
        job_start(kind=kind, user=None, authority=authority, params=params, title=title)


def rebuild_after(list_id: int, at_iso: str) -> list[str]:
    """The debounced rebuild (run by the worker): only the last event of a burst starts jobs.

    An .xlsx is one zip of XML parts, so "only the province that changed" cannot be patched into a
    stored workbook: the national workbook is written whole (a streaming write, see BENCHMARKS.md).
    Returns the kinds started.
    """
    import datetime

    aid_list = AidList.objects.select_related("campaign", "authority").filter(pk=list_id).first()
    if aid_list is None:
        return []
    at = datetime.datetime.fromisoformat(at_iso)
    started = []
    own_last = last_event(AidList.objects.filter(pk=aid_list.pk))
    if own_last is not None and own_last <= at:
        spec = SPECS[aid_list.kind]
        _start_unless_queued(ATTACHMENT, aid_list.authority, {"list_id": aid_list.pk},
                             f"{aid_list.authority.name}{spec.attachment}（{aid_list.campaign.name}）")
        started.append(ATTACHMENT)
    national_last = last_event(AidList.objects.filter(campaign=aid_list.campaign, kind=aid_list.kind))
    if national_last is not None and national_last <= at:
        kind = NATIONAL_BY_LIST_KIND[aid_list.kind]
        _start_unless_queued(kind, Authority.objects.get(code=MINISTRY_CODE), {"campaign_id": aid_list.campaign_id},
                             f"{aid_list.campaign.name}{REGISTRY[kind].title}")
        started.append(kind)
    return started
