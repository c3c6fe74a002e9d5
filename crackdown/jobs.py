"""Job kinds of the crackdown app: the statistics table as a workbook."""

from __future__ import annotations

from datetime import date

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from crackdown.selectors import TALLIES, crackdown_statistics
from portal.excel import BODY_FONT, BORDER, CENTER, HEADER_FONT, TITLE_FONT, print_a4, set_text_safe, style_cell
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

    # a few dozen rows: a normal workbook, so the title and the period can be merged across the table
    # (issue 11 point 6: the statistics export's title is merged across its columns)
    wb = Workbook()
    ws = wb.active
    ws.title = "打击整治统计"
    print_a4(ws)
    ncols = 1 + len(TALLIES)
    last = get_column_letter(ncols)
    ws.column_dimensions["A"].width = 20
    for i in range(len(TALLIES)):
        ws.column_dimensions[get_column_letter(i + 2)].width = 12
    lines = [("打击整治非法社会组织工作统计表", TITLE_FONT, 30),
             (f"统计期间：{date_from:%Y年%-m月%-d日}至{date_to:%Y年%-m月%-d日}", BODY_FONT, 20)]
    for number, (text, font, height) in enumerate(lines, start=1):
        cell = ws.cell(row=number, column=1)
        set_text_safe(cell, text)
        style_cell(cell, font=font, alignment=CENTER)
        ws.merge_cells(f"A{number}:{last}{number}")
        ws.row_dimensions[number].height = height
    for column, header in enumerate(["地区", *[label for _, label in TALLIES]], start=1):
        cell = ws.cell(row=3, column=column)
        set_text_safe(cell, header)
        style_cell(cell, font=HEADER_FONT, alignment=CENTER, border=BORDER)
    for i, row in enumerate(rows, start=1):
        for column, value in enumerate([row.name, *row.cells], start=1):
            cell = ws.cell(row=3 + i, column=column)
            set_text_safe(cell, value)
            style_cell(cell, font=BODY_FONT, border=BORDER)
        run.progress(i)
    ws.print_title_rows = "3:3"
    name = f"打击整治统计_{date_from:%Y%m%d}-{date_to:%Y%m%d}.xlsx"
    wb.save(run.result_file(name))
    run.progress(len(rows), force=True)
    job.message = f"统计了 {len(stats.rows)} 个地区。"
