"""Mainland phone numbers: one parser, one validity rule and one written form for every app.

Used by crackdown's public report (a mobile or a fixed line, optional) and by aid_projects' rows and
liaisons (手机, 工作电话); each app words its own messages.  ``phonenumbers`` holds the numbering plan.
"""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers
from phonenumbers import PhoneNumber

# what people put between digits: spaces, hyphens (half- and full-width, dashes), brackets
NOISE = re.compile(r"[\s\-－—()（）]")
COUNTRY_PREFIX = re.compile(r"^(?:\+?86)")
MOBILE_DIGITS = re.compile(r"1\d{10}")


def strip_noise(value: str) -> str:
    return NOISE.sub("", value or "")


def parse(raw: str) -> PhoneNumber | None:
    """``raw`` read as a number dialled in mainland China; None when it is not a number at all."""
    try:
        return phonenumbers.parse(raw, "CN")
    except phonenumbers.NumberParseException:
        return None


def is_mainland(number: PhoneNumber) -> bool:
    """A valid number of the mainland plan (+86): a mobile or a fixed line with its area code."""
    return number.country_code == 86 and phonenumbers.is_valid_number(number)


def is_mainland_mobile(number: PhoneNumber) -> bool:
    return is_mainland(number) and phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.MOBILE


@lru_cache(maxsize=2048)
def mobile_block_is_mobile(block: str) -> bool:
    """Is an 11-digit number starting with ``block`` (its first 5 digits) a valid mainland mobile?

    The numbering plan decides mobiles on at most the first five digits (1740[0-5], 1610x; see
    phonenumbers' CN metadata), so one number of the block answers for all of it: a 10,000-row upload
    asks phonenumbers about a few hundred blocks, not 10,000 numbers.
    """
    number = parse(block + "000000")  # None e.g. for 17951…, an IP-call prefix, not a number
    return number is not None and is_mainland_mobile(number)


def plain_mobile(raw: str) -> str | None:
    """``raw`` (noise already stripped) as an 11-digit mobile when it is written as one (with or without
    +86), by the fast block check; None when it is not written as a mobile, "" when it is written as one
    but the plan has no such mobile."""
    plain = COUNTRY_PREFIX.sub("", raw)
    if not MOBILE_DIGITS.fullmatch(plain):
        return None
    return plain if mobile_block_is_mobile(plain[:5]) else ""


def format_cn_phone(number: PhoneNumber) -> str:
    """A parsed mainland number as people write it: 13912345678, or 0311-87654321 for a fixed line."""
    national = phonenumbers.national_significant_number(number)
    if phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.MOBILE:
        return national
    area = phonenumbers.length_of_geographical_area_code(number)
    if area:
        return f"0{national[:area]}-{national[area:]}"
    return "0" + national


def mainland_phone(value: str) -> str | None:
    """Any valid mainland number (mobile or fixed line with its area code) in its written form, or None."""
    number = parse(strip_noise(value))
    if number is None or not is_mainland(number):
        return None
    return format_cn_phone(number)


def normalise_phone(value: str) -> str:
    """Digits only, without the country code: "+86 139-1234-1111" and "13912341111" are one number
    (what the keyed-hash search column of a phone is made from, ``portal.crypto.phone_digest``)."""
    digits = re.sub(r"\D", "", value or "")
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits
