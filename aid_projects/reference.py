"""The central pairing table (对口支援关系) as reference data: read, resolved to authorities, reloaded.

``portal.reference.load_reference`` calls :func:`load_reference` here through the ``app_modules``
hook, after the authorities exist.  A reload brings the database in line with
``aid_projects/data/pairings.csv`` without losing anything (see docs/PAIRINGS.md):

- every row of the table has a stable key (``Pairing.table_key``: program, aiding authority,
  recipient province and prefecture, plus ``#2``… for a second row of the same four), so a corrected
  note or county list updates the row instead of adding a new one;
- validity dates come from the table's ``valid_from``/``valid_to`` columns: a pairing that ended is
  closed (history), never deleted;
- a row a ministry user edited in the browser (``edited_at`` set) is never overwritten; the reload
  reports what the table would have changed instead;
- table rows that are no longer in the file are left as they are and reported;
- a second reload changes nothing.
"""

from __future__ import annotations

import csv
import datetime
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from portal.audit import record_change, snapshot, stored_snapshot
from portal.models import AuditAction, Authority, AuthorityLevel

PAIRINGS_CSV = Path(settings.BASE_DIR) / "aid_projects" / "data" / "pairings.csv"

# 新一轮对口援疆 (2010 全国对口支援新疆工作会议): the table's 援疆 rows hold from 2010 unless they say otherwise
XINJIANG_ROUND_START = datetime.date(2010, 1, 1)

# the fields the table sets, in the order the report names them
TABLE_FIELDS = ("aiding_authority", "aiding_unit_label", "recipient_province", "recipient_area",
                "recipient_area_label", "recipient_counties_label", "level", "confidence", "source_note",
                "valid_from", "valid_to")


# --- resolving the table's labels to authorities --------------------------------------------------
def _clean(label: str) -> str:
    return re.sub(r"[（(].*?[)）]", "", label).strip()


def _division_ordinal(name: str) -> str | None:
    m = re.match(r"^第[一二三四五六七八九十]+师", name)
    return m.group(0) if m else None


def resolve_area(province: Authority, label: str) -> Authority | None:
    """A prefecture (or 兵团 division) of ``province`` named by ``label`` ('第十四师(昆玉市)', '拉萨市')."""
    if not label:
        return None
    m = re.match(r"^(第[一二三四五六七八九十]+师)", label)
    candidates = Authority.objects.filter(level=AuthorityLevel.PREFECTURE, parent=province)
    if m:
        # 第一师 must not match 第十一师: compare the whole ordinal
        found = [a for a in candidates if _division_ordinal(a.name) == m.group(1)]
        return found[0] if len(found) == 1 else None
    name = _clean(label)
    found = [a for a in candidates if a.name == name]
    return found[0] if len(found) == 1 else None


def resolve_counties(area: Authority | None, label: str) -> list[Authority]:
    """The counties of ``area`` named in ``label`` ('八宿县(福州);左贡县(厦门)', '维西县', '木垒县').

    A name in brackets is a remark (the aiding city, a date) and is dropped.  A name the gazetteer
    writes longer (维西县 → 维西傈僳族自治县, 木垒县 → 木垒哈萨克自治县) matches when exactly one
    county of the area starts with it.  What is not a county — a 兵团 regiment (二二一团), a
    development zone (霍尔果斯经济开发区), 州直, '(全州)' — resolves to nothing and stays as text.
    """
    if area is None or not label:
        return []
    counties = list(Authority.objects.filter(level=AuthorityLevel.COUNTY, parent=area))
    found = []
    for raw in re.split(r"[;；、,，]", label):
        name = _clean(raw)
        if not name:
            continue
        exact = [c for c in counties if c.name == name]
        stem = re.sub(r"[县市区]$", "", name)
        longer = [c for c in counties if len(stem) >= 2 and c.name.startswith(stem) and c.name.endswith(name[-1])]
        match = exact or (longer if len(longer) == 1 else [])
        found.extend(c for c in match if c not in found)
    return found


def resolve_aiding(label: str) -> Authority | None:
    name = _clean(label)
    name = re.sub(r"内$", "", name)  # 四川省内(成都市等): intra-provincial aid
    found = Authority.objects.filter(name=name, level__in=[AuthorityLevel.PROVINCE, AuthorityLevel.PREFECTURE])
    provinces = [a for a in found if a.level == AuthorityLevel.PROVINCE]
    if provinces:
        return provinces[0]
    # a city such as 深圳市 (name is unique among prefectures in that case)
    return found[0] if len(found) == 1 else None


def pairing_key(program: str, aiding: Authority, province: Authority, area: Authority | None,
                area_label: str) -> str:
    """The table row's identity: what a corrected note, county list or aiding-unit label leaves alone."""
    return "|".join([program, aiding.code, province.code, area.code if area else _clean(area_label)])


def _date(text: str) -> datetime.date | None:
    text = (text or "").strip()
    return datetime.date.fromisoformat(text) if text else None


# --- reading the table ------------------------------------------------------------------------------
@dataclass
class TableRow:
    line: int
    program: str
    key: str
    values: dict
    counties: list[Authority] = field(default_factory=list)


def read_table(path: Path = PAIRINGS_CSV) -> tuple[list[TableRow], list[str]]:
    """The table's rows resolved to authorities, keyed; and the lines that could not be resolved."""
    provinces = {a.name: a for a in Authority.objects.provinces()}
    rows, unresolved, seen = [], [], Counter()
    with open(path, encoding="utf-8") as fh:
        for line_no, line in enumerate(csv.DictReader(fh), start=2):
            recipient = provinces.get(line["recipient_province"])
            aiding = resolve_aiding(line["aiding_unit"])
            if recipient is None or aiding is None:
                unresolved.append(f"第{line_no}行 {line['aiding_unit']}→{line['recipient_province']}")
                continue
            area = resolve_area(recipient, line["recipient_prefecture"])
            key = pairing_key(line["program"], aiding, recipient, area, line["recipient_prefecture"])
            seen[key] += 1
            if seen[key] > 1:  # a second row for the same aiding unit and prefecture (江苏→伊犁州: 霍尔果斯)
                key = f"{key}#{seen[key]}"
            valid_from = _date(line.get("valid_from", ""))
            if valid_from is None and line["program"] == "援疆":
                valid_from = XINJIANG_ROUND_START
            values = dict(
                aiding_authority=aiding, aiding_unit_label=line["aiding_unit"], recipient_province=recipient,
                recipient_area=area, recipient_area_label=line["recipient_prefecture"],
                recipient_counties_label=line["recipient_counties_or_divisions"], level=line["level"],
                confidence=line["confidence"], source_note=line["source_note"][:300],
                valid_from=valid_from, valid_to=_date(line.get("valid_to", "")),
            )
            rows.append(TableRow(line=line_no, program=line["program"], key=key, values=values,
                                 counties=resolve_counties(area, line["recipient_counties_or_divisions"])))
    return rows, unresolved


# --- reloading ------------------------------------------------------------------------------------------
def _differences(pairing, row: TableRow) -> list[str]:
    """The verbose names of the fields where ``pairing`` differs from the table's ``row``."""
    opts = pairing._meta
    changed = [str(opts.get_field(name).verbose_name) for name in TABLE_FIELDS
               if getattr(pairing, name) != row.values[name]]
    if {c.pk for c in pairing.recipient_counties.all()} != {c.pk for c in row.counties}:
        changed.append(str(opts.get_field("recipient_counties").verbose_name))
    return changed


def _describe(pairing) -> str:
    target = pairing.recipient_area.name if pairing.recipient_area else pairing.recipient_area_label
    return f"#{pairing.pk} {pairing.aiding_unit_label or pairing.aiding_authority.name}→" \
           f"{pairing.recipient_province.name}{target}（{pairing.program}）"


@transaction.atomic
def load_pairings(path: Path = PAIRINGS_CSV) -> dict:
    """Bring the pairing rows in line with the table at ``path``; return what was done and what was left.

    ``kept_edited``: rows the table would change but a ministry user edited in the browser (untouched);
    ``not_in_table``: rows loaded from an earlier table that this one no longer has (untouched).
    """
    from aid_projects.models import Pairing

    rows, unresolved = read_table(path)
    existing = {p.table_key: p for p in Pairing.objects.exclude(table_key="").select_related(
        "aiding_authority", "recipient_province", "recipient_area", "edited_by").prefetch_related(
        "recipient_counties")}
    created = updated = unchanged = 0
    kept_edited: list[str] = []
    # the first load fills an empty table (reference data); what a reload changes is audited
    audit = bool(existing)
    for row in rows:
        pairing = existing.pop(row.key, None)
        if pairing is None:
            pairing = Pairing.objects.create(program=row.program, table_key=row.key, **row.values)
            pairing.recipient_counties.set(row.counties)
            if audit:
                record_change(actor=None, action=AuditAction.CREATE, obj=pairing, after=snapshot(pairing),
                              note="对口支援关系表重新载入：新增")
            created += 1
            continue
        changed = _differences(pairing, row)
        if not changed:
            unchanged += 1
            continue
        if pairing.edited_at is not None:
            # 部里在页面上改过的行：不覆盖，只报告
            who = pairing.edited_by.display_name if pairing.edited_by else "（账号已删除）"
            kept_edited.append(f"{_describe(pairing)}：{who} 于 "
                               f"{timezone.localtime(pairing.edited_at):%Y-%m-%d %H:%M} 修改过，"
                               f"表中不同的字段（{'、'.join(changed)}）未覆盖")
            continue
        before = stored_snapshot(pairing)
        for name, value in row.values.items():
            setattr(pairing, name, value)
        pairing.full_clean(validate_unique=False)
        pairing.save()
        pairing.recipient_counties.set(row.counties)
        record_change(actor=None, action=AuditAction.UPDATE, obj=pairing, before=before, after=snapshot(pairing),
                      note="对口支援关系表重新载入：" + "、".join(changed))
        updated += 1
    not_in_table = [f"{_describe(p)}：表中已无此行，保留未动" for p in existing.values()]
    return {"created": created, "updated": updated, "unchanged": unchanged, "kept_edited": kept_edited,
            "not_in_table": not_in_table, "unresolved": unresolved, "total": len(rows)}


def load_reference() -> dict:
    """The hook ``portal.reference.load_reference`` calls for this app."""
    return {"pairings": load_pairings()}


def integrity_report():
    """The pairing table's part of the reference-data integrity report (``portal.jobs_builtin``):
    pairings received and given per province, and the pairings whose prefecture did not resolve."""
    from aid_projects.models import Pairing
    from portal.reference import IntegrityPart, IntegritySheet

    def province_row(province: Authority) -> tuple[list, list[str]]:
        received = Pairing.objects.filter(recipient_province=province).count()
        given = Pairing.objects.filter(aiding_authority__code__startswith=province.code[:2]).count()
        problems = []
        if province.is_aid_recipient and received == 0:
            problems.append("受援地无对口支援关系")
        if not province.is_aid_recipient and given == 0:
            problems.append("无对口支援任务（表格待补充）")
        return [received, given], problems

    def unresolved():
        for pairing in Pairing.objects.filter(recipient_area__isnull=True).select_related("aiding_authority",
                                                                                           "recipient_province"):
            yield [pairing.pk, pairing.aiding_unit_label, pairing.recipient_province.name,
                   pairing.recipient_area_label, "受援地市未能对应到区划"]

    return IntegrityPart(
        columns=["结对（受援）", "结对（支援）"], province_row=province_row,
        sheets=[IntegritySheet("未识别的结对", ["编号", "支援方", "受援省份", "受援地市/师（原文）", "说明"],
                               unresolved)],
    )

