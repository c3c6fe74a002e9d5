"""Reading an uploaded attachment 2/3: refuse what is not a plain .xlsx, find the table, check every row.

The file is checked before any parser sees it (size, a real zip holding a workbook, no macros, no zip
bomb, no DTD or entity in any XML part) and then read with python-calamine for the saved values;
openpyxl (read-only, through defusedxml) reads formula texts when the sheets hold formulas.  The header
row may be anywhere among the first rows: title rows, "单位：…（公章）", merged cells and blank rows
come before it; blank rows, numbered empty rows and the 备注 lines after it.
"""

from __future__ import annotations

import gc
import re
from dataclasses import dataclass, field

from aid_projects.sheets import SPECS, header_key, normalise_text
from portal.gazetteer import place_full_name
from portal.workbook import (  # noqa: F401  (the checks and limits, read here by the aid pages and tests)
    HEADER_SEARCH_ROWS,
    MAX_ROWS,
    MAX_UPLOAD_BYTES,
    UNREADABLE,
    SheetHead,
    UploadRefused,
    check_container,
    find_header,
    sha256_of,
)
from portal.workbook import formula_texts as _formula_texts
from portal.workbook import sheets as _sheets


@dataclass
class ParsedRow:
    row: int  # the Excel row number, as the user sees it
    values: dict  # clean values (JSON-able), or the raw text where a rule failed
    errors: dict = field(default_factory=dict)
    warnings: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        return {"row": self.row, "values": self.values, "errors": self.errors, "warnings": self.warnings}




# --- which form the file is -------------------------------------------------------------------------

def _find_header(rows, spec) -> SheetHead:
    """The header row among the first rows, with the texts above it."""
    return find_header(rows, wanted={m: col.field for col in spec.columns for m in col.match},
                       required={col.field for col in spec.data_columns if col.required},
                       key=header_key, text=normalise_text)


def _kind_named(head: SheetHead) -> str | None:
    """The attachment the title rows name (附件N, 需求清单…), else the one whose distinctive headers it has."""
    named = set()
    for text in head.above:
        match = re.match(r"^附件([123])", text)
        if match:
            named |= {kind for kind, spec in SPECS.items() if spec.attachment == f"附件{match.group(1)}"}
        for kind, spec in SPECS.items():
            if spec.title in text or (f"项目{spec.short_name}" in text and "汇总表" in text):
                named.add(kind)
    if len(named) == 1:
        return named.pop()
    if named or not head.header_texts:
        return None
    # no title: a header printed only on one form (项目拟实施地（填报到县级）) says which one it is
    texts = set(head.header_texts)
    own = {kind: {normalise_text(h) for h in spec.headers} for kind, spec in SPECS.items()}
    distinctive = {kind: {h for h in own[kind] if not any(h in hs for k, hs in own.items() if k != kind)}
                   for kind in own}
    hits = {kind for kind, hs in distinctive.items() if len(texts & hs) >= 2}
    return hits.pop() if len(hits) == 1 else None


def _unit_named(head: SheetHead) -> str:
    """The unit written on the 单位：…（公章） line, '' when blank."""
    for text in head.above:
        match = re.match(r"^单位[:：]?(.*)$", text)
        if match:
            unit = re.sub(r"\((?:公章|盖章)\)$", "", match.group(1))
            return unit.strip("_（）() ")
    return ""


def check_identity(head: SheetHead, spec, province_code: str) -> None:
    """Refuse a file that is another attachment, or another province's, by its title, headers and unit."""
    from portal.gazetteer import province_index, province_of_text

    own_name = province_index(province_code).province.name
    kind = _kind_named(head)
    if kind is not None and kind != spec.kind:
        other = SPECS[kind]
        raise UploadRefused(f"此文件是{other.attachment}{other.short_name}，"
                            f"本清单为{spec.attachment}{spec.short_name}，请上传{spec.attachment}《{spec.title}》")
    unit = _unit_named(head)
    code = province_of_text(unit) if unit else None
    if code is not None and code != province_code:
        other_name = province_index(code).province.name
        raise UploadRefused(f"此文件的填报单位是“{unit}”（{other_name}），本清单为{own_name}的"
                            f"{spec.attachment}{spec.short_name}，请上传本省（区、市）的清单")


# --- the rows ---------------------------------------------------------------------------------------


NOTE_PREFIXES = ("备注", "注:", "说明:", "填表人", "填报人", "审核人", "联系人:", "-备注")


def _is_note_line(cells) -> bool:
    """A 备注/填表人 line under the table (checked on the first filled cell only, cheaply)."""
    first = next((v for v in cells if v is not None and v != ""), None)
    if not isinstance(first, str) or first.lstrip()[:1] not in "备注说填审联-－":
        return False
    return normalise_text(first).startswith(NOTE_PREFIXES)


def _blank(value) -> bool:
    return value is None or value == "" or (isinstance(value, str) and not value.strip())


def parse_workbook(fileobj, *, kind: str, province_code: str, has_formulas: bool = True) -> list[ParsedRow]:
    """Every data row of the first sheet holding the attachment's table, validated.

    Whatever the parser raises on a damaged file becomes one Chinese sentence: no exception class or
    English text reaches the user.
    """
    try:
        return _parse(fileobj, kind=kind, province_code=province_code, has_formulas=has_formulas)
    except UploadRefused:
        raise
    except Exception:  # openpyxl and the XML parser raise many kinds for a broken file
        raise UploadRefused(UNREADABLE) from None


def _parse(fileobj, *, kind, province_code, has_formulas) -> list[ParsedRow]:
    spec = SPECS[kind]
    first_head = None
    for index, rows in _sheets(fileobj):
        head = _find_header(rows, spec)
        first_head = first_head or head
        if head.header_row is None:
            continue
        check_identity(head, spec, province_code)
        formulas = _formula_texts(fileobj, index, head) if has_formulas else {}
        # the parsed rows hold no reference cycles: Python's cycle collector, which would otherwise walk
        # every row kept so far again and again as they accumulate, is paused while they are made
        # (≈ 5 % of the parse's CPU time at 10,000 rows; issue 11)
        collecting = gc.isenabled()
        gc.disable()
        try:
            return _parse_rows(rows, head, formulas, spec=spec, province_code=province_code)
        finally:
            if collecting:
                gc.enable()
    if first_head is not None:
        check_identity(first_head, spec, province_code)
    headers = "、".join(c.header for c in spec.columns)
    raise UploadRefused(f"文件中没有找到{spec.attachment}《{spec.title}》的表头（{headers}），请使用本系统提供的模板")



def _parse_rows(rows, head: SheetHead, formulas, *, spec, province_code) -> list[ParsedRow]:
    parsed: list[ParsedRow] = []
    mapping = head.mapping
    for number, cells in enumerate(rows, start=head.header_row + 1):
        raw = {f: cells[i] if i < len(cells) else None for i, f in mapping.items()}
        formula_errors = {}
        if formulas:
            for index, fld in mapping.items():
                formula = formulas.get((number, index))
                if formula is None or not _blank(raw[fld]):
                    continue  # no formula, or one whose saved value is what the user saw
                column = spec.column(fld)
                if column.required:
                    formula_errors[fld] = f"第{number}行 {column.header} 是公式，请改为文字后重新上传"
                    raw[fld] = formula
                else:
                    raw[fld] = formula  # an optional text: the formula is kept as the text it is
        if all(_blank(v) for f, v in raw.items() if f):
            if _is_note_line(cells):
                break
            continue  # a blank row, or a numbered row left empty in the template
        if _is_note_line(cells):
            break
        if len(parsed) >= MAX_ROWS:
            raise UploadRefused(f"一次最多上传 {MAX_ROWS} 行，请拆分文件")
        clean, errors = spec.clean_row({c.field: raw.get(c.field) for c in spec.data_columns},
                                       province_code=province_code)
        warnings = spec.row_warnings(clean)
        errors.update(formula_errors)
        values = {}
        for column in spec.data_columns:
            key = column.field
            if key in clean and key not in formula_errors:
                values[key] = str(clean[key])
            else:
                values[key] = "" if raw.get(key) is None else str(raw.get(key))
        for column in spec.data_columns:
            if column.resolves and column.resolves in clean and column.field not in formula_errors:
                # the preview is JSON: the object as its id and full name (the commit takes the id)
                resolved = clean[column.resolves]
                values[f"{column.resolves}_id"] = resolved.pk
                values[f"{column.resolves}_name"] = place_full_name(resolved)
        parsed.append(ParsedRow(row=number, values=values, errors=errors, warnings=warnings))
    return parsed
