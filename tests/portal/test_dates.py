"""Typed dates (issue 12 point 3): the forms clerks type are read, and a text that is no date says why."""

import datetime

import pytest
from django import forms

from portal.dates import why_not_a_date


@pytest.mark.parametrize("text", ["2026-01-05", "2026-1-5", "2026/1/5", "2026.1.5", "2026年1月5日", "20260105"])
def test_typed_forms_are_read(text):
    assert forms.DateField().clean(text) == datetime.date(2026, 1, 5)


@pytest.mark.parametrize(("text", "reason"), [
    ("2026-13-05", "月份 13 不存在"),
    ("2026年2月30日", "2026年2月没有30日（该月共 28 天）"),
    ("20250229", "2025年2月没有29日"),
    ("下周一", "无法识别日期“下周一”，请按 2026-01-05、2026/1/5、2026年1月5日 或 20260105 的格式填写"),
])
def test_a_wrong_date_says_why(text, reason):
    with pytest.raises(forms.ValidationError) as caught:
        forms.DateField().clean(text)
    assert reason in caught.value.messages[0]
    assert reason in why_not_a_date(text)


def test_filters_and_model_forms_share_the_rule():
    import django_filters

    field = django_filters.DateFilter().field
    with pytest.raises(forms.ValidationError, match="没有30日"):
        field.clean("2026/2/30")
    assert field.clean("2026年2月3日") == datetime.date(2026, 2, 3)
