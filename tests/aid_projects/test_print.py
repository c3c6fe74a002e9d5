"""The attachments print like the notice's forms: converted to PDF by LibreOffice headless (Debian's
libreoffice-calc-nogui, installed by .ci/run), every wrapped name, summary and contact is printed
whole inside its row, the header sits on sensible breaks and repeats on every page."""

import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from aid_projects import writer
from aid_projects.sheets import NEED_SPEC
from aid_projects.writer import FIRST_DATA_ROW, LINE_HEIGHT, text_lines, write_attachment

SOFFICE = shutil.which("soffice") or "/usr/bin/soffice"


def long_rows(n=30):
    return [[f"第{i}号项目：牧区寄宿制小学营养午餐与冬季供暖改善工程（二期）", "教育帮扶",
             "西藏自治区那曲市色尼区罗玛镇",
             f"为罗玛镇两所寄宿制小学的{100 + i}名学生提供一学年营养午餐，并改造宿舍供暖设施，"
             f"建设冷库一座，服务周边合作社。第{i}行简介到此结束",
             Decimal("50.5"), f"色尼区教育局 次仁旺堆{i}（副局长）", "13908961234"] for i in range(1, n + 1)]


def to_pdf(xlsx: Path) -> tuple[int, str, list]:
    """(pages, the text in drawing order, the words' boxes page by page) of the workbook printed by LibreOffice."""
    if not Path(SOFFICE).exists():
        pytest.fail("打印测试需要 LibreOffice：apt-get install libreoffice-calc-nogui poppler-utils")
    profile = xlsx.parent / "lo-profile"  # a profile of its own: parallel runs do not share a lock
    subprocess.run([SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(xlsx.parent), str(xlsx)], check=True, capture_output=True, timeout=180)
    pdf = xlsx.with_suffix(".pdf")
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    text = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    bbox = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    boxes = []
    for page in bbox.split("<page ")[1:]:
        boxes.append([(float(a), float(b), float(c), float(d), w) for a, b, c, d, w in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', page)])
    return pages, text, boxes


def overlapping_words(boxes) -> list[tuple[str, str]]:
    """Words printed over each other: a cell's text running past its row's bottom lands on the next row's
    (LibreOffice draws it, clipped to the cell, but it is still placed there)."""
    found = []
    for words in boxes:
        for i, (x0, y0, x1, y1, w) in enumerate(words):
            for a0, b0, a1, b1, v in words[i + 1:]:
                dx = min(x1, a1) - max(x0, a0)
                dy = min(y1, b1) - max(y0, b0)
                if dx > 1 and dy > 0.3 * min(y1 - y0, b1 - b0):
                    found.append((w, v))
    return found


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def missing_cells(rows, printed: str) -> list[str]:
    """The wrapped cells whose text the PDF does not hold whole (a row too short clips its last lines)."""
    flat = squeeze(printed)
    return [value for row in rows for value in (row[0], row[3], row[5]) if squeeze(value) not in flat]


def test_rows_are_as_tall_as_their_wrapped_text(tmp_path):
    from openpyxl import load_workbook

    rows = long_rows(5)
    path = tmp_path / "附件2.xlsx"
    write_attachment(path, NEED_SPEC, "西藏自治区民政厅", rows)
    ws = load_workbook(path).worksheets[0]
    widths = {c.field: c.width for c in NEED_SPEC.columns}
    for offset, row in enumerate(rows):
        lines = max(text_lines(row[0], widths["name"]), text_lines(row[3], widths["summary"]),
                    text_lines(row[5], widths["contact_name"]))
        assert lines >= 3
        assert ws.row_dimensions[FIRST_DATA_ROW + offset].height >= lines * LINE_HEIGHT


def test_attachment_prints_every_wrapped_cell_whole_with_the_header_on_each_page(tmp_path):
    rows = long_rows(30)
    path = tmp_path / "附件2.xlsx"
    write_attachment(path, NEED_SPEC, "西藏自治区民政厅", rows)
    pages, printed, boxes = to_pdf(path)
    assert missing_cells(rows, printed) == []
    assert overlapping_words(boxes) == []
    assert pages >= 2
    lines = [line.strip() for line in printed.splitlines()]
    assert sum("项目名称" in line for line in lines) == pages  # the header row repeats on every page
    # headers on their sensible breaks: the remark whole on its own line, never a lone "）"
    header = lines[lines.index("附件2") + 1:next(i for i, line in enumerate(lines) if line.startswith("第1号项目"))]
    assert header == ["项目拟实施地", "（填报到县级）", "项目拟投入资金", "（万元）", "项目联系人", "联系方式（手机）"]
    assert "社会组织援藏援疆项目需求清单省级汇总表" in lines and "备注：" in printed


def test_the_check_sees_clipped_rows(tmp_path, monkeypatch):
    """The same rows at one fixed height (what the forms had before): LibreOffice clips them, and the
    check above notices."""
    monkeypatch.setattr(writer, "row_height", lambda lines, **kwargs: kwargs.get("minimum") or LINE_HEIGHT)
    rows = long_rows(3)
    path = tmp_path / "附件2-fixed.xlsx"
    write_attachment(path, NEED_SPEC, "西藏自治区民政厅", rows)
    _, _, boxes = to_pdf(path)
    assert len(overlapping_words(boxes)) >= 3
