"""The gazetteer: division names (GB/T 2260 and the 兵团's divisions) → registration authorities.

Shared by every app that reads a place someone typed: aid_projects (项目拟实施地, see
``aid_projects/places.py`` for its need/supply rules on top) and crackdown (a report's or a lead's
place, ``crackdown.selectors.resolve_place``).  People write places the way they speak: 拉萨市城关区,
城关区, 西藏那曲色尼区, 甘孜州康定市, 阿坝州马尔康; ``name_forms`` gives every way a division's name is
written, and the indexes below map those forms back to authorities.

The indexes hold ``Authority`` rows: ``clear_caches`` drops them when the reference data is reloaded
(connected to ``portal.reference.reference_loaded`` in ``portal.apps``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from portal import choice_cache
from portal.models import Authority, AuthorityLevel
from portal.text import normalise_text

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
BINGTUAN_ALIASES = ("兵团",)  # 新疆生产建设兵团

# A province's name without its kind: 新疆维吾尔自治区 → 新疆, 河北省 → 河北, 北京市 → 北京.
PROVINCE_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "特别行政区", "省", "市")


def province_short_name(name: str) -> str:
    """新疆维吾尔自治区 → 新疆, 河北省 → 河北; a name with no such ending (新疆生产建设兵团) stays whole."""
    for suffix in PROVINCE_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def name_forms(name: str, level: str) -> set[str]:
    """The ways a division's name is written: 甘孜藏族自治州 → {甘孜藏族自治州, 甘孜州, 甘孜}."""
    forms = {name}
    base = None
    if level == AuthorityLevel.PROVINCE:
        base = province_short_name(name)
        if name == "新疆生产建设兵团":
            forms.update(BINGTUAN_ALIASES)
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


def province_of(authority: Authority) -> Authority:
    """The provincial-level authority an authority belongs to (the ministry is its own)."""
    if authority.is_ministry or authority.level == AuthorityLevel.PROVINCE:
        return authority
    return Authority.objects.get(code=authority.code[:2] + "0000")


# --- indexes, one per province ----------------------------------------------------------------------
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
    below = Authority.objects.within(province).exclude(pk=province.pk)
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


_full_names_generation: int | None = None  # the authorities' generation ``_FULL_NAMES`` was computed under


def full_names(pks) -> dict[int, str]:
    """``full_name`` of the divisions ``pks`` (ids), from the names computed once per division: one query for
    those not yet known, with their parents up to the province (a list page names the same few dozen).
    The names are forgotten when the authorities' generation changes (``portal.choice_cache``: any save or
    delete of an authority and every reference load, in whichever process)."""
    global _full_names_generation
    generation = choice_cache.generations()["portal.authority"]
    if generation != _full_names_generation:
        _FULL_NAMES.clear()
        _full_names_generation = generation
    missing = {pk for pk in pks if pk is not None and pk not in _FULL_NAMES}
    if missing:
        for place in Authority.objects.select_related("parent__parent__parent").filter(pk__in=missing):
            place_full_name(place)
    return {pk: _FULL_NAMES[pk] for pk in pks if pk is not None}


def clear_caches(**kwargs) -> None:
    """Forget the cached indexes (connected to ``portal.reference.reference_loaded``)."""
    _FULL_NAMES.clear()
    province_index.cache_clear()
    province_forms.cache_clear()


# --- reading a typed place ---------------------------------------------------------------------------
def strip_prefix(text: str, forms) -> list[tuple[str, object]]:
    """Every (rest, value) for a form the text starts with."""
    return [(text[len(form):], value) for form, value in forms if text.startswith(form)]


def split_province(text: str) -> tuple[str | None, str]:
    """(code of the province ``text`` starts with, what follows it); (None, text) if it names none."""
    for form, code in province_forms():
        if text.startswith(form):
            return code, text[len(form):]
    return None, text


def province_of_text(text: str) -> str | None:
    """The code of the province ``text`` starts with (西藏自治区民政厅 → 540000), or None."""
    return split_province(normalise_text(text))[0]


def county_candidates(index: ProvinceIndex, text: str) -> list[tuple[Authority, str]]:
    """Counties named at the start of ``text`` (after the province), with what follows them."""
    found: dict[int, tuple[Authority, str]] = {}
    # 州 + 县
    for rest, prefs in strip_prefix(text, index.prefectures.items()):
        for pref in prefs:
            for rest2, counties in strip_prefix(rest, index.counties_under.get(pref.pk, {}).items()):
                for county in counties:
                    _keep_longest(found, county, rest2)
    # 县 alone
    for rest, counties in strip_prefix(text, index.counties.items()):
        for county in counties:
            _keep_longest(found, county, rest)
    return list(found.values())


def _keep_longest(found, county, rest):
    # of two readings of the same county keep the one that consumed more text
    if county.pk not in found or len(rest) < len(found[county.pk][1]):
        found[county.pk] = (county, rest)


LEVEL_RANK = {AuthorityLevel.PROVINCE: 1, AuthorityLevel.PREFECTURE: 2, AuthorityLevel.COUNTY: 3}


def area_named_in(text: str) -> Authority | None:
    """The most specific division named anywhere in ``text`` (县 before 市 before 省; of two at the same
    level the longer name), a province also by its short name (河北, 新疆); None if none is named."""
    best = None
    for authority in Authority.objects.exclude(level=AuthorityLevel.MINISTRY).only("code", "name", "level"):
        name = authority.name
        is_province = authority.level == AuthorityLevel.PROVINCE
        short = province_short_name(name) if is_province else name
        if name in PSEUDO_PREFECTURES or len(short) < 2:
            continue
        if name in text or (is_province and short in text):
            rank = LEVEL_RANK[authority.level]
            if best is None or rank > best[0] or (rank == best[0] and len(name) > len(best[1].name)):
                best = (rank, authority)
    return best[1] if best else None
