"""Reading an organization workbook: the file checks are the aid reader's (size, zip, macros, zip bomb,
DTD/entities before any parser sees it), the columns are ``registry.sheets``, and each row is checked by
the page's own form (``OrganizationForm``), as NetBox does a bulk import: one form per row.

Nothing is written here; ``registry.services.import_preview`` keeps the result as a preview.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from aid_projects.reader import (
    HEADER_SEARCH_ROWS,
    MAX_ROWS,
    UNREADABLE,
    SheetHead,
    UploadRefused,
    _formula_texts,
    _sheets,
    check_container,
    sha256_of,
)
from aid_projects.sheets import SPECS as AID_SPECS
from portal.models import Authority
from registry.forms import OrganizationForm
from registry.models import Organization
from registry.sheets import ORGANIZATION_SPEC, CellError, as_typed, header_index, header_key

__all__ = ["ParsedRow", "UploadRefused", "check_container", "parse_organizations", "sha256_of"]

SPEC = ORGANIZATION_SPEC


@dataclass
class ParsedRow:
    row: int  # the Excel row number, as the user sees it
    values: dict  # the form's inputs (strings), or the cell as typed where it could not be read
    errors: dict = field(default_factory=dict)  # field → Chinese message naming the row and column
    warnings: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        return {"row": self.row, "values": self.values, "errors": self.errors, "warnings": self.warnings}


class ImportRowForm(OrganizationForm):
    """The page's form, for one row.  The register's uniqueness is checked for the whole file at once
    (one query, ``_mark_registered``), not row by row."""

    def validate_unique(self):
        pass


def _find_header(rows) -> SheetHead:
    wanted = header_index(SPEC)
    required = {c.field for c in SPEC.import_columns if c.required}
    head = SheetHead()
    for number, cells in enumerate(rows, start=1):
        mapping = {}
        for index, value in enumerate(cells):
            key = header_key(value)
            if key in wanted and wanted[key] not in mapping.values():
                mapping[index] = wanted[key]
        if required <= set(mapping.values()):
            head.header_row, head.mapping = number, mapping
            return head
        head.above.extend(t for t in (header_key(v) for v in cells) if t)
        if number >= HEADER_SEARCH_ROWS:
            break
    return head


def _other_form(texts: list[str]) -> str | None:
    """The name of another portal form whose title or headers the file carries (an aid attachment)."""
    for spec in AID_SPECS.values():
        headers = {header_key(h) for h in spec.headers}
        if any(spec.title in t or t.startswith(spec.attachment) for t in texts) or len(headers & set(texts)) >= 3:
            return f"援藏援疆{spec.attachment}《{spec.title}》"
    return None


def parse_organizations(fileobj, *, actor, has_formulas: bool = True) -> list[ParsedRow]:
    """Every data row of the first sheet holding the table, each checked as the page's form checks it.

    Whatever the parser raises on a damaged file becomes one Chinese sentence.
    """
    try:
        return _parse(fileobj, actor=actor, has_formulas=has_formulas)
    except UploadRefused:
        raise
    except Exception:  # the parsers raise many kinds for a broken file
        raise UploadRefused(UNREADABLE) from None


def _parse(fileobj, *, actor, has_formulas) -> list[ParsedRow]:
    texts: list[str] = []
    for index, rows in _sheets(fileobj):
        rows = iter(rows)
        head = _find_header(rows)
        texts.extend(head.above)
        if head.header_row is None:
            continue
        formulas = _formula_texts(fileobj, index, head) if has_formulas else {}
        parsed = _read_rows(rows, head, formulas)
        _check_rows(parsed, actor=actor)
        return parsed
    other = _other_form(texts)
    if other:
        raise UploadRefused(f"此文件是{other}，不是{SPEC.title}；请使用本页提供的模板")
    headers = "、".join(c.header for c in SPEC.import_columns if c.required)
    raise UploadRefused(f"文件中没有找到《{SPEC.title}》的表头（至少应有{headers}），请使用本页提供的模板")


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _read_rows(rows, head: SheetHead, formulas) -> list[ParsedRow]:
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
            column = SPEC.column(fld)
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


def _check_rows(parsed: list[ParsedRow], *, actor) -> None:
    """Authority in the importer's area, each row through the form, codes unique in the file, codes already
    registered marked (they are not imported again: the same file twice adds nothing)."""
    codes = {r.values.get("authority") for r in parsed if "authority" not in r.errors}
    authorities = {a.code: a for a in Authority.objects.filter(code__in=codes - {None, ""})}
    header = {c.field: c.header for c in SPEC.columns}
    for row in parsed:
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
        form = ImportRowForm(data=data, user=actor)
        if not form.is_valid():
            for fld, messages in form.errors.items():
                if fld in row.errors:
                    continue
                label = header.get(fld, "")
                text = "；".join(messages)
                row.errors[fld or "__all__"] = f"第{row.row}行" + (f"“{label}”" if label else " ") + text
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
