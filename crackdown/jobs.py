"""Job kinds of the crackdown app: the statistics table as a workbook."""

from __future__ import annotations

from datetime import date

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from crackdown.selectors import TALLIES, crackdown_statistics
from portal.excel import BODY_FONT, BORDER, CENTER, HEADER_FONT, TITLE_FONT, print_a4, text_safe_cell
from portal.jobs import JobFailed, JobRun, job_handler
from portal.models import Authority


@job_handler("crackdown_statistics", "打击整治统计表", permissions=("crackdown.view_statistics",))
def statistics_workbook(run: JobRun) -> None:
    """The statistics page's table for the job's period, seen with the requester's scope."""
    job = run.job
    user = job.created_by
    if user is None:
        raise JobFailed("统计表须由具体用户发起（按其管辖范围统计）。")
    try:
        date_from = date.fromisoformat(job.params["date_from"])
        date_to = date.fromisoformat(job.params["date_to"])
    except (KeyError, ValueError) as exc:
        raise JobFailed("统计期间无效。") from exc
    province = None
    if job.params.get("province"):
        province = Authority.objects.filter(code=job.params["province"]).first()
    stats = crackdown_statistics(user=user, date_from=date_from, date_to=date_to, province=province)
    rows = stats.rows + ([stats.total] if stats.total else [])
    run.set_total(len(rows))

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("打击整治统计")
    print_a4(ws)
    ws.column_dimensions["A"].width = 20
    for i in range(len(TALLIES)):
        ws.column_dimensions[get_column_letter(i + 2)].width = 12
    ws.append([text_safe_cell(ws, "打击整治非法社会组织工作统计表", font=TITLE_FONT)])
    ws.append([text_safe_cell(ws, f"统计期间：{date_from:%Y年%-m月%-d日}至{date_to:%Y年%-m月%-d日}", font=BODY_FONT)])
    ws.append([text_safe_cell(ws, h, font=HEADER_FONT, alignment=CENTER, border=BORDER)
               for h in ["地区", *[label for _, label in TALLIES]]])
    for i, row in enumerate(rows, start=1):
        ws.append([text_safe_cell(ws, row.name, font=BODY_FONT, border=BORDER),
                   *[text_safe_cell(ws, v, font=BODY_FONT, border=BORDER) for v in row.cells]])
        run.progress(i)
    name = f"打击整治统计_{date_from:%Y%m%d}-{date_to:%Y%m%d}.xlsx"
    wb.save(run.result_file(name))
    run.progress(len(rows), force=True)
    job.message = f"统计了 {len(stats.rows)} 个地区。"
