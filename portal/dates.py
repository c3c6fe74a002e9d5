"""Typed dates (issue 12 point 3): which forms are read, and why a text is not a date, in Chinese.

Every form's date field reads the formats of ``portal/formats/zh_Hans`` (settings.FORMAT_MODULE_PATH);
when none fits, ``why_not_a_date`` says what is wrong (no such month, no such day, a form not read)
instead of Django's bare 「输入一个有效的日期」.  Installed once for every ``forms.DateField`` by
``install_date_messages`` (portal.apps).
"""

from __future__ import annotations

import calendar
import re

EXAMPLES = "2026-01-05、2026/1/5、2026年1月5日 或 20260105"
_PARTS = re.compile(r"^(\d{4})\s*(?:[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?|(\d{2})(\d{2}))$")


def why_not_a_date(text: str) -> str:
    """The reason ``text`` is not a date (assuming no input format read it)."""
    text = (text or "").strip()
    m = _PARTS.match(text)
    if m is None:
        return f"无法识别日期“{text}”，请按 {EXAMPLES} 的格式填写。"
    year = int(m.group(1))
    month = int(m.group(2) or m.group(4))
    day = int(m.group(3) or m.group(5))
    if not 1 <= month <= 12:
        return f"日期“{text}”中的月份 {month} 不存在（应为 1 到 12）。"
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        return f"{year}年{month}月没有{day}日（该月共 {last} 天）。"
    return f"无法识别日期“{text}”，请按 {EXAMPLES} 的格式填写。"


def install_date_messages() -> None:
    """Give every form DateField the reasoned message (one place, so every app's forms and filters have it)."""
    from django import forms
    from django.core.exceptions import ValidationError

    if getattr(forms.DateField, "_portal_reasoned", False):
        return
    original = forms.DateField.to_python

    def to_python(self, value):
        try:
            return original(self, value)
        except ValidationError as exc:
            if getattr(exc, "code", None) != "invalid" or not isinstance(value, str):
                raise
            raise ValidationError(why_not_a_date(value), code="invalid") from None

    forms.DateField.to_python = to_python
    forms.DateField._portal_reasoned = True
