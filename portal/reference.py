"""Reference data: the registration authorities (from GB/T 2260 division data), then each app's own.

Idempotent: authorities are matched on their division code, so running it again updates names and
adds what is new without duplicating anything.  An app with a ``reference.py`` module holding
``load_reference() -> dict`` loads its own reference data after the authorities (aid_projects: the
central pairing table, see aid_projects/reference.py); its result is merged into ours.  The same
module may hold ``integrity_report() -> IntegrityPart``: its tables' part of the reference-data
integrity report (``portal.jobs_builtin.reference_integrity``).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.dispatch import Signal

from portal.app_modules import app_modules
from portal.models import BINGTUAN_CODE, MINISTRY_CODE, Authority, AuthorityLevel

DATA_DIR = Path(settings.BASE_DIR) / "portal" / "data" / "divisions"

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


def load_reference() -> dict[str, dict]:
    from portal.roles import sync_roles

    result = {"authorities": load_authorities()}
    for module in app_modules("reference"):
        result.update(module.load_reference())
    sync_roles()
    reference_loaded.send(sender=load_reference)
    return result


# --- the integrity report's parts (an app's ``reference.integrity_report()``) ------------------------
@dataclass
class IntegritySheet:
    title: str
    headers: Sequence[str]
    rows: Callable[[], Iterable[Sequence]]  # each row is one problem found


@dataclass
class IntegrityPart:
    """An app's columns on the report's sheet of provinces (before 问题) and its own sheets."""

    columns: Sequence[str]
    province_row: Callable[[Authority], tuple[list, list[str]]]  # the province's values and its problems
    sheets: Sequence[IntegritySheet] = field(default_factory=list)


def integrity_parts() -> list[IntegrityPart]:
    return [module.integrity_report() for module in app_modules("reference") if hasattr(module, "integrity_report")]

