"""One column spec per attachment of the notice (STYLE.md point 8).

The writer (``aid_projects.writer``), the reader (``aid_projects.reader``) and the browser table form
all take their headers, fields, widths and notes from here, so a file the portal writes is a file it
reads back.  Texts are the notice's (seed 002, 附件1–3), with its stray spaces removed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from aid_projects.choices import AidCategory, ListKind
from portal.text import normalise_text


@dataclass(frozen=True)
class Column:
    header: str  # exactly as printed in the notice's table
    field: str  # the AidItem / Liaison field it fills ("" for 序号)
    width: float  # Excel column width (characters), chosen so the sheet prints on A4 landscape
    match: tuple[str, ...]  # normalised header texts that identify this column in an uploaded file
    required: bool = True
    wrap: bool = False
    # the header as printed, line by line, broken where a reader expects (before the bracketed remark),
    # not wherever the column width happens to cut it (a lone "）" on a line of its own)
    printed: tuple[str, ...] = ()

    @property
    def printed_header(self) -> str:
        return "\n".join(self.printed) if self.printed else self.header


@dataclass(frozen=True)
class FormSpec:
    kind: str
    attachment: str  # 附件1
    short_name: str  # 联络员表 / 需求清单 / 供给清单: how messages name the form
    title: str
    filers: str  # the line under the title: who files it
    unit_label: str  # 盖章 or 公章, as the notice has it
    columns: tuple[Column, ...]
    notes: tuple[str, ...]

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    @property
    def printed_headers(self) -> list[str]:
        return [c.printed_header for c in self.columns]

    @property
    def data_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.field)

    def unit_line(self, unit: str = "") -> str:
        return f"单位：{unit or '_____'}（{self.unit_label}）"

    def column(self, field: str) -> Column:
        return next(c for c in self.columns if c.field == field)


SEQ = Column("序号", "", 6, ("序号",), required=False)
NAME = Column("项目名称", "name", 22, ("项目名称",), wrap=True)
CATEGORY = Column("帮扶类别", "category", 11, ("帮扶类别",))
SUMMARY = Column("项目简介", "summary", 36, ("项目简介",), required=False, wrap=True)
AMOUNT = Column("项目拟投入资金（万元）", "amount", 15, ("项目拟投入资金",), printed=("项目拟投入资金", "（万元）"))
CONTACT = Column("项目联系人", "contact_name", 12, ("项目联系人",), wrap=True)

CATEGORY_NOTE = "帮扶类别，分为产业帮扶、教育帮扶、医疗帮扶、志愿帮扶、消费帮扶及其他。请在表格明确填写。"

LIAISON_SPEC = FormSpec(
    kind=ListKind.LIAISON,
    attachment="附件1",
    short_name="联络员表",
    title="社会组织援藏援疆工作省级联络员表",
    filers="（仅西藏、新疆、云南、青海、四川、甘肃、兵团填报）",
    unit_label="盖章",
    columns=(
        Column("姓名", "name", 16, ("姓名",)),
        Column("工作电话", "work_phone", 22, ("工作电话",)),
        Column("手机", "mobile", 20, ("手机",)),
        Column("电子信箱", "email", 34, ("电子信箱", "电子邮箱", "邮箱")),
    ),
    notes=(),
)

NEED_SPEC = FormSpec(
    kind=ListKind.NEED,
    attachment="附件2",
    short_name="需求清单",
    title="社会组织援藏援疆项目需求清单省级汇总表",
    filers="（仅西藏、新疆、云南、青海、四川、甘肃、兵团填报）",
    unit_label="公章",
    columns=(
        SEQ, NAME, CATEGORY,
        Column("项目拟实施地（填报到县级）", "place_text", 20, ("项目拟实施地",), wrap=True,
               printed=("项目拟实施地", "（填报到县级）")),
        SUMMARY, AMOUNT, CONTACT,
        Column("项目联系人联系方式（手机）", "contact_mobile", 18, ("项目联系人联系方式", "联系方式"),
               printed=("项目联系人", "联系方式（手机）")),
    ),
    notes=(
        "如有更多项目，请自行顺序下延填写。",
        CATEGORY_NOTE,
        "项目联系人，填写提出项目需求的当地单位（如村、乡、县等）联系人。",
    ),
)

SUPPLY_SPEC = FormSpec(
    kind=ListKind.SUPPLY,
    attachment="附件3",
    short_name="供给清单",
    title="社会组织援藏援疆项目供给清单省级汇总表",
    filers="（西藏、新疆、云南、青海、四川、甘肃、兵团无需填报）",
    unit_label="公章",
    columns=(
        SEQ, NAME, CATEGORY,
        Column("项目拟实施地", "place_text", 20, ("项目拟实施地",), wrap=True),
        SUMMARY, AMOUNT, CONTACT,
        Column("联系方式（手机）", "contact_mobile", 18, ("联系方式", "项目联系人联系方式")),
    ),
    notes=(
        "如有更多项目，请自行顺序下延填写。",
        CATEGORY_NOTE,
        "项目拟实施地，一般填写到省级即可。如实施项目的社会组织有明确实施地意愿，亦可填报到州县乡村级，"
        "但应标明所属全部行政区域，如“××省××州××县××乡××村”。",
        "项目联系人和联系方式，填写实施项目的社会组织联系人和联系方式。",
    ),
)

SPECS = {ListKind.LIAISON: LIAISON_SPEC, ListKind.NEED: NEED_SPEC, ListKind.SUPPLY: SUPPLY_SPEC}
ITEM_FIELDS = ("name", "category", "place_text", "summary", "amount", "contact_name", "contact_mobile")
CATEGORIES = [c.value for c in AidCategory]


_REMARK = re.compile(r"\(.*?\)")


def header_key(value) -> str:
    """A header cell reduced for matching: no spaces, no bracketed remark (（填报到县级）, （万元）)."""
    text = normalise_text(value)
    return _REMARK.sub("", text)
