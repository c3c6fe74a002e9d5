"""The column spec of the organization import/export workbook (STYLE.md point 8).

The blank template, the reader (``registry.importer``) and the export job (``registry.jobs``) take
their headers, fields, widths and notes from here.  A column only turns a cell into what the page's
form (``registry.forms.OrganizationForm``) takes (a kind's label into its value, a division code into
the authority); every rule on the value itself — the credit code (``registry.validators``), the kind
agreeing with the code, dates in order — is the form's and the model's, written once.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from registry.choices import CreditListKind, Grade, InspectionKind, InspectionResult, OrgKind, OrgStatus, PenaltyType


class CellError(ValueError):
    """A cell that cannot be read as its column's kind of value (message in Chinese)."""


# characters no spreadsheet user types and PostgreSQL cannot store (NUL) or a reader cannot see
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile(r"\s+")


def as_typed(value) -> str:
    """A cell as typed, outer spaces (half- or full-width) trimmed; full-width punctuation kept
    (（）、，are part of a Chinese name).  Control characters are refused, not silently dropped."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value)
    if _CONTROL.search(text):
        raise CellError("含有不可见的控制字符（如 NUL），请删除后重新上传")
    return text.strip()


def half_width(value) -> str:
    """For codes, numbers and dates: full-width letters, digits and punctuation made half-width (NFKC),
    no spaces at all (５２３３… and 2020．1．1 are what a Chinese keyboard gives)."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", as_typed(value)))


def read_text(value) -> str:
    return as_typed(value)


def read_code(value) -> str:
    return half_width(value).upper()


def read_date(value) -> str:
    if isinstance(value, datetime.datetime | datetime.date):
        return as_typed(value)
    text = half_width(value)
    if not text:
        return ""
    match = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", text) or re.fullmatch(
        r"(\d{4})(\d{2})(\d{2})", text)
    if not match:
        raise CellError("日期格式应为 2020-01-31 或 2020年1月31日")
    try:
        return datetime.date(*(int(p) for p in match.groups())).isoformat()
    except ValueError:
        raise CellError("不是有效的日期") from None


def read_amount(value) -> str:
    text = half_width(value).replace(",", "")
    text = re.sub(r"(万元|万)$", "", text)
    if not text:
        return ""
    try:
        Decimal(text)
    except ArithmeticError:
        raise CellError("应填写数字（单位：万元）") from None
    return text


def _labels(choices) -> dict[str, str]:
    found = {}
    for value, label in choices:
        found[half_width(label)] = value
        found[value] = value
    return found


KIND_LABELS = {**_labels(OrgKind.choices), "社会服务机构": OrgKind.SERVICE_ORG, "民办非企业单位": OrgKind.SERVICE_ORG}
STATUS_LABELS = {**_labels(OrgStatus.choices), "": OrgStatus.NORMAL, "撤销": OrgStatus.REVOKED}


def read_choice(table: dict[str, str], allowed: str) -> Callable:
    def read(value) -> str:
        text = half_width(value)
        if text not in table:
            raise CellError(f"应填写{allowed}之一")
        return table[text]
    return read


def read_yes_no(value) -> str:
    text = half_width(value)
    if text in ("", "否", "不是", "N", "n"):
        return ""
    if text in ("是", "Y", "y", "√"):
        return "on"
    raise CellError("应填写“是”或“否”")


@dataclass(frozen=True)
class Column:
    header: str
    field: str  # the OrganizationForm field the cell fills
    width: float
    read: Callable = read_text  # cell → the form's input, or CellError
    required: bool = False
    note: str = ""
    match: tuple[str, ...] = ()  # other header texts that name this column in an uploaded file
    export_only: bool = False  # written by the export, ignored by the reader (kept by the register itself)
    # how the export writes the organization's value (default: the attribute of the field's name)
    write: Callable | None = None


def read_int(value) -> str:
    text = half_width(value)
    if text.endswith(".0"):
        text = text[:-2]
    text = text.removesuffix("年度").removesuffix("年")
    if text and not text.isdigit():
        raise CellError("应填写整数（如 2024）")
    return text


@dataclass(frozen=True)
class SheetSpec:
    kind: str  # "organization", or the record kind of registry.services.RECORD_MODELS
    title: str
    columns: tuple[Column, ...]
    notes: tuple[str, ...]

    @property
    def import_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if not c.export_only)

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    def column(self, field: str) -> Column:
        return next(c for c in self.columns if c.field == field)


def _date(day) -> str:
    return day.isoformat() if day else ""


ORGANIZATION_SPEC = SheetSpec(
    kind="organization",
    title="社会组织登记信息表",
    columns=(
        Column("统一社会信用代码", "credit_code", 22, read_code, required=True, match=("信用代码",)),
        Column("名称", "name", 30, required=True, match=("社会组织名称", "组织名称")),
        Column("类型", "kind", 16, read_choice(KIND_LABELS, "社会团体、社会服务机构、基金会、其他"), required=True,
               note="社会团体、社会服务机构（民办非企业单位）、基金会、其他", write=lambda o: o.get_kind_display()),
        Column("登记管理机关区划代码", "authority", 14, read_code, required=True, match=("登记管理机关代码",),
               note="6 位区划代码，民政部为 000000", write=lambda o: o.authority.code),
        Column("业务主管单位", "supervisory_unit", 20, note="直接登记的不填"),
        Column("成立登记日期", "registered_on", 13, read_date, write=lambda o: _date(o.registered_on)),
        Column("住所区划代码", "domicile_code", 12, read_code),
        Column("住所", "address", 30),
        Column("法定代表人", "legal_representative", 12),
        Column("注册资金（万元）", "registered_capital", 14, read_amount,
               match=("注册资金", "原始基金", "注册资金/原始基金"),
               write=lambda o: "" if o.registered_capital is None else str(o.registered_capital)),
        Column("业务范围", "business_scope", 36),
        Column("慈善组织", "is_charity", 9, read_yes_no, note="是/否", write=lambda o: "是" if o.is_charity else "否"),
        Column("慈善组织认定日期", "charity_recognized_on", 14, read_date, match=("慈善组织认定（登记）日期",),
               write=lambda o: _date(o.charity_recognized_on)),
        Column("登记状态", "status", 10, read_choice(STATUS_LABELS, "正常、撤销登记、注销"), note="不填为正常",
               write=lambda o: o.get_status_display()),
        Column("撤销/注销日期", "status_changed_on", 13, read_date, write=lambda o: _date(o.status_changed_on)),
        Column("撤销/注销原因", "status_reason", 24),
        # the register's own columns: exported for reading, never imported
        Column("评估等级", "grade", 9, export_only=True, write=lambda o: o.grade_label),
        Column("名录", "listed", 20, export_only=True,
               write=lambda o: "、".join(label for on, label in ((o.on_abnormal_list, "活动异常名录"),
                                                                (o.on_dishonest_list, "严重违法失信名单")) if on)),
    ),
    notes=(
        "一行一个社会组织；统一社会信用代码、名称、类型、登记管理机关区划代码必填。",
        "只能导入由本机关或下级机关登记的社会组织；信用代码已在登记库中的行不再导入。",
        "文件中有任何一行错误，整个文件都不导入；请按预览页的提示修改后重新上传。",
    ),
)


# --- credit and supervision records: one sheet per kind, the organization named by its credit code ------
CODE = Column("统一社会信用代码", "credit_code", 22, read_code, required=True, match=("信用代码",))
NAME_FOR_READER = Column("社会组织名称", "organization_name", 30, note="供核对，以信用代码为准",
                         match=("名称", "组织名称"))
RECORD_NOTES = (
    "一行一条记录；以统一社会信用代码确定社会组织，只能导入本机关或下级机关登记的社会组织的记录。",
    "与登记库中已有记录相同的行不再导入；文件中有任何一行错误，整个文件都不导入。",
)

INSPECTION_SPEC = SheetSpec(
    kind="inspection", title="社会组织年检（年报）结论表",
    columns=(CODE, NAME_FOR_READER,
             Column("年度", "year", 8, read_int, required=True),
             Column("方式", "kind", 10, read_choice(_labels(InspectionKind.choices), "年度检查、年度报告"),
                    required=True, note="年度检查、年度报告"),
             Column("结论", "result", 12,
                    read_choice(_labels(InspectionResult.choices), "合格、基本合格、不合格、未参检/未报送"),
                    required=True, note="合格、基本合格、不合格、未参检/未报送"),
             Column("结论日期", "concluded_on", 13, read_date),
             Column("说明", "note", 30)),
    notes=RECORD_NOTES)

EVALUATION_SPEC = SheetSpec(
    kind="evaluation", title="社会组织评估等级表",
    columns=(CODE, NAME_FOR_READER,
             Column("评估等级", "grade", 9, read_choice({**{g.label: str(g.value) for g in Grade},
                                                         **{g.label.lower(): str(g.value) for g in Grade}}, "1A–5A"),
                    required=True, note="1A–5A"),
             Column("评定日期", "rated_on", 13, read_date, required=True),
             Column("文号", "document_number", 24)),
    notes=(*RECORD_NOTES, "评估等级有效期五年（《社会组织评估管理办法》第三十条），由系统计算。"))

PENALTY_SPEC = SheetSpec(
    kind="penalty", title="社会组织行政处罚表",
    columns=(CODE, NAME_FOR_READER,
             Column("处罚日期", "decided_on", 13, read_date, required=True),
             Column("处罚种类", "penalty_type", 14, read_choice(_labels(PenaltyType.choices), "警告、责令停止活动等"),
                    required=True, note="、".join(str(label) for _, label in PenaltyType.choices)),
             Column("罚没金额（万元）", "amount", 14, read_amount, match=("罚没金额",)),
             Column("处罚决定书文号", "document_number", 24, required=True, match=("文号",)),
             Column("违法事实", "reason", 36)),
    notes=RECORD_NOTES)

LISTENTRY_SPEC = SheetSpec(
    kind="listentry", title="社会组织列入名录表",
    columns=(CODE, NAME_FOR_READER,
             Column("名录", "list_kind", 18,
                    read_choice(_labels(CreditListKind.choices), "活动异常名录、严重违法失信名单"),
                    required=True, note="活动异常名录、严重违法失信名单"),
             Column("列入日期", "entered_on", 13, read_date, required=True),
             Column("列入事由", "ground", 36, required=True)),
    notes=RECORD_NOTES)

SPECS = {spec.kind: spec for spec in (ORGANIZATION_SPEC, INSPECTION_SPEC, EVALUATION_SPEC, PENALTY_SPEC,
                                      LISTENTRY_SPEC)}


def header_key(value) -> str:
    """A header cell reduced for matching: half-width, no spaces, no bracketed unit."""
    return re.sub(r"\(.*?\)", "", half_width(value)) if value is not None else ""


def header_index(spec: SheetSpec) -> dict[str, str]:
    """{header text as matched: field} of the columns a file may carry."""
    index = {}
    for column in spec.import_columns:
        for text in (column.header, *column.match):
            index[header_key(text)] = column.field
    return index
