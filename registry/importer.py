"""Reading an organization (or credit-record) workbook: the file checks are the portal's (``portal/workbook.py``:
size, zip, macros, zip bomb, DTD/entities before any parser sees it), the columns are ``registry.sheets``, and each
row is checked by the page's own form (``OrganizationForm``, ``RECORD_FORMS``), as NetBox does a bulk
import: one form per row.

Nothing is written here; ``registry.services.import_preview`` keeps the result as a preview.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError

from aid_projects.sheets import SPECS as AID_SPECS
from portal.models import Authority
from portal.workbook import (
    MAX_ROWS,
    UNREADABLE,
    SheetHead,
    UploadRefused,
    check_container,
    find_header,
    formula_texts,
    sha256_of,
    sheets,
)
from registry.forms import RECORD_FORMS, OrganizationForm
from registry.models import AnnualInspection, CreditListEntry, Evaluation, Organization, Penalty
from registry.sheets import SPECS, CellError, SheetSpec, as_typed, header_index, header_key
from registry.validators import validate_credit_code

__all__ = ["ParsedRow", "UploadRefused", "check_container", "parse_workbook", "sha256_of"]


@dataclass
class ParsedRow:
    row: int  # the Excel row number, as the user sees it
    values: dict  # the form's inputs (strings), or the cell as typed where it could not be read
    errors: dict = field(default_factory=dict)  # field → Chinese message naming the row and column
    warnings: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        return {"row": self.row, "values": self.values, "errors": self.errors, "warnings": self.warnings}


class KnownAuthorityField(forms.Field):
    """The form's authority, looked up among those the file names (one query for the file, not one a row)."""

    def __init__(self, authorities: dict[str, Authority], **kwargs):
        super().__init__(**kwargs)
        self.authorities = authorities

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if str(value) not in self.authorities:
            raise ValidationError("不是有效的登记管理机关。", code="invalid_choice")
        return self.authorities[str(value)]


class FieldsOfAFile(dict):
    """A row form's fields shared by the rows of one file: Django deep-copies a form's fields for each instance
    (half the time of checking a row); a row form only cleans values, which changes no field, so the rows of
    one import (one call, one thread) take a shallow copy of one deep copy.  Never shared between calls."""

    def __deepcopy__(self, memo):
        return dict(self)


class ImportRowForm(OrganizationForm):
    """The page's form, for one row, at the cost of a form without queries:

    - the register's uniqueness is checked for the whole file at once (``_mark_registered``);
    - the authority comes from the file's authorities, read once (``authorities``: pk → Authority);
    - the model's check constraints are not asked of the database row by row (four queries a row): each
      repeats a rule ``Organization.clean()`` and the code's validator check in Python, and the database
      still enforces them when the rows are written (a violation there refuses the whole file).
    """

    @classmethod
    def fields_for_a_file(cls) -> FieldsOfAFile:
        """The form's fields copied once for all the rows of a file (pass as ``fields=`` to each row's form)."""
        return FieldsOfAFile(copy.deepcopy(cls.base_fields))

    def __init__(self, *args, authorities: dict[str, Authority] | None = None,
                 fields: FieldsOfAFile | None = None, **kwargs):
        if fields is not None:
            self.base_fields = fields  # shadows the class's: Django copies this one for the instance (shallowly)
        super().__init__(*args, **kwargs)
        if authorities is not None:
            field = self.fields["authority"]
            self.fields["authority"] = KnownAuthorityField(authorities, label=field.label, required=True)
        model_clean = self.instance.full_clean

        def full_clean(exclude=None, **kwargs):
            # the authority was found among the file's (no per-row "does it exist" query either)
            exclude = {*(exclude or ()), "authority"} if authorities is not None else exclude
            return model_clean(exclude=exclude, **{**kwargs, "validate_constraints": False})

        self.instance.full_clean = full_clean

    def validate_unique(self):
        pass


def _find_header(rows, spec: SheetSpec) -> SheetHead:
    return find_header(rows, wanted=header_index(spec), required={c.field for c in spec.import_columns if c.required},
                       key=header_key, text=header_key)


def _other_form(texts: list[str], spec: SheetSpec) -> str | None:
    """The name of another portal form whose title or headers the file carries (an aid attachment, or
    another of the register's sheets)."""
    found = set(texts)
    for other in SPECS.values():
        if other.kind == spec.kind:
            continue
        required = {header_key(c.header) for c in other.import_columns if c.required}
        if any(header_key(other.title) in t for t in texts) or required <= found:
            return f"《{other.title}》"
    for spec in AID_SPECS.values():
        headers = {header_key(h) for h in spec.headers}
        if any(spec.title in t or t.startswith(spec.attachment) for t in texts) or len(headers & set(texts)) >= 3:
            return f"援藏援疆{spec.attachment}《{spec.title}》"
    return None


def parse_workbook(fileobj, *, spec: SheetSpec, actor, has_formulas: bool = True, progress=None) -> list[ParsedRow]:
    """Every data row of the first sheet holding the table, each checked as the page's form checks it.

    Whatever the parser raises on a damaged file becomes one Chinese sentence.  ``progress(done, total)``,
    when given, is called as the rows are checked (the preview job's progress bar).
    """
    try:
        return _parse(fileobj, spec=spec, actor=actor, has_formulas=has_formulas, progress=progress)
    except UploadRefused:
        raise
    except Exception:  # the parsers raise many kinds for a broken file
        raise UploadRefused(UNREADABLE) from None


def _parse(fileobj, *, spec, actor, has_formulas, progress=None) -> list[ParsedRow]:
    texts: list[str] = []
    for index, rows in sheets(fileobj):
        rows = iter(rows)
        head = _find_header(rows, spec)
        texts.extend(head.above)
        if head.header_row is None:
            continue
        formulas = formula_texts(fileobj, index, head) if has_formulas else {}
        parsed = _read_rows(rows, head, formulas, spec)
        if spec.kind == "organization":
            _check_organizations(parsed, actor=actor, progress=progress)
        else:
            _check_records(parsed, spec=spec, actor=actor, progress=progress)
        return parsed
    other = _other_form(texts, spec)
    if other:
        raise UploadRefused(f"此文件是{other}，不是《{spec.title}》；请使用本页提供的模板")
    headers = "、".join(c.header for c in spec.import_columns if c.required)
    raise UploadRefused(f"文件中没有找到《{spec.title}》的表头（至少应有{headers}），请使用本页提供的模板")


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _read_rows(rows, head: SheetHead, formulas, spec: SheetSpec) -> list[ParsedRow]:
    parsed: list[ParsedRow] = []
    for number, cells in enumerate(rows, start=head.header_row + 1):
        raw = {f: cells[i] if i < len(cells) else None for i, f in head.mapping.items()}
        if all(_blank(v) for v in raw.values()) and not any(
                (number, i) in formulas for i in head.mapping):
            continue
        if len(parsed) >= MAX_ROWS:
            raise UploadRefused(f"一次最多导入 {MAX_ROWS} 行，请拆分文件")
        values, errors = {}, {}
        for index, fld in head.mapping.items():
            column = spec.column(fld)
            value = raw[fld]
            formula = formulas.get((number, index))
            if formula is not None and _blank(value):
                # a formula saved without its value (written by a program, not recalculated): what the
                # user saw is not in the file
                errors[fld] = f"第{number}行“{column.header}”是没有计算结果的公式（{formula}），请改为直接填写的内容"
                values[fld] = formula
                continue
            try:
                values[fld] = column.read(value)
            except CellError as exc:
                errors[fld] = f"第{number}行“{column.header}”{exc}"
                try:
                    values[fld] = as_typed(value)
                except CellError:
                    values[fld] = str(value).replace("\x00", "�")
        parsed.append(ParsedRow(row=number, values=values, errors=errors))
    return parsed


def _form_errors(row: ParsedRow, form, spec: SheetSpec) -> None:
    header = {c.field: c.header for c in spec.columns}
    for fld, messages in form.errors.items():
        if fld in row.errors:
            continue
        label = header.get(fld, "")
        row.errors[fld or "__all__"] = f"第{row.row}行" + (f"“{label}”" if label else " ") + "；".join(messages)


def _check_organizations(parsed: list[ParsedRow], *, actor, progress=None) -> None:
    """Authority in the importer's area, each row through the form, codes unique in the file, codes already
    registered marked (they are not imported again: the same file twice adds nothing)."""
    codes = {r.values.get("authority") for r in parsed if "authority" not in r.errors}
    authorities = {a.code: a for a in Authority.objects.filter(code__in=codes - {None, ""})}
    header = {c.field: c.header for c in SPECS["organization"].columns}
    by_pk, fields = {str(a.pk): a for a in authorities.values()}, ImportRowForm.fields_for_a_file()
    for done, row in enumerate(parsed, start=1):
        if progress is not None:
            progress(done, len(parsed))
        code = row.values.get("authority", "")
        if "authority" not in row.errors:
            authority = authorities.get(code)
            if authority is None:
                row.errors["authority"] = (f"第{row.row}行“{header['authority']}”{code or '（空）'}"
                                           "不是登记管理机关的区划代码")
            elif actor.authority is None or not authority.is_within(actor.authority):
                # 本机关或下级机关登记的社会组织才由本机关录入（issue 10 第 9 点：各省只改本机关登记的）
                own = actor.authority.name if actor.authority else "无"
                row.errors["authority"] = (f"第{row.row}行 登记管理机关为{authority.name}（{code}），"
                                           f"不在本机关（{own}）管辖范围内，不能导入")
        data = {k: v for k, v in row.values.items() if k not in row.errors}
        if "authority" not in row.errors:
            data["authority"] = str(authorities[code].pk)
        data.setdefault("status", "normal")
        form = ImportRowForm(data=data, user=actor, authorities=by_pk, fields=fields)
        if not form.is_valid():
            _form_errors(row, form, SPECS["organization"])
    _mark_registered(parsed)


def _mark_registered(parsed: list[ParsedRow]) -> None:
    first_seen: dict[str, int] = {}
    for row in parsed:
        code = row.values.get("credit_code")
        if not code or "credit_code" in row.errors:
            continue
        if code in first_seen:
            row.errors["credit_code"] = f"第{row.row}行 统一社会信用代码 {code} 与第{first_seen[code]}行重复"
        else:
            first_seen[code] = row.row
    registered = dict(Organization.objects.filter(credit_code__in=list(first_seen)).values_list("credit_code", "name"))
    for row in parsed:
        code = row.values.get("credit_code")
        if code in registered and "credit_code" not in row.errors:
            row.warnings["registered"] = (f"第{row.row}行 统一社会信用代码 {code} 已登记（{registered[code]}），"
                                          "本行不再导入")


# --- credit and supervision records ----------------------------------------------------------------
RECORD_MODELS = {"inspection": AnnualInspection, "evaluation": Evaluation, "penalty": Penalty,
                 "listentry": CreditListEntry}
# what makes a row the same record as one already in the register (the same rows twice add nothing)
RECORD_KEYS = {
    "inspection": ("year",),  # one conclusion per organization and year (inspection_one_per_year)
    "evaluation": ("grade", "rated_on"),
    "penalty": ("document_number",),
    "listentry": ("list_kind", "entered_on"),
}
NOT_FORM_FIELDS = ("credit_code", "organization_name", "organization_id")


def record_key(kind: str, organization_id: int, values: dict) -> tuple:
    return (organization_id, *(str(values.get(f, "")) for f in RECORD_KEYS[kind]))


def record_form(kind: str, values: dict):
    """The page's record form (``RECORD_FORMS``) for one row's values."""
    return RECORD_FORMS[kind][0](data={k: v for k, v in values.items() if k not in NOT_FORM_FIELDS})


def _check_records(parsed: list[ParsedRow], *, spec: SheetSpec, actor, progress=None) -> None:
    """The organization by its code, in the importer's area; each row through the page's record form;
    rows repeating a record in the register marked (not imported), repeats within the file refused."""
    kind = spec.kind
    codes = {r.values.get("credit_code") for r in parsed} - {None, ""}
    organizations = {o.credit_code: o for o in Organization.objects.filter(credit_code__in=list(codes))
                     .select_related("authority")}
    fields = RECORD_KEYS[kind]
    existing = {record_key(kind, row[0], dict(zip(fields, row[1:], strict=True)))
                for row in RECORD_MODELS[kind].objects.filter(organization__in=list(organizations.values()))
                .values_list("organization_id", *fields)}
    open_entries = set()
    if kind == "listentry":
        open_entries = set(CreditListEntry.objects.filter(organization__in=list(organizations.values()),
                                                          removed_on__isnull=True)
                           .values_list("organization_id", "list_kind"))
    first_seen: dict[tuple, int] = {}
    for done, row in enumerate(parsed, start=1):
        if progress is not None:
            progress(done, len(parsed))
        code = row.values.get("credit_code", "")
        org = organizations.get(code)
        if "credit_code" not in row.errors:
            if org is None:
                try:
                    validate_credit_code(code)  # the register's one rule (registry/validators.py)
                except ValidationError as exc:
                    row.errors["credit_code"] = f"第{row.row}行“统一社会信用代码”{exc.messages[0]}"
                else:
                    row.errors["credit_code"] = f"第{row.row}行 统一社会信用代码 {code} 不在登记库中"
            elif actor.authority is None or not org.authority.is_within(actor.authority):
                row.errors["credit_code"] = (f"第{row.row}行 {org.name}由{org.authority.name}登记，"
                                             "不在本机关管辖范围内，不能导入其记录")
        form = record_form(kind, {k: v for k, v in row.values.items() if k not in row.errors})
        if not form.is_valid():
            _form_errors(row, form, spec)
        if row.errors or org is None:
            continue
        row.values["organization_id"] = org.pk
        key = record_key(kind, org.pk, {f: form.cleaned_data[f] for f in fields})
        if key in existing:
            row.warnings["registered"] = f"第{row.row}行 {org.name}的这条记录已在登记库中，本行不再导入"
        elif key in first_seen:
            row.errors["credit_code"] = f"第{row.row}行 与第{first_seen[key]}行是同一条记录"
        else:
            first_seen[key] = row.row
            if kind == "listentry" and (org.pk, row.values.get("list_kind")) in open_entries:
                row.errors["list_kind"] = f"第{row.row}行 {org.name}已在此名录中，须先移出才能再次列入"
