"""A large, valid need list (附件2) for the upload benchmark.

    make_need_workbook(path, rows=10000, province="540000")

writes ``rows`` rows in the attachment's form (title, 单位 line, header, numbered rows, 备注), every
row valid: a county of the province written the way people write it (拉萨市城关区), a category of
the notice, an amount of at most 200万元 with two decimals, a mainland mobile.  It reads county names
from the database, so Django must be set up (the upload benchmark has done that already).

Run alone: ``.venv/bin/python -m bench aid_upload_data [path] [rows] [province]`` (uses the bench
database of ``bench/aid_national.py``).
"""

from __future__ import annotations

import random
import sys
from decimal import Decimal

SUMMARIES = (
    "为当地群众提供技能培训，带动就业增收",
    "改善乡村小学办学条件，购置教学设备和图书",
    "为县医院培训医护人员，开展义诊巡诊",
    "组织志愿者开展支教和社会工作服务",
    "帮助销售当地特色农畜产品，拓宽销售渠道",
    "建设村级文化活动室，丰富群众文化生活",
)
MOBILE_PREFIXES = ("139", "138", "137", "136", "135", "150", "151", "152", "158", "186", "187", "189", "133", "177")
CONTACTS = ("次仁", "扎西", "卓玛", "央金", "阿依古丽", "买买提", "王建国", "李红", "张伟", "马明")


def county_places(province: str) -> list[tuple[str, object]]:
    """(place text, Authority) for every county of the province whose text resolves back to it —
    a 兵团 division where the province has no counties."""
    from aid_projects.places import PlaceError, resolve_need_place
    from portal.models import Authority, AuthorityLevel

    top = Authority.objects.get(code=province)
    below = Authority.objects.within(top).select_related("parent__parent")
    places = list(below.filter(level=AuthorityLevel.COUNTY)) or list(below.filter(level=AuthorityLevel.PREFECTURE))
    names = []
    for place in places:
        text = place.full_name.removeprefix(top.name) or place.name  # 拉萨市城关区
        try:
            if resolve_need_place(province, text).pk == place.pk:
                names.append((text, place))
        except PlaceError:
            continue
    if not names:
        raise RuntimeError(f"{top.name}没有可用的县级区划，先加载基础数据")
    return names


def county_names(province: str) -> list[str]:
    return [text for text, _ in county_places(province)]


def need_rows(rows: int, province: str, seed: int = 2025):
    """The rows as tuples in NEED_SPEC.data_columns order (name, category, place, summary, amount, contact, mobile)."""
    from aid_projects.sheets import CATEGORIES

    rng = random.Random(seed)
    places = county_names(province)
    for i in range(1, rows + 1):
        category = CATEGORIES[i % len(CATEGORIES)]
        place = places[i % len(places)]
        amount = Decimal(rng.randint(100, 20000)) / 100  # 1.00 – 200.00 万元
        mobile = rng.choice(MOBILE_PREFIXES) + f"{rng.randint(0, 99_999_999):08d}"
        yield (f"{place}{category}项目第{i}号", category, place, rng.choice(SUMMARIES), amount,
               rng.choice(CONTACTS), mobile)


def make_need_workbook(path, rows: int = 10000, province: str = "540000") -> int:
    """Write a valid ``rows``-row need list of ``province`` in attachment 2's form; returns the row count."""
    from aid_projects.sheets import NEED_SPEC
    from aid_projects.writer import write_attachment
    from portal.models import Authority

    unit = Authority.objects.get(code=province).bureau_name
    return write_attachment(path, NEED_SPEC, unit, need_rows(rows, province))


if __name__ == "__main__":
    from bench.aid_national import setup_django

    setup_django()
    target = sys.argv[1] if len(sys.argv) > 1 else "need-10000.xlsx"
    count = make_need_workbook(target, int(sys.argv[2]) if len(sys.argv) > 2 else 10000,
                               sys.argv[3] if len(sys.argv) > 3 else "540000")
    print(f"已写入 {target}：{count} 行")
