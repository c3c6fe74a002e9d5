"""Job kinds every deployment has."""

from __future__ import annotations

from collections import Counter

from openpyxl import Workbook

from portal.excel import BODY_FONT, HEADER_FONT, text_safe_cell
from portal.jobs import JobRun, job_handler
from portal.models import Authority, AuthorityLevel


# reference data only (authorities, pairing): no personal data
@job_handler("reference_integrity", "基础数据完整性报告", permissions=("portal.view_authority",))
def reference_integrity(run: JobRun) -> None:
    """Checks the authorities and the pairing table, province by province, and writes a workbook."""
    from aid_projects.models import Pairing

    provinces = list(Authority.objects.provinces().order_by("code"))
    run.set_total(len(provinces) + 1)
    counts = Counter(
        (code[:2], level)
        for code, level in Authority.objects.exclude(level=AuthorityLevel.MINISTRY).values_list("code", "level")
    )
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("各省基础数据")
    ws.append([text_safe_cell(ws, h, font=HEADER_FONT) for h in
               ["区划代码", "省级机关", "地市级", "县级", "受援地", "结对（受援）", "结对（支援）", "问题"]])
    problems_total = 0
    for i, province in enumerate(provinces, start=1):
        p = province.code[:2]
        received = Pairing.objects.filter(recipient_province=province).count()
        given = Pairing.objects.filter(aiding_authority__code__startswith=p).count()
        problems = []
        if counts[(p, AuthorityLevel.PREFECTURE)] == 0:
            problems.append("无地市级机关")
        if province.is_aid_recipient and received == 0:
            problems.append("受援地无对口支援关系")
        if not province.is_aid_recipient and given == 0:
            problems.append("无对口支援任务（表格待补充）")
        problems_total += len(problems)
        ws.append([text_safe_cell(ws, v, font=BODY_FONT) for v in [
            province.code, province.name, counts[(p, AuthorityLevel.PREFECTURE)], counts[(p, AuthorityLevel.COUNTY)],
            "是" if province.is_aid_recipient else "否", received, given, "；".join(problems),
        ]])
        run.progress(i)
    ws2 = wb.create_sheet("未识别的结对")
    headers = ["编号", "支援方", "受援省份", "受援地市/师（原文）", "说明"]
    ws2.append([text_safe_cell(ws2, h, font=HEADER_FONT) for h in headers])
    for pairing in Pairing.objects.filter(recipient_area__isnull=True).select_related("aiding_authority",
                                                                                       "recipient_province"):
        problems_total += 1
        ws2.append([text_safe_cell(ws2, v, font=BODY_FONT) for v in [
            pairing.pk, pairing.aiding_unit_label, pairing.recipient_province.name, pairing.recipient_area_label,
            "受援地市未能对应到区划",
        ]])
    wb.save(run.result_file("基础数据完整性报告.xlsx"))
    run.progress(len(provinces) + 1, force=True)
    run.job.message = f"检查了 {len(provinces)} 个省级机关，发现 {problems_total} 个问题。"
