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
