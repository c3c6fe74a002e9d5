"""One column spec per attachment of the notice (STYLE.md point 8): one rule set per row.

Each column carries its header, field, width and cleaning rule (``aid_projects.validation``).  The
writer (``aid_projects.writer``: the attachments and the blank templates), the reader
(``aid_projects.reader``: the header match and each row's rules), the browser forms
(``aid_projects.forms``), the API serializers (``aid_projects.api.serializers``) and the upload
commit (``services.upload_commit``) all take their fields and rules from here, so a file the portal
writes is a file it reads back, and a row typed in the browser, sent to the API or read from a file
meets the same rules.  Texts are the notice's (seed 002, 附件1–3), with its stray spaces removed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from aid_projects.choices import ListKind
from aid_projects.text import header_key, normalise_text
from aid_projects.validation import (
    CATEGORIES,
    RowError,
    amount_warning,
    clean_amount,
    clean_category,
    clean_contact,
    clean_contact_mobile,
    clean_email,
    clean_landline,
    clean_mobile,
    clean_name,
    clean_place,
    clean_summary,
)

__all__ = ["CATEGORIES", "ITEM_FIELDS", "SPECS", "Column", "FormSpec", "header_key", "normalise_text"]


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
    # the cleaning rule (aid_projects.validation): what was typed → the value kept, or RowError in Chinese;
    # None: the model field's own checks are all there is
    rule: Callable | None = None
    # the model field the rule resolves too (实施地 → ``place``): the rule then takes the list's kind and
    # province and returns (text, object)
    resolves: str = ""
    # a value that passes but must be confirmed (资金 over 200万元): value → message, "" when none
    warning: Callable | None = None

    @property
    def printed_header(self) -> str:
        return "\n".join(self.printed) if self.printed else self.header

    def clean(self, value, *, kind: str = "", province_code: str = ""):
        """The column's rule applied to one cell (raises ``RowError``)."""
        if self.rule is None:
            return value
        if self.resolves:
            return self.rule(value, kind=kind, province_code=province_code)
        return self.rule(value)


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
    # record fields the printed form has no column for, kept after the first column (附件1's 单位,
    # which the 联络员名录 sheet prints beside the name)
    unprinted: tuple[str, ...] = ()

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    @property
    def printed_headers(self) -> list[str]:
        return [c.printed_header for c in self.columns]

    @property
    def data_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.field)

    @property
    def fields(self) -> tuple[str, ...]:
        """The fields the printed columns fill, in the form's order."""
        return tuple(c.field for c in self.data_columns)

    @property
    def record_fields(self) -> tuple[str, ...]:
        """Every field a row of the form fills: the printed ones, with the unprinted after the first."""
        fields = self.fields
        return (*fields[:1], *self.unprinted, *fields[1:])

    def clean_row(self, values: dict, *, province_code: str = "") -> tuple[dict, dict[str, str]]:
        """(clean values, errors by field) of the columns present in ``values`` — the one place a row's
        rules run, for the table form, the API and an uploaded file alike.  A column that resolves an
        object (实施地 → ``place``) puts it under that name too."""
        clean: dict = {}
        errors: dict[str, str] = {}
        for column in self.data_columns:
            if column.field not in values:
                continue
            try:
                value = column.clean(values[column.field], kind=self.kind, province_code=province_code)
            except RowError as exc:
                errors[column.field] = str(exc)
                continue
            if column.resolves:
                clean[column.field], clean[column.resolves] = value
            else:
                clean[column.field] = value
        return clean, errors

    def row_warnings(self, clean: dict) -> dict[str, str]:
        """{field: what to confirm} of a clean row (资金 over 200万元)."""
        warnings = {}
        for column in self.data_columns:
            if column.warning is not None and column.field in clean:
                message = column.warning(clean[column.field])
                if message:
                    warnings[column.field] = message
        return warnings

    def unit_line(self, unit: str = "") -> str:
        return f"单位：{unit or '_____'}（{self.unit_label}）"

    def column(self, field: str) -> Column:
        return next(c for c in self.columns if c.field == field)


SEQ = Column("序号", "", 6, ("序号",), required=False)
NAME = Column("项目名称", "name", 22, ("项目名称",), wrap=True, rule=clean_name)
CATEGORY = Column("帮扶类别", "category", 11, ("帮扶类别",), rule=clean_category)
SUMMARY = Column("项目简介", "summary", 36, ("项目简介",), required=False, wrap=True, rule=clean_summary)
AMOUNT = Column("项目拟投入资金（万元）", "amount", 15, ("项目拟投入资金",), printed=("项目拟投入资金", "（万元）"),
                rule=clean_amount, warning=amount_warning)
CONTACT = Column("项目联系人", "contact_name", 12, ("项目联系人",), wrap=True, rule=clean_contact)

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
        Column("工作电话", "work_phone", 22, ("工作电话",), rule=clean_landline),
        Column("手机", "mobile", 20, ("手机",), rule=clean_mobile),
        Column("电子信箱", "email", 34, ("电子信箱", "电子邮箱", "邮箱"), rule=clean_email),
    ),
    notes=(),
    unprinted=("unit",),
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
               printed=("项目拟实施地", "（填报到县级）"), rule=clean_place, resolves="place"),
        SUMMARY, AMOUNT, CONTACT,
        Column("项目联系人联系方式（手机）", "contact_mobile", 18, ("项目联系人联系方式", "联系方式"),
               printed=("项目联系人", "联系方式（手机）"), rule=clean_contact_mobile),
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
        Column("项目拟实施地", "place_text", 20, ("项目拟实施地",), wrap=True, rule=clean_place,
               resolves="place"),
        SUMMARY, AMOUNT, CONTACT,
        Column("联系方式（手机）", "contact_mobile", 18, ("联系方式", "项目联系人联系方式"),
               rule=clean_contact_mobile),
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
# the fields of a need or supply row (附件2 and 附件3 print the same ones, in the same order)
ITEM_FIELDS = NEED_SPEC.fields
assert SUPPLY_SPEC.fields == ITEM_FIELDS, "附件2 and 附件3 fill the same AidItem fields"
