"""Reference data: the registration authorities (from GB/T 2260 division data) and the pairing table.

Idempotent: rows are matched on their natural keys (division code; the pairing's source line), so
running it again updates names and adds what is new without duplicating anything.  Pairing rows a
ministry user edited in the browser keep their edits: only rows still missing are created.
"""

from __future__ import annotations

import csv
import datetime
import re
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.dispatch import Signal

from portal.models import BINGTUAN_CODE, MINISTRY_CODE, Authority, AuthorityLevel

DATA_DIR = Path(settings.BASE_DIR) / "portal" / "data" / "divisions"
PAIRINGS_CSV = Path(settings.BASE_DIR) / "aid_projects" / "data" / "pairings.csv"

# Sent after the reference data is (re)loaded: apps drop what they cached of it (place-name indexes).
reference_loaded = Signal()

# 西藏、新疆、青海、四川、甘肃、云南 and 兵团 file attachments 1 and 2.
AID_RECIPIENT_CODES = {"540000", "650000", "630000", "510000", "620000", "530000", BINGTUAN_CODE}

BINGTUAN_DIVISIONS = [
    "第一师阿拉尔市", "第二师铁门关市", "第三师图木舒克市", "第四师可克达拉市", "第五师双河市",
    "第六师五家渠市", "第七师胡杨河市", "第八师石河子市", "第九师白杨市", "第十师北屯市",
    "第十一师", "第十二师", "第十三师新星市", "第十四师昆玉市",
]


def _read(name):
    with open(DATA_DIR / name, encoding="utf-8") as fh:
        yield from csv.DictReader(fh)


def authority_rows():
    """(code, name, level, parent_code) for every authority, parents first."""
    yield MINISTRY_CODE, "民政部", AuthorityLevel.MINISTRY, None
    for row in _read("provinces.csv"):
        yield row["code"].ljust(6, "0"), row["name"], AuthorityLevel.PROVINCE, None
    yield BINGTUAN_CODE, "新疆生产建设兵团", AuthorityLevel.PROVINCE, None
    for row in _read("cities.csv"):
        yield row["code"].ljust(6, "0"), row["name"], AuthorityLevel.PREFECTURE, row["provinceCode"].ljust(6, "0")
    for i, name in enumerate(BINGTUAN_DIVISIONS, start=1):
        yield f"66{i:02d}00", name, AuthorityLevel.PREFECTURE, BINGTUAN_CODE
    for row in _read("areas.csv"):
        parent = row["cityCode"].ljust(6, "0")
        if row["code"] == parent:
            # 不设区的地级市 (东莞市, 中山市, 儋州市): the prefecture is its own county level
            continue
        yield row["code"], row["name"], AuthorityLevel.COUNTY, parent


# parents before children: each level's insert finds its parents already in the table
LEVELS = [AuthorityLevel.MINISTRY, AuthorityLevel.PROVINCE, AuthorityLevel.PREFECTURE, AuthorityLevel.COUNTY]


@transaction.atomic
def load_authorities() -> dict[str, int]:
    """Every division into a temporary table by one COPY, then set-based: one INSERT per level for
    what is new, one UPDATE for what changed (name, level, parent, recipient flag)."""
    table = connection.ops.quote_name(Authority._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS pg_temp.authority_load")
        cursor.execute(
            "CREATE TEMPORARY TABLE authority_load (code varchar(6) PRIMARY KEY, name varchar(64), "
            "level varchar(12), parent_code varchar(6), is_aid_recipient boolean) ON COMMIT DROP"
        )
        with cursor.copy("COPY authority_load (code, name, level, parent_code, is_aid_recipient) FROM STDIN") as copy:
            for code, name, level, parent_code in authority_rows():
                copy.write_row((code, name, str(level), parent_code, code in AID_RECIPIENT_CODES))
        created = 0
        for level in LEVELS:
            cursor.execute(
                f"INSERT INTO {table} (code, name, level, parent_id, is_aid_recipient) "
                f"SELECT l.code, l.name, l.level, p.id, l.is_aid_recipient FROM authority_load l "
                f"LEFT JOIN {table} p ON p.code = l.parent_code "
                f"WHERE l.level = %s AND NOT EXISTS (SELECT 1 FROM {table} a WHERE a.code = l.code) ORDER BY l.code",
                [str(level)],
            )
            created += cursor.rowcount
        cursor.execute(
            f"UPDATE {table} a SET name = l.name, level = l.level, parent_id = p.id, is_aid_recipient = "
            f"l.is_aid_recipient FROM authority_load l LEFT JOIN {table} p ON p.code = l.parent_code "
            f"WHERE a.code = l.code AND (a.name, a.level, a.parent_id, a.is_aid_recipient) "
            f"IS DISTINCT FROM (l.name, l.level, p.id, l.is_aid_recipient)"
        )
        updated = cursor.rowcount
        cursor.execute(f"SELECT count(*) FROM {table}")
        (total,) = cursor.fetchone()
    return {"created": created, "updated": updated, "total": total}


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
    if area is None or not label:
        return []
    names = [n.strip() for n in re.split(r"[;；、,，]", label) if n.strip()]
    counties = {c.name: c for c in Authority.objects.filter(level=AuthorityLevel.COUNTY, parent=area)}
    return [counties[n] for n in names if n in counties]


def resolve_aiding(label: str) -> Authority | None:
    name = _clean(label)
    name = re.sub(r"内$", "", name)  # 四川省内(成都市等): intra-provincial aid
    found = Authority.objects.filter(name=name, level__in=[AuthorityLevel.PROVINCE, AuthorityLevel.PREFECTURE])
    provinces = [a for a in found if a.level == AuthorityLevel.PROVINCE]
    if provinces:
        return provinces[0]
    # a city such as 深圳市 (name is unique among prefectures in that case)
    return found[0] if len(found) == 1 else None


@transaction.atomic
def load_pairings() -> dict[str, int]:
    from aid_projects.models import Pairing

    created = skipped = 0
    unresolved = []
    provinces = {a.name: a for a in Authority.objects.provinces()}
    with open(PAIRINGS_CSV, encoding="utf-8") as fh:
        for line in csv.DictReader(fh):
            recipient = provinces.get(line["recipient_province"])
            aiding = resolve_aiding(line["aiding_unit"])
            if recipient is None or aiding is None:
                unresolved.append(line["aiding_unit"] + "→" + line["recipient_province"])
                continue
            key = dict(
                program=line["program"],
                aiding_unit_label=line["aiding_unit"],
                recipient_province=recipient,
                recipient_area_label=line["recipient_prefecture"],
                recipient_counties_label=line["recipient_counties_or_divisions"],
            )
            if Pairing.objects.filter(**key).exists():
                skipped += 1
                continue
            area = resolve_area(recipient, line["recipient_prefecture"])
            pairing = Pairing.objects.create(
                **key,
                aiding_authority=aiding,
                recipient_area=area,
                level=line["level"],
                confidence=line["confidence"],
                source_note=line["source_note"][:300],
                valid_from=datetime.date(2010, 1, 1) if line["program"] == "援疆" else None,
            )
            pairing.recipient_counties.set(resolve_counties(area, line["recipient_counties_or_divisions"]))
            created += 1
    return {"created": created, "existing": skipped, "unresolved": len(unresolved)}


def load_reference() -> dict[str, dict]:
    from portal.roles import sync_roles

    result = {"authorities": load_authorities(), "pairings": load_pairings()}
    sync_roles()
    reference_loaded.send(sender=load_reference)
    return result
