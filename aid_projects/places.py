"""Reading 项目拟实施地 into a division: the county of a need, the province or full path of a supply.

People write places the way they speak: 拉萨市城关区, 城关区, 西藏那曲色尼区, 甘孜州康定市, 阿坝州
马尔康, 四川省甘孜藏族自治州康定市某某乡某某村.  A name is accepted when it resolves to exactly one
division of the right province; an abbreviation (州 for 自治州, a county without 县) is accepted only
when it is unique.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from aid_projects.text import normalise_text
from portal.models import Authority, AuthorityLevel

# Prefecture names that are placeholders in GB/T 2260, not places (北京市 → 市辖区 → 东城区).
PSEUDO_PREFECTURES = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}

# The nationalities that appear in the names of autonomous prefectures and counties.
NATIONALITIES = (
    "藏族 羌族 彝族 蒙古族? 回族 哈萨克 柯尔克孜 维吾尔 傣族 景颇族 傈僳族 白族 哈尼族 壮族 苗族 布依族 侗族 土家族 "
    "朝鲜族 纳西族 瑶族 土族 撒拉族 东乡族 保安族 裕固族 满族 畲族 仡佬族 水族 黎族 毛南族 仫佬族 普米族 怒族 独龙族 "
    "拉祜族 佤族 布朗族 阿昌族 德昂族 基诺族 锡伯族 塔吉克 达斡尔族 鄂温克族 鄂伦春族 各族"
).split()
ETHNIC = "(?:" + "|".join(NATIONALITIES) + ")+"

# Short names in everyday use that cannot be derived from the full name.
PREFECTURE_ALIASES = {
    "巴音郭楞蒙古自治州": ("巴州",),
    "克孜勒苏柯尔克孜自治州": ("克州",),
    "博尔塔拉蒙古自治州": ("博州",),
}


def name_forms(name: str, level: str) -> set[str]:
    """The ways a division's name is written: 甘孜藏族自治州 → {甘孜藏族自治州, 甘孜州, 甘孜}."""
    forms = {name}
    base = None
    if level == AuthorityLevel.PROVINCE:
        m = re.match(r"^(.+?)(?:维吾尔|壮族|回族)?(?:自治区|省|市|特别行政区)$", name)
        base = m.group(1) if m else None
        if name == "新疆生产建设兵团":
            forms.add("兵团")
    elif level == AuthorityLevel.PREFECTURE:
        forms.update(PREFECTURE_ALIASES.get(name, ()))
        m = re.match(rf"^(.+?){ETHNIC}自治州$", name) or re.match(r"^(.+?)(?:地区|盟|市|州)$", name)
        if m:
            base = m.group(1)
            if name.endswith("自治州"):
                forms.add(base + "州")
        m = re.match(r"^(第[一二三四五六七八九十]+师)(.*)$", name)  # 第一师阿拉尔市
        if m:
            forms.update({m.group(1), m.group(2)} - {""})
    else:
        m = re.match(rf"^(.+?){ETHNIC}自治县$", name) or re.match(r"^(.+?)(?:县|市|区|旗)$", name)
        if m:
            base = m.group(1)
            if name.endswith("自治县"):
                forms.add(base + "县")
    if base and len(base) >= 2:
        forms.add(base)
    return forms


@dataclass
class ProvinceIndex:
    province: Authority
    # form → divisions; a list because an abbreviation may name two
    prefectures: dict[str, list[Authority]] = field(default_factory=dict)
    counties_under: dict[int, dict[str, list[Authority]]] = field(default_factory=dict)  # prefecture pk →
    counties: dict[str, list[Authority]] = field(default_factory=dict)  # every county of the province


@lru_cache(maxsize=64)
def province_index(province_code: str) -> ProvinceIndex:
    province = Authority.objects.get(code=province_code)
    index = ProvinceIndex(province=province)
    below = Authority.objects.filter(code__startswith=province.scope_prefix).exclude(pk=province.pk)
    prefectures = {}
    for a in below.filter(level=AuthorityLevel.PREFECTURE):
        prefectures[a.pk] = a
        if a.name not in PSEUDO_PREFECTURES:
            for form in name_forms(a.name, a.level):
                index.prefectures.setdefault(form, []).append(a)
    for a in below.filter(level=AuthorityLevel.COUNTY):
        a.parent = prefectures.get(a.parent_id, a.parent)
        for form in name_forms(a.name, a.level):
            index.counties.setdefault(form, []).append(a)
            index.counties_under.setdefault(a.parent_id, {}).setdefault(form, []).append(a)
    return index


@lru_cache(maxsize=1)
def province_forms() -> list[tuple[str, str]]:
    """(form, code) of every provincial-level authority, longest form first."""
    pairs = []
    for a in Authority.objects.provinces():
        for form in name_forms(a.name, a.level):
            pairs.append((form, a.code))
    return sorted(pairs, key=lambda p: -len(p[0]))


_FULL_NAMES: dict[int, str] = {}


def place_full_name(place: Authority) -> str:
    """``place.full_name``, computed once per division (a list names the same few dozen over and over)."""
    name = _FULL_NAMES.get(place.pk)
    if name is None:
        name = _FULL_NAMES[place.pk] = place.full_name
    return name


def clear_caches(**kwargs) -> None:
    """Forget the cached indexes (connected to ``portal.reference.reference_loaded``)."""
    _FULL_NAMES.clear()
    province_index.cache_clear()
    province_forms.cache_clear()
    resolve_need_place.cache_clear()


class PlaceError(ValueError):
    """A place that does not resolve; the message is for the submitter (Chinese)."""


def _strip_prefix(text: str, forms) -> list[tuple[str, object]]:
    """Every (rest, value) for a form the text starts with."""
    return [(text[len(form):], value) for form, value in forms if text.startswith(form)]


def province_of_text(text: str) -> str | None:
    """The code of the province ``text`` starts with (西藏自治区民政厅 → 540000), or None."""
    return _split_province(normalise_text(text))[0]


def _split_province(text: str) -> tuple[str | None, str]:
    for form, code in province_forms():
        if text.startswith(form):
            return code, text[len(form):]
    return None, text


def _county_candidates(index: ProvinceIndex, text: str) -> list[tuple[Authority, str]]:
    """Counties named at the start of ``text`` (after the province), with what follows them."""
    found: dict[int, tuple[Authority, str]] = {}
    # 州 + 县
    for rest, prefs in _strip_prefix(text, index.prefectures.items()):
        for pref in prefs:
            for rest2, counties in _strip_prefix(rest, index.counties_under.get(pref.pk, {}).items()):
                for county in counties:
                    _keep_longest(found, county, rest2)
    # 县 alone
    for rest, counties in _strip_prefix(text, index.counties.items()):
        for county in counties:
            _keep_longest(found, county, rest)
    return list(found.values())


def _keep_longest(found, county, rest):
    # of two readings of the same county keep the one that consumed more text
    if county.pk not in found or len(rest) < len(found[county.pk][1]):
        found[county.pk] = (county, rest)


@lru_cache(maxsize=8192)  # a list names the same few dozen counties over and over
def resolve_need_place(province_code: str, text: str) -> Authority:
    """The county of ``province_code`` that ``text`` names (填报到县级)."""
    raw = normalise_text(text)
    if not raw:
        raise PlaceError("请填写项目拟实施地（填报到县级）")
    code, rest = _split_province(raw)
    if code is not None and code != province_code:
        raise PlaceError(f"“{text}”不在本省（区）范围内，需求清单只能填报本省（区）的县")
    index = province_index(province_code)
    candidates = _county_candidates(index, rest)
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
    code, rest = _split_province(raw)
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
    candidates = _county_candidates(index, rest)
    if len(candidates) == 1:
        return candidates[0][0]
    raise PlaceError(f"“{text}”中{index.province.name}以下的地市未能识别，"
                     "请写出完整的行政区域，如“××省××州××县××乡××村”")
