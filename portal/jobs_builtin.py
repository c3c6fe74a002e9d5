"""Job kinds every deployment has."""

from __future__ import annotations

from collections import Counter

from openpyxl import Workbook

from portal.excel import BODY_FONT, HEADER_FONT, text_safe_cell
from portal.jobs import JobRun, job_handler
from portal.models import Authority, AuthorityLevel


# reference data only (authorities, and the apps' tables such as the pairing table): no personal data
@job_handler("reference_integrity", "基础数据完整性报告", permissions=("portal.view_authority",))
def reference_integrity(run: JobRun) -> None:
    """Checks the authorities province by province, and each app's reference tables through its
    ``reference.integrity_report()`` (aid_projects: the pairing table); writes a workbook."""
    from portal.reference import integrity_parts

    parts = integrity_parts()
    provinces = list(Authority.objects.provinces().order_by("code"))
    extra_sheets = [sheet for part in parts for sheet in part.sheets]
    run.set_total(len(provinces) + len(extra_sheets))
    counts = Counter(
        (code[:2], level)
        for code, level in Authority.objects.exclude(level=AuthorityLevel.MINISTRY).values_list("code", "level")
    )
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("各省基础数据")
    headers = ["区划代码", "省级机关", "地市级", "县级", "受援地", *(c for part in parts for c in part.columns), "问题"]
    ws.append([text_safe_cell(ws, h, font=HEADER_FONT) for h in headers])
    problems_total = 0
    for i, province in enumerate(provinces, start=1):
        p = province.code[:2]
        values = [province.code, province.name, counts[(p, AuthorityLevel.PREFECTURE)],
                  counts[(p, AuthorityLevel.COUNTY)], "是" if province.is_aid_recipient else "否"]
        problems = []
        if counts[(p, AuthorityLevel.PREFECTURE)] == 0:
            problems.append("无地市级机关")
        for part in parts:
            part_values, part_problems = part.province_row(province)
            values.extend(part_values)
            problems.extend(part_problems)
        problems_total += len(problems)
        ws.append([text_safe_cell(ws, v, font=BODY_FONT) for v in [*values, "；".join(problems)]])
        run.progress(i)
    for k, sheet in enumerate(extra_sheets, start=1):
        ws2 = wb.create_sheet(sheet.title)
        ws2.append([text_safe_cell(ws2, h, font=HEADER_FONT) for h in sheet.headers])
        for row in sheet.rows():
            problems_total += 1
            ws2.append([text_safe_cell(ws2, v, font=BODY_FONT) for v in row])
        if k < len(extra_sheets):
            run.progress(len(provinces) + k)
    wb.save(run.result_file("基础数据完整性报告.xlsx"))
    run.progress(len(provinces) + len(extra_sheets), force=True)
    run.job.message = f"检查了 {len(provinces)} 个省级机关，发现 {problems_total} 个问题。"
