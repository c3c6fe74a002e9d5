"""One set of rules for a need/supply row, whether it was typed in the browser or read from a file.

Each rule takes what the user wrote and returns the normalised value, or raises ``RowError`` with a
Chinese message; amounts over ``AMOUNT_WARNING_ABOVE`` (200万元) are a warning the submitter must
confirm (通知: 资金需求量一般不超过200万元).  Each column of ``aid_projects.sheets`` names its rule here;
the table form, the API serializer and the reader apply them through the spec (``FormSpec.clean_row``).
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from aid_projects.choices import AidCategory, ListKind
from aid_projects.places import PlaceError, resolve_need_place, resolve_supply_place
from portal import phones

# 通知: 项目资金需求量一般不超过200万元 — above it the submitter confirms the amount (also a check constraint)
AMOUNT_WARNING_ABOVE = Decimal("200")
AMOUNT_CONFIRM_LABEL = f"已核实超过{AMOUNT_WARNING_ABOVE}万元"
MAX_AMOUNT = Decimal("9999999999.99")
NAME_MAX = 200
PLACE_MAX = 200
CATEGORIES = [c.value for c in AidCategory]


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


def amount_needs_confirmation(amount: Decimal | None) -> bool:
    """Over the notice's 200万元: kept only once confirmed (``AidItem.amount_confirmed``)."""
    return amount is not None and amount > AMOUNT_WARNING_ABOVE


def amount_warning(amount: Decimal | None) -> str:
    if amount_needs_confirmation(amount):
        return (f"资金{amount}万元超过{AMOUNT_WARNING_ABOVE}万元（通知要求一般不超过{AMOUNT_WARNING_ABOVE}万元），"
                "请确认")
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


def clean_contact_mobile(value) -> str:
    """The project contact's mobile (附件2/3 联系方式（手机）)."""
    return clean_mobile(value, "联系方式（手机）")


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


def clean_email(value, label: str = "电子信箱") -> str:
    address = as_typed(value)
    if not address:
        raise RowError(f"请填写{label}")
    try:
        validate_email(address)
    except ValidationError:
        raise RowError(f"{label}“{address}”不是合法的邮件地址，如“zhangsan@example.cn”") from None
    return address


def clean_place(value, *, kind: str, province_code: str):
    place_text = _SPACES.sub("", text(value))
    try:
        if kind == ListKind.NEED:
            place = resolve_need_place(province_code, place_text)
        else:
            place = resolve_supply_place(place_text)
    except PlaceError as exc:
        raise RowError(str(exc)) from None
    if len(place_text) > PLACE_MAX:
        raise RowError(f"项目拟实施地不能超过{PLACE_MAX}个字")
    return place_text, place


SCAN_MAX_BYTES = 10 * 1024 * 1024
SCAN_SIGNATURES = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff")  # PDF, PNG, JPG


def scan_refusal(scan) -> str:
    """Why the stamped scan of 附件1 cannot be kept ('' when it can): a PDF or an image, 10 MB at most."""
    if not scan:
        return "请选择盖章扫描件"
    if scan.size > SCAN_MAX_BYTES:
        return "扫描件不能超过 10 MB"
    head = scan.read(8)
    scan.seek(0)
    if not head.startswith(SCAN_SIGNATURES):
        return "扫描件应为 PDF、PNG 或 JPG 文件"
    return ""
