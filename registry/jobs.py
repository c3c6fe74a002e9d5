"""Job kinds of the register: the search's results as a workbook (issue 10, points 3 and 5)."""

from __future__ import annotations

from django.http import QueryDict

from portal.jobs import JobFailed, JobRun, job_handler
from registry.filtersets import OrganizationFilterSet
from registry.models import Organization
from registry.writer import export_workbook

EXPORT_KIND = "registry_organizations_export"
# the download is stamped (portal.excel.stamp_workbook loads the file whole): beyond this the user narrows
EXPORT_MAX_ROWS = 50_000


def export_params(query: QueryDict) -> dict:
    """The filterset's own parameters of a list's query string (what the job keeps and re-applies)."""
    fields = OrganizationFilterSet.base_filters
    return {key: value for key, value in query.items() if key in fields and value != ""}


# 法定代表人 is a person's name: each download names its user and time and is audited (portal.excel)
@job_handler(EXPORT_KIND, "导出社会组织", permissions=("registry.view_organization",),
             personal_data=lambda job: True)
def organizations_export(run: JobRun) -> None:
    """The register's list with the job's filters, as the requester sees it, in the import spec's columns."""
    job = run.job
    user = job.created_by
    if user is None:
        raise JobFailed("导出须由具体用户发起。")
    filterset = OrganizationFilterSet(job.params, queryset=Organization.objects.restrict(user, "view"))
    if not filterset.is_valid():
        raise JobFailed("筛选条件有误，请在列表页改正后重新导出。")
    qs = filterset.qs.select_related("authority").order_by("name", "id")
    total = qs.count()
    if total > EXPORT_MAX_ROWS:
        raise JobFailed(f"符合条件的社会组织有 {total} 个，超过一次导出 {EXPORT_MAX_ROWS} 个的上限，请缩小筛选范围。")
    run.set_total(total)
    count = export_workbook(run.result_file("社会组织导出.xlsx"), qs.iterator(chunk_size=2000), progress=run.progress)
    run.progress(count, force=True)
    job.message = f"导出社会组织 {count} 个。"


COMMENDATION_KIND = "registry_commendation_list"
NOMINEE_HEADERS = ["推荐单位", "社会组织名称", "统一社会信用代码", "类型", "登记管理机关", "评估等级（截止日期）",
                   "推荐理由", "第三次公示期"]


@job_handler(COMMENDATION_KIND, "全国先进社会组织推荐名单", permissions=("registry.view_nomination",))
def commendation_list(run: JobRun) -> None:
    """The nominees forwarded in a round, as the requester sees them (the ministry: the national list)."""
    from openpyxl import Workbook

    from portal.excel import BODY_FONT, BORDER, CENTER, HEADER_FONT, TITLE_FONT, text_safe_cell
    from registry.choices import NominationStage
    from registry.commendation import national_list
    from registry.models import CommendationRound

    job = run.job
    round_ = CommendationRound.objects.filter(pk=job.params.get("round")).first()
    if round_ is None or job.created_by is None:
        raise JobFailed("评选不存在。")
    nominees = list(national_list(round_, job.created_by).prefetch_related("steps"))
    run.set_total(len(nominees))
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("推荐名单")
    ws.append([text_safe_cell(ws, f"{round_.title}推荐名单", font=TITLE_FONT)])
    ws.append([text_safe_cell(ws, h, font=HEADER_FONT, alignment=CENTER, border=BORDER) for h in NOMINEE_HEADERS])
    for i, n in enumerate(nominees, start=1):
        org = n.organization
        grade = org.current_grade(round_.reference_date)
        last = next((s for s in n.steps.all() if s.stage == NominationStage.PUBLICITY_3), None)
        period = f"{last.starts_on:%Y-%m-%d}至{last.ends_on:%Y-%m-%d}" if last else ""
        ws.append([text_safe_cell(ws, v, font=BODY_FONT, border=BORDER) for v in (
            n.authority.name, org.name, org.credit_code, org.get_kind_display(), org.authority.name,
            grade.label if grade else "", n.reason, period)])
        run.progress(i)
    wb.save(run.result_file(f"{round_.title}推荐名单.xlsx"))
    job.message = f"推荐名单共 {len(nominees)} 个社会组织。"


VERDICTS_KIND = "registry_round_verdicts"


# the verdicts name organizations and their penalties and list entries (public register information); read
# by who may read the verdicts, within the job's authority's area (a province's job: that province)
@job_handler(VERDICTS_KIND, "核算评选条件", permissions=("registry.view_roundverdict",),
             soft_time_limit=60 * 60, time_limit=65 * 60)
def round_verdicts(run: JobRun) -> None:
    """Judge the register (``params["province"]``: one province's part) on a round's hard criteria and store
    each organization's verdict (``registry.commendation.verdicts_compute``)."""
    from registry.commendation import verdicts_compute
    from registry.models import CommendationRound

    job = run.job
    round_ = CommendationRound.objects.filter(pk=job.params.get("round")).first()
    if round_ is None:
        raise JobFailed("评选不存在。")
    counts = verdicts_compute(round_, province=job.params.get("province") or "", progress=run.progress,
                              set_total=run.set_total)
    run.progress(counts["total"], force=True)
    job.message = (f"核算了 {counts['total']} 个社会组织：符合条件 {counts['eligible']} 个"
                   f"（其中 4A 及以上 {counts['preferred']} 个），不符合 {counts['total'] - counts['eligible']} 个。")
