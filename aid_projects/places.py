"""Reading 项目拟实施地 into a division: the county of a need, the province or full path of a supply.

The names, abbreviations and aliases are the gazetteer's (``portal/gazetteer.py``); the rules here
are the notice's: a need is filed down to the county (填报到县级) of the filer's own province, a supply
names a province or a full path 省…州…县…乡…村 (四川省甘孜藏族自治州康定市某某乡某某村).  A name is
accepted when it resolves to exactly one division of the right province; an abbreviation (州 for
自治州, a county without 县) is accepted only when it is unique.
"""

from __future__ import annotations

from functools import lru_cache

from portal.gazetteer import county_candidates, province_index, split_province
from portal.models import Authority
from portal.text import normalise_text


def clear_caches(**kwargs) -> None:
    """Forget the resolved places (connected to ``portal.reference.reference_loaded``; the gazetteer's
    own indexes are cleared by its receiver)."""
    resolve_need_place.cache_clear()


class PlaceError(ValueError):
    """A place that does not resolve; the message is for the submitter (Chinese)."""


@lru_cache(maxsize=8192)  # a list names the same few dozen counties over and over
def resolve_need_place(province_code: str, text: str) -> Authority:
    """The county of ``province_code`` that ``text`` names (填报到县级)."""
    raw = normalise_text(text)
    if not raw:
        raise PlaceError("请填写项目拟实施地（填报到县级）")
    code, rest = split_province(raw)
    if code is not None and code != province_code:
        raise PlaceError(f"“{text}”不在本省（区）范围内，需求清单只能填报本省（区）的县")
    index = province_index(province_code)
    candidates = county_candidates(index, rest)
    exact = [c for c in candidates if c[1] == ""]
    chosen = exact or candidates
    if len(chosen) == 1:
        return chosen[0][0]
    if not chosen:
        # a 兵团 division (师) has no counties in GB/T 2260: the division itself is the place
        prefs = index.prefectures.get(rest, [])
        if province_code == "660000" and len(prefs) == 1:
            return prefs[0]
        raise PlaceError(f"“{text}”未能对应到本省（区）的县级行政区，请填写到县级，如“拉萨市城关区”")
    names = "、".join(sorted({c[0].full_name for c in chosen}))
    raise PlaceError(f"“{text}”可能是多个地方（{names}），请写明所属地市")


def resolve_supply_place(text: str) -> Authority:
    """A province (most supply lists), or the deepest division of a full path 省…州…县…乡…村."""
    raw = normalise_text(text)
    if not raw:
        raise PlaceError("请填写项目拟实施地")
    code, rest = split_province(raw)
    if code is None:
        raise PlaceError(f"“{text}”应以省（区、市）开头，如“西藏自治区”或“××省××州××县××乡××村”")
    index = province_index(code)
    if not rest:
        return index.province
    for form in sorted(index.prefectures, key=len, reverse=True):
        if rest.startswith(form) and len(index.prefectures[form]) == 1:
            prefecture = index.prefectures[form][0]
            rest2 = rest[len(form):]
            if not rest2:
                return prefecture
            counties = index.counties_under.get(prefecture.pk, {})
            for cform in sorted(counties, key=len, reverse=True):
                if rest2.startswith(cform) and len(counties[cform]) == 1:
                    return counties[cform][0]
            raise PlaceError(f"“{text}”中{prefecture.name}以下的县级行政区未能识别，请写出完整的行政区域")
    # municipalities and 直辖县: the county follows the province directly
    candidates = county_candidates(index, rest)
    if len(candidates) == 1:
        return candidates[0][0]
    raise PlaceError(f"“{text}”中{index.province.name}以下的地市未能识别，"
                     "请写出完整的行政区域，如“××省××州××县××乡××村”")
