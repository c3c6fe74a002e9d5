"""One set of rules for a need/supply row, whether it was typed in the browser or read from a file.

Each rule takes what the user wrote and returns the normalised value, or raises ``RowError`` with a
Chinese message; amounts over 200万元 are a warning the submitter must confirm (通知: 资金需求量一般
不超过200万元).
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from aid_projects.choices import ListKind
from aid_projects.places import PlaceError, resolve_need_place, resolve_supply_place
from aid_projects.sheets import CATEGORIES
from portal import phones
from portal.gazetteer import place_full_name

AMOUNT_WARNING_ABOVE = Decimal("200")
MAX_AMOUNT = Decimal("9999999999.99")
NAME_MAX = 200


# compiled once: a 10,000-row upload applies each of them to every row
_SPACES = re.compile(r"\s+")
_WAN = re.compile(r"(万元|万)$")
_NUMBER = re.compile(r"-?\d+(\.\d+)?(e-?\d+)?", re.IGNORECASE)


class RowError(ValueError):
    pass


def as_typed(value) -> str:
    """A cell as the user typed it, only the outer spaces (half- or full-width) trimmed.

    Names, summaries and contacts are stored and exported this way: their full-width punctuation
    (，。（）) is part of the Chinese text, not noise to normalise.
    """
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def text(value) -> str:
    """A cell read for matching: full-width letters and digits made half-width (NFKC), outer space removed.

    Only for what is compared or parsed (amounts, phones, categories, places), never for stored free text.
    """
    return unicodedata.normalize("NFKC", as_typed(value)).strip()


def clean_name(value) -> str:
    name = as_typed(value)
    if not name:
        raise RowError("请填写项目名称")
    if len(name) > NAME_MAX:
        raise RowError(f"项目名称不能超过{NAME_MAX}个字")
    return name


# The cached rules are pure functions of the cell (typed=True: 50 and 50.0 and "50" are kept apart); a
# 10,000-row list repeats its categories, amounts and often its contacts' numbers.
@lru_cache(maxsize=65536, typed=True)
def clean_category(value) -> str:
    category = _SPACES.sub("", text(value)).replace("其它", "其他")
    if not category:
        raise RowError("请填写帮扶类别")
    if category not in CATEGORIES:
        raise RowError(f"帮扶类别“{category}”无效，应为" + "、".join(CATEGORIES) + "之一")
    return category


@lru_cache(maxsize=65536, typed=True)
def clean_amount(value) -> Decimal:
    """万元, positive, at most two decimals; '５０', '50万元', '1,200.5' are accepted."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raw = repr(value) if isinstance(value, float) else str(value)
    else:
        raw = _SPACES.sub("", text(value))
        raw = _WAN.sub("", raw).replace(",", "")
    if not raw:
        raise RowError("请填写项目拟投入资金（万元）")
    if not _NUMBER.fullmatch(raw):
        raise RowError(f"项目拟投入资金“{text(value)}”不是数字，请以万元为单位填写数字，如“50”或“12.5”")
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        raise RowError(f"项目拟投入资金“{text(value)}”不是数字") from None
    if isinstance(value, float):
        amount = amount.quantize(Decimal("0.0000001")).normalize()  # 12.35 typed in Excel, not its binary tail
    if amount <= 0:
        raise RowError("项目拟投入资金必须大于0")
    if amount.as_tuple().exponent < -2:
        raise RowError("项目拟投入资金以万元为单位，最多保留两位小数")
    if amount > MAX_AMOUNT:
        raise RowError("项目拟投入资金过大，请核对单位是否为万元")
    return amount.quantize(Decimal("0.01"))


def amount_warning(amount: Decimal | None) -> str:
    if amount is not None and amount > AMOUNT_WARNING_ABOVE:
        return f"资金{amount}万元超过200万元（通知要求一般不超过200万元），请确认"
    return ""


@lru_cache(maxsize=65536, typed=True)
def clean_mobile(value, label: str = "手机") -> str:
    raw = phones.strip_noise(text(value))
    if not raw:
        raise RowError(f"请填写{label}")
    plain = phones.plain_mobile(raw)  # the common case, decided by the number's block
    if plain is not None:
        if plain:
            return plain
        raise RowError(f"{label}“{text(value)}”不是有效的中国大陆手机号码（11位，1开头）")
    number = phones.parse(raw)
    if number is None:
        raise RowError(f"{label}“{text(value)}”不是有效的手机号码")
    if not phones.is_mainland_mobile(number):
        raise RowError(f"{label}“{text(value)}”不是有效的中国大陆手机号码（11位，1开头）")
    return phones.format_cn_phone(number)


def clean_landline(value, label: str = "工作电话") -> str:
    """A fixed line with its area code (0891-6321234), or a mobile."""
    raw = re.sub(r"[\s()（）]", "", text(value))
    if not raw:
        raise RowError(f"请填写{label}")
    number = phones.parse(phones.strip_noise(raw))
    if number is None:
        raise RowError(f"{label}“{text(value)}”不是有效的电话号码")
    if not phones.is_mainland(number):
        raise RowError(f"{label}“{text(value)}”不是有效的电话号码，固定电话请带区号，如“0891-6321234”")
    return phones.format_cn_phone(number)


def clean_contact(value) -> str:
    name = as_typed(value)
    if not name:
        raise RowError("请填写项目联系人")
    if len(name) > 64:
        raise RowError("项目联系人不能超过64个字")
    return name


def clean_summary(value) -> str:
    return as_typed(value)


def clean_place(value, *, kind: str, province_code: str):
    place_text = _SPACES.sub("", text(value))
    try:
        if kind == ListKind.NEED:
            place = resolve_need_place(province_code, place_text)
        else:
            place = resolve_supply_place(place_text)
    except PlaceError as exc:
        raise RowError(str(exc)) from None
    if len(place_text) > 200:
        raise RowError("项目拟实施地不能超过200个字")
    return place_text, place


def validate_row(raw: dict, *, kind: str, province_code: str) -> tuple[dict, dict[str, str], dict[str, str]]:
    """(clean values, errors by field, warnings by field) for one row of 附件2/附件3."""
    clean: dict = {}
    errors: dict[str, str] = {}
    warnings: dict[str, str] = {}
    rules = {
        "name": clean_name,
        "category": clean_category,
        "summary": clean_summary,
        "amount": clean_amount,
        "contact_name": clean_contact,
        "contact_mobile": lambda v: clean_mobile(v, "联系方式（手机）"),
    }
    for field, rule in rules.items():
        try:
            clean[field] = rule(raw.get(field))
        except RowError as exc:
            errors[field] = str(exc)
    try:
        clean["place_text"], place = clean_place(raw.get("place_text"), kind=kind, province_code=province_code)
        clean["place_id"] = place.pk
        clean["place_name"] = place_full_name(place)
    except RowError as exc:
        errors["place_text"] = str(exc)
    warning = amount_warning(clean.get("amount"))
    if warning:
        warnings["amount"] = warning
    return clean, errors, warnings

